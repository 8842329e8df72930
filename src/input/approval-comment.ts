import { typedTextSchema } from "../text/user-text.js";

export const maxCommentLength = 500;

/**
 * The optional comment a manager gives with an approval (the approve form): kept with the approval,
 * on the ledger entry and in the audit trail, and shown in Slack. Empty is no comment.
 */
export const approvalCommentSchema = typedTextSchema({
  required: "",
  optional: true,
  invisible: "The comment has no visible characters; leave it empty or write a comment.",
  controlCharacters: "The comment contains control characters; type it as plain text.",
  multiline: true,
  max: maxCommentLength,
  tooLong: (length) => `The comment is ${length} characters; the most is ${maxCommentLength}.`,
});
