import type { Deps } from "../../app/deps.js";
import { buildHelpMenu } from "../../blocks/help-menu.js";
import { parseCustomerCommand } from "../../commands/customer-grammar.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import { billingCommand } from "./customer/billing.js";
import { type CommandArgs, oneCustomer, reply } from "./customer/command-context.js";
import { openCreateForm } from "./customer/create.js";
import { openEditForm } from "./customer/edit.js";
import { historyCommand } from "./customer/history.js";
import { createInvite, listInvites, parseInviteEmail } from "./customer/invite.js";
import { listCustomers } from "./customer/list.js";
import { balanceCommand, creditsCommand } from "./customer/money.js";
import { offerPassword } from "./customer/password.js";
import { approvalsCommand, poolCommand } from "./customer/pool.js";
import { showCustomer } from "./customer/show.js";
import { switchStatus } from "./customer/status.js";
import { tagCommand } from "./customer/tag.js";

/** `/customer …`: ack at once, then parse the subcommand and answer privately. */
export function customerCommand(deps: Deps) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const command = parseCustomerCommand(args.command.text);
      const actor = actorOf(args.context);
      const opening = {
        client: args.client,
        triggerId: args.command.trigger_id,
        responseUrl: args.command.response_url,
      };
      switch (command.name) {
        case "help":
          return reply(args, buildHelpMenu());
        case "list":
          return reply(args, await listCustomers(deps, command.query, 0));
        case "show":
          return reply(args, await showCustomer(deps, command.ref));
        case "create":
          return openCreateForm(deps, opening);
        case "edit": {
          const customer = await oneCustomer(deps, args, command.args, "/customer edit REF");
          return customer ? openEditForm(customer, opening) : undefined;
        }
        case "tag":
          return tagCommand(deps, args, command.args);
        case "enable":
        case "disable": {
          const customer = await oneCustomer(
            deps,
            args,
            command.args,
            `/customer ${command.name} REF`,
          );
          if (!customer) return;
          return reply(
            args,
            await switchStatus(
              deps,
              customer.customerId,
              command.name === "enable" ? "on" : "off",
              actor,
            ),
          );
        }
        case "password": {
          const customer = await oneCustomer(deps, args, command.args, "/customer password REF");
          if (
            !customer ||
            !(await deps.idempotency.takeDelivery(`command:${args.command.trigger_id}`, deps.now()))
          )
            return;
          return reply(args, await offerPassword(deps, customer.customerId, actor));
        }
        case "invite": {
          const email = parseInviteEmail(command.args);
          if (
            !(await deps.idempotency.takeDelivery(`command:${args.command.trigger_id}`, deps.now()))
          )
            return;
          return reply(args, await createInvite(deps, email, actor));
        }
        case "invites":
          return reply(args, await listInvites(deps));
        case "balance":
          return balanceCommand(deps, args, command.args);
        case "credits":
          return creditsCommand(deps, args, command.args);
        case "pool":
          return reply(args, await poolCommand(deps, args, command.args));
        case "approvals":
          return reply(args, await approvalsCommand(deps));
        case "billing":
          return billingCommand(deps, args, command.args);
        case "history":
          return historyCommand(deps, args, command.args);
        default: {
          const unhandled: never = command;
          throw new Error(`no handler for ${JSON.stringify(unhandled)}`);
        }
      }
    });
  };
}
