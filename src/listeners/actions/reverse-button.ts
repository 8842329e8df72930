import { z } from "zod";
import { buildReverseModal } from "../../blocks/reversal-modal.js";
import { AppError } from "../../errors/app-error.js";
import { entryIdPattern } from "../../ledger/ledger-entry.js";
import { actorOf } from "../actor.js";
import { answerErrors } from "../answer-errors.js";
import type { Deps } from "../deps.js";
import { encodeModalMetadata } from "../modal-metadata.js";
import { openModal } from "../open-modal.js";
import { actionValue, type ButtonArgs, formOpeningFrom } from "./action-args.js";

/** Reverse carries the entry's ID and nothing else; who may, and which entry, is decided here. */
const entryIdValue = z.string().regex(entryIdPattern);

/**
 * Reverse on a billing details entry: the entry is read again (it must still be reversible, and
 * the clicker allowed to ask), then the reason form opens showing what will be reversed.
 */
export function reverseButton(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await answerErrors(args, async () => {
      const carried = entryIdValue.safeParse(actionValue(args));
      if (!carried.success)
        throw new AppError(
          "invalid_input",
          "That button does not name a ledger entry. Open billing details again.",
        );
      const { entry, customer } = await deps.reversals.reversible(
        carried.data,
        actorOf(args.context),
      );
      const opening = formOpeningFrom(args);
      const metadata = encodeModalMetadata({
        customerId: customer.customerId,
        entryId: entry.entryId,
        responseUrl: opening.responseUrl,
      });
      await openModal(
        opening.client,
        opening.triggerId,
        buildReverseModal(entry, customer, deps.config.currency, metadata),
      );
    });
  };
}
