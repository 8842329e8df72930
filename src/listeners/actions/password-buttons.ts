import {
  buildPasswordCancelled,
  buildPasswordConfirmed,
  buildPasswordOffer,
} from "../../blocks/password-messages.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { replyPrivately } from "../reply.js";
import { type ButtonArgs, resetIdOf } from "./action-args.js";

/** Confirm / Generate another / Cancel on a password offer; each replaces the message, so the password disappears. */
export function passwordButtons(deps: Deps) {
  const handle =
    (work: (args: ButtonArgs, resetId: string) => Promise<void>) => async (args: ButtonArgs) => {
      await args.ack();
      await answerErrors(args, () => work(args, resetIdOf(args)));
    };
  return {
    confirm: handle(async (args, resetId) => {
      const customer = await deps.passwordResets.confirm(resetId, actorOf(args.context));
      await replyPrivately(args, buildPasswordConfirmed(customer), { replaceOriginal: true });
    }),
    replace: handle(async (args, resetId) => {
      const offer = await deps.passwordResets.replace(resetId, actorOf(args.context));
      await replyPrivately(args, buildPasswordOffer(offer), { replaceOriginal: true });
    }),
    cancel: handle(async (args, resetId) => {
      const customer = await deps.passwordResets.cancel(resetId, actorOf(args.context));
      await replyPrivately(args, buildPasswordCancelled(customer), { replaceOriginal: true });
    }),
  };
}
