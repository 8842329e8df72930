import { z } from "zod";
import { approvalIdValue, customerRefValue, decodeJsonValue } from "../blocks/button-values.js";
import { pickPurposes } from "../blocks/customer-picker.js";
import { entryIdPattern } from "../ledger/ledger-entry.js";

/** A Slack message's permalink: https on slack.com or a workspace's subdomain of it, nothing else. */
export const slackPermalinkSchema = z
  .string()
  .max(1000)
  .refine((text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    const host = url.hostname;
    return (
      url.protocol === "https:" &&
      !url.username &&
      !url.password &&
      (host === "slack.com" || host.endsWith(".slack.com"))
    );
  });

/**
 * What a modal carries in `private_metadata` (≤ 3,000 characters): which customer, the version the
 * form showed, what a picker modal leads to, the message a shortcut came from, and where to answer (the response_url of the command or message it was opened from).
 */
export const modalMetadataSchema = z
  .object({
    customerId: customerRefValue.optional(),
    updatedAt: z.number().int().nonnegative().optional(),
    approvalId: approvalIdValue.optional(),
    /** The reversal form: the ledger entry it reverses. */
    entryId: z.string().regex(entryIdPattern).optional(),
    /** The Find a customer modal: what picking a customer leads to. */
    purpose: z.enum(pickPurposes).optional(),
    /** The message a message shortcut was used on. */
    sourcePermalink: slackPermalinkSchema.optional(),
    responseUrl: z
      .string()
      .max(1000)
      .regex(/^https?:\/\/\S+$/)
      .optional(),
  })
  .strict();

export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export function encodeModalMetadata(metadata: ModalMetadata): string {
  return JSON.stringify(metadata);
}

export function decodeModalMetadata(raw: string | undefined): ModalMetadata | null {
  return decodeJsonValue(modalMetadataSchema, raw);
}
