import { z } from "zod";

export const teamTypes = ["default", "individual", "enterprise"] as const;
export type TeamType = (typeof teamTypes)[number];
export const statuses = ["on", "off"] as const;
export type CustomerStatus = (typeof statuses)[number];

/** A customer as the bot works with it. Money is in integer minor units. Never carries the password hash. */
export interface Customer {
  /** Internal customer ID, e.g. `CUS-7K3M9Q2T`: short, stable, unique. */
  customerId: string;
  /** Login, usually an email address; unique, lower-case. */
  account: string;
  teamName: string;
  teamType: TeamType;
  /** Enterprise teams only. */
  companyName: string | null;
  balance: number;
  credits: number;
  status: CustomerStatus;
  tag: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const teamTypeLabels: Record<TeamType, string> = {
  default: "Default",
  individual: "Individual",
  enterprise: "Enterprise",
};

/** Internal IDs: a prefix and 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
export const customerIdAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const customerIdPattern = /^CUS-[2-9A-HJKMNP-Z]{8}$/;

/** Tags: short, lower-case, letters/digits/-/_. */
export const tagPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const tagRule =
  "a tag is 1–32 characters: lower-case letters, digits, - and _, starting with a letter or digit";

/** What is read from the `customers` collection; lenient where the console may have written less. */
export const customerDocumentSchema = z.object({
  customerId: z.string(),
  account: z.string(),
  teamName: z.string().default(""),
  teamType: z.enum(teamTypes).catch("default"),
  companyName: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  balance: z.number().int().default(0),
  credits: z.number().int().default(0),
  status: z.enum(statuses).catch("on"),
  tag: z
    .string()
    .nullish()
    .transform((value) => value || null),
  createdAt: z.date(),
  updatedAt: z.date().optional(),
});

export function toCustomer(document: unknown): Customer {
  const parsed = customerDocumentSchema.parse(document);
  return { ...parsed, updatedAt: parsed.updatedAt ?? parsed.createdAt };
}
