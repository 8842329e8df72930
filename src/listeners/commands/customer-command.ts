import { buildHelpMenu } from "../../blocks/help-menu.js";
import { parseCustomerCommand } from "../../grammar/customer-grammar.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { billingDetails } from "../operations/billing-details.js";
import { customerHistory } from "../operations/customer-history.js";
import { createInvite, listInvites } from "../operations/invites.js";
import { listCustomers } from "../operations/list-customers.js";
import { openCreateForm, openEditForm } from "../operations/open-forms.js";
import { offerPassword } from "../operations/password-offer.js";
import { pendingApprovals } from "../operations/pending-approvals.js";
import { switchStatus } from "../operations/switch-status.js";
import { bareCommand } from "./bare-command.js";
import { type CommandArgs, formOpeningOf, oneCustomer, reply } from "./command-context.js";
import { linkCommand } from "./link-command.js";
import { linksCommand } from "./links-command.js";
import { moneyCommand } from "./money-commands.js";
import { poolCommand } from "./pool-command.js";
import { showCustomer } from "./show-customer.js";
import { tagCommand } from "./tag-command.js";
import { unlinkCommand } from "./unlink-command.js";
import { verifyCommand } from "./verify-command.js";

/** `/customer …`: ack at once, then parse the subcommand and answer privately. */
export function customerCommand(deps: Deps) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const command = parseCustomerCommand(args.command.text, deps.config.currency);
      const actor = actorOf(args.context);
      const opening = formOpeningOf(args);
      switch (command.name) {
        case "help":
          return reply(args, buildHelpMenu());
        case "list":
          return reply(args, await listCustomers(deps, command.query));
        case "show":
          return reply(args, await showCustomer(deps, command.ref));
        case "create":
          return openCreateForm(opening);
        case "edit": {
          const customer = await oneCustomer(deps, args, command.ref);
          return customer ? openEditForm(customer, opening) : undefined;
        }
        case "tag":
          return tagCommand(deps, args, command);
        case "enable":
        case "disable": {
          const customer = await oneCustomer(deps, args, command.ref);
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
          const customer = await oneCustomer(deps, args, command.ref);
          if (
            !customer ||
            !(await deps.idempotency.takeDelivery(`command:${args.command.trigger_id}`, deps.now()))
          )
            return;
          return reply(args, await offerPassword(deps, customer.customerId, actor));
        }
        case "invite": {
          if (
            !(await deps.idempotency.takeDelivery(`command:${args.command.trigger_id}`, deps.now()))
          )
            return;
          return reply(args, await createInvite(deps, command.email, actor));
        }
        case "invites":
          return reply(args, await listInvites(deps));
        case "balance":
        case "credits":
          return moneyCommand(deps, args, command);
        case "pool":
          return reply(args, await poolCommand(deps, args, command.newTotal));
        case "approvals":
          return reply(args, await pendingApprovals(deps));
        case "billing": {
          const customer = await oneCustomer(deps, args, command.ref);
          return customer ? reply(args, await billingDetails(deps, customer)) : undefined;
        }
        case "history": {
          const customer = await oneCustomer(deps, args, command.ref);
          return customer ? reply(args, await customerHistory(deps, customer)) : undefined;
        }
        case "bare":
          return bareCommand(deps, args);
        case "link":
          return linkCommand(deps, args, command.ref);
        case "unlink":
          return unlinkCommand(deps, args);
        case "links":
          return linksCommand(deps, args);
        case "verify":
          return verifyCommand(deps, args, command.ref);
        default: {
          const unhandled: never = command;
          throw new Error(`no handler for ${JSON.stringify(unhandled)}`);
        }
      }
    });
  };
}
