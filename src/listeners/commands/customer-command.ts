import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { Deps } from "../../app/deps.js";
import { buildHelpMenu } from "../../blocks/help-menu.js";
import { parseCustomerCommand } from "../../commands/customer-grammar.js";
import { answerErrors } from "../answer-errors.js";
import { notYetAvailable } from "../not-yet-available.js";
import { replyPrivately } from "../reply.js";
import { listCustomers } from "./customer/list.js";
import { showCustomer } from "./customer/show.js";

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/customer …`: ack at once, then parse the subcommand and answer privately. */
export function customerCommand(deps: Deps) {
  return async (args: CommandArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const command = parseCustomerCommand(args.command.text);
      const reply = (message: Parameters<typeof replyPrivately>[1]) =>
        replyPrivately(args, message);
      switch (command.name) {
        case "help":
          return reply(buildHelpMenu());
        case "list":
          return reply(await listCustomers(deps, command.query, 0));
        case "show":
          return reply(await showCustomer(deps, command.ref));
        default:
          return reply(notYetAvailable(`/customer ${command.name}`));
      }
    });
  };
}
