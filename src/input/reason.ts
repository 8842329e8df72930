import { typedTextSchema } from "../text/user-text.js";

export const maxReasonLength = 500;

/**
 * The reason kept with a money change or a rejection, typed in a command or a form: it goes into the
 * ledger and the audit trail and is shown in Slack.
 */
export const reasonSchema = typedTextSchema({
  required: "Give a reason; it is kept with the change.",
  invisible: "The reason has no visible characters; give a reason, it is kept with the change.",
  controlCharacters: "The reason contains control characters; type it as plain text.",
  multiline: true,
  max: maxReasonLength,
  tooLong: (length) => `The reason is ${length} characters; the most is ${maxReasonLength}.`,
});
