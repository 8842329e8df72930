import { z } from "zod";
import { approvalIdValue, customerRefValue, decodeJsonValue } from "../blocks/button-values.js";

/**
 * What a modal carries in `private_metadata` (≤ 3,000 characters): which customer, the version the
 * form showed, and where to answer (the response_url of the command or message it was opened from).
 */
export const modalMetadataSchema = z
  .object({
    customerId: customerRefValue.optional(),
    updatedAt: z.number().int().nonnegative().optional(),
    approvalId: approvalIdValue.optional(),
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
