import {
  buildErrorNotice,
  buildNotice,
  type SlackMessage,
  userMessageMrkdwn,
} from "../../blocks/message.js";
import { joinMd, md } from "../../blocks/mrkdwn.js";
import { isAppError } from "../../errors/app-error.js";
import { isUnexpected, userMessageFor } from "../../errors/user-message.js";
import { decodeModalMetadata, type ModalMetadata } from "../modal-metadata.js";
import { postToResponseUrl } from "../reply.js";
import { scopeOf } from "../request-scope.js";
import { resultModal, submittedValues, type ViewArgs } from "../view-args.js";

export type FieldErrors = Record<string, string>;

export interface FormHandling<T> {
  /** Title of the modal that shows the result when there is no message to answer in. */
  resultTitle: string;
  /**
   * The form's input blocks (block_ids). Slack submits a state entry for each (null when left
   * empty); a submission without one is damaged — an absent tag field must not clear the tag.
   */
  inputs: readonly string[];
  /** Field errors, or the parsed input. */
  validate: (
    values: Record<string, string>,
    metadata: ModalMetadata,
  ) => { ok: true; value: T } | { ok: false; errors: FieldErrors };
  /** Does the work; an AppError with a `field` is shown on that field. Returns the answer. */
  apply: (input: T, metadata: ModalMetadata) => Promise<SlackMessage>;
  /**
   * True when nothing `apply` can refuse belongs on a field: the modal then closes at once (after
   * validation) and the answer, refusals included, goes to the response_url the form came from.
   */
  ackBeforeApply?: (input: T) => boolean;
}

/**
 * The one path every modal submission takes: server-side validation with errors on the fields
 * (`response_action: errors`), the work (before the ack, so database refusals such as a duplicate
 * account can still go on a field — unless it outlasts the ack budget), then the answer — privately
 * through the response_url the form was opened from, or in the modal itself when there is none
 * (opened from App Home).
 */
export async function submitForm<T>(args: ViewArgs, handling: FormHandling<T>): Promise<void> {
  const scope = scopeOf(args.context);
  const blockIds = new Set(
    (args.view.blocks ?? []).map((block) => (block as { block_id?: string }).block_id),
  );
  const showErrors = async (errors: FieldErrors) => {
    const onFields = Object.fromEntries(
      Object.entries(errors).filter(([field]) => blockIds.has(field)),
    );
    if (Object.keys(onFields).length > 0)
      return args.ack({ response_action: "errors", errors: onFields });
    const problems = Object.values(errors).map(userMessageMrkdwn);
    const text = problems.length > 0 ? joinMd(problems) : md`The form was incomplete.`;
    return args.ack({
      response_action: "update",
      view: resultModal("Not saved", buildNotice(md`:warning: ${text} Nothing was changed.`)),
    });
  };
  const metadata = decodeModalMetadata(args.view.private_metadata);
  const state = args.view.state?.values ?? {};
  if (!metadata || !handling.inputs.every((input) => input in state))
    return showErrors({ form: "This form is damaged or out of date. Close it and start again." });
  const validation = handling.validate(submittedValues(args), metadata);
  if (!validation.ok) return showErrors(validation.errors);
  if (metadata.responseUrl && handling.ackBeforeApply?.(validation.value)) {
    const { responseUrl } = metadata;
    await args.ack();
    return scope.afterAck.run(async () => {
      let result: SlackMessage;
      try {
        result = await handling.apply(validation.value, metadata);
      } catch (error) {
        if (isUnexpected(error)) scope.log.error({ err: error }, "form submission failed");
        result = buildErrorNotice(userMessageFor(error, scope.requestId));
      }
      try {
        await postToResponseUrl(responseUrl, result);
      } catch (error) {
        scope.log.error({ err: error }, "could not post a form's result to its response_url");
      }
    });
  }
  const work = settle(handling.apply(validation.value, metadata));
  const settled = await settledWithin(work, scope.receivedAt + formAckBudgetMs - performance.now());
  if (settled === null) return answerAfterAck(args, handling, metadata, work);
  if (!settled.ok) {
    const { error } = settled;
    if (isAppError(error) && error.field) return showErrors({ [error.field]: error.userMessage });
    if (isUnexpected(error)) scope.log.error({ err: error }, "form submission failed");
    return args.ack({
      response_action: "update",
      view: resultModal("Not saved", buildErrorNotice(userMessageFor(error, scope.requestId))),
    });
  }
  const { answer } = settled;
  if (!metadata.responseUrl)
    return args.ack({ response_action: "update", view: resultModal(handling.resultTitle, answer) });
  await args.ack();
  try {
    await postToResponseUrl(metadata.responseUrl, answer);
  } catch (error) {
    scope.log.error({ err: error }, "could not post a form's result to its response_url");
  }
}

/**
 * How long a form's work may hold back its ack, from when the request arrived. Slack shows the person
 * an error when a submission is not acked within 3 s (its transit included); work that takes longer
 * (MongoDB slow, failing over or blocked) goes on after the ack and is answered then.
 */
export const formAckBudgetMs = 2000;

type Settled<T = SlackMessage> = { ok: true; answer: T } | { ok: false; error: unknown };

export function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  return work.then(
    (answer) => ({ ok: true, answer }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** The work's outcome if it comes within `ms`, else null (the work goes on). */
export async function settledWithin<T>(
  work: Promise<Settled<T>>,
  ms: number,
): Promise<Settled<T> | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The work outlasted the ack budget: the form is acked now — closed, when there is a conversation to
 * answer in, or else showing that it is being saved — and the outcome, whatever it is (a refusal that
 * would have gone on a field included), replaces that once the work is done.
 */
async function answerAfterAck<T>(
  args: ViewArgs,
  handling: FormHandling<T>,
  metadata: ModalMetadata,
  work: Promise<Settled>,
): Promise<void> {
  const scope = scopeOf(args.context);
  const { responseUrl } = metadata;
  if (responseUrl) await args.ack();
  else
    await args.ack({
      response_action: "update",
      view: resultModal(
        "Saving",
        buildNotice(md`:hourglass_flowing_sand: Saving… the result will show here in a moment.`),
      ),
    });
  scope.log.warn({ budgetMs: formAckBudgetMs }, "a form's work outlasted its ack budget");
  return scope.afterAck.run(async () => {
    const settled = await work;
    if (!settled.ok && isUnexpected(settled.error))
      scope.log.error({ err: settled.error }, "form submission failed");
    const result = settled.ok
      ? settled.answer
      : buildErrorNotice(userMessageFor(settled.error, scope.requestId));
    try {
      if (responseUrl) await postToResponseUrl(responseUrl, result);
      else
        await scope.modalClient.views.update({
          view_id: args.view.id,
          view: resultModal(settled.ok ? handling.resultTitle : "Not saved", result),
        });
    } catch (error) {
      scope.log.error({ err: error }, "could not deliver a form's result after its ack");
    }
  });
}
