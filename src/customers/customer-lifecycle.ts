import type { ClientSession, MongoClient } from "mongodb";
import { z } from "zod";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { AlreadyApplied, type IdempotencyRepository } from "../db/idempotency-repository.js";
import { inTransaction, isDuplicateKey } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { generatePassword, hashPassword } from "../security/password.js";
import type { Customer, CustomerStatus } from "./customer.js";
import { customerGone } from "./customer-gone.js";
import { newCustomerId } from "./customer-id.js";
import type { CustomerInput } from "./customer-input.js";
import type { CustomerChange, CustomerRepository } from "./customer-repository.js";

/**
 * `already-created`: a repeat of a create (a Slack retry, a double submit), with the customer the
 * first delivery created if it still exists.
 */
export type Created =
  | { kind: "done"; value: { customer: Customer; password: string } }
  | { kind: "already-created"; customer: Customer | null };

/** What a create remembers with its idempotency key, to answer its repeats. */
const createdSchema = z.object({ kind: z.literal("created"), customerId: z.string() });

export interface Change {
  customer: Customer;
  /** Field → [before, after], only the fields that changed. */
  changes: Record<string, [unknown, unknown]>;
}

const editableFields = ["account", "teamName", "teamType", "companyName"] as const;

function diff(
  before: Customer,
  after: Customer,
  fields: readonly (keyof Customer)[],
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of fields)
    if (before[field] !== after[field]) changes[field] = [before[field], after[field]];
  return changes;
}

function sides(changes: Record<string, [unknown, unknown]>) {
  return {
    before: Object.fromEntries(Object.entries(changes).map(([field, [old]]) => [field, old])),
    after: Object.fromEntries(Object.entries(changes).map(([field, [, now]]) => [field, now])),
  };
}

/**
 * Customer changes that are not money: create, edit, tag, status. Each commits together with its
 * audit record and (where a retry could repeat it) an idempotency key.
 */
export class CustomerLifecycle {
  constructor(
    private readonly client: MongoClient,
    private readonly idempotency: IdempotencyRepository,
    private readonly customers: CustomerRepository,
    private readonly audit: AuditRepository,
    private readonly now: () => Date,
  ) {}

  /** Creates a customer with a generated initial password, returned once and stored only as a hash. */
  async create(input: CustomerInput, actor: Actor, idempotencyKey: string): Promise<Created> {
    const earlier = await this.idempotency.recall(idempotencyKey);
    if (earlier) return this.alreadyCreated(earlier.outcome);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const at = this.now();
      const customer: Customer = {
        ...input,
        customerId: newCustomerId(),
        balance: 0,
        credits: 0,
        status: "on",
        createdAt: at,
        updatedAt: at,
      };
      try {
        await inTransaction(this.client, async (session) => {
          await this.idempotency.claim(idempotencyKey, at, session, {
            kind: "created",
            customerId: customer.customerId,
          });
          await this.customers.insertOne({ ...customer, passwordHash }, session);
          await this.audit.record(
            {
              at,
              actorId: actor.userId,
              actorRole: actor.role,
              action: "customer.create",
              outcome: "done",
              target: { customerId: customer.customerId, account: customer.account },
              after: {
                account: customer.account,
                teamName: customer.teamName,
                teamType: customer.teamType,
                companyName: customer.companyName,
                tag: customer.tag,
                status: customer.status,
              },
            },
            session,
          );
        });
        return { kind: "done", value: { customer, password } };
      } catch (error) {
        if (error instanceof AlreadyApplied)
          return this.alreadyCreated((await this.idempotency.recall(idempotencyKey))?.outcome);
        if (isDuplicateKey(error, "account")) {
          const existing = await this.customers.findExact(input.account);
          throw new AppError(
            "conflict",
            `${input.account} already exists${existing ? ` (${existing.customerId})` : ""}. Pick another account.`,
            { field: "account" },
          );
        }
        if (!isDuplicateKey(error, "customerId")) throw error;
      }
    }
    throw new Error("could not find a free customer ID after 3 attempts");
  }

  private async alreadyCreated(outcome: unknown): Promise<Created> {
    const created = createdSchema.safeParse(outcome);
    const customer = created.success
      ? await this.customers.findByCustomerId(created.data.customerId)
      : null;
    return { kind: "already-created", customer };
  }

  /**
   * Edits basic information. `expectedUpdatedAt` is what the form showed: if someone changed the
   * customer since, nothing is applied and the editor is asked to look again.
   */
  async edit(
    customerId: string,
    input: Omit<CustomerInput, "tag">,
    expectedUpdatedAt: Date,
    actor: Actor,
  ): Promise<Change> {
    const current = await this.customers.findByCustomerId(customerId);
    if (!current) throw customerGone(customerId);
    const wanted = { ...current, ...input };
    if (Object.keys(diff(current, wanted, editableFields)).length === 0)
      return { customer: current, changes: {} };
    try {
      return await this.mutate(
        customerId,
        (at, session) =>
          this.customers.editIfUnchangedSince(customerId, expectedUpdatedAt, input, at, session),
        actor,
        "customer.edit",
        editableFields,
      );
    } catch (error) {
      if (isDuplicateKey(error, "account")) {
        throw new AppError("conflict", `${input.account} already belongs to another customer.`, {
          field: "account",
        });
      }
      if (error instanceof AppError && error.code === "not_found") {
        throw new AppError(
          "conflict",
          "Someone changed this customer after you opened the form, so nothing was saved. Open it again to see the latest values.",
        );
      }
      throw error;
    }
  }

  async setTag(customerId: string, tag: string | null, actor: Actor): Promise<Change> {
    return this.mutate(
      customerId,
      (at, session) => this.customers.setTagUnlessAlready(customerId, tag, at, session),
      actor,
      "customer.tag",
      ["tag"],
      true,
    );
  }

  async setStatus(customerId: string, status: CustomerStatus, actor: Actor): Promise<Change> {
    return this.mutate(
      customerId,
      (at, session) => this.customers.setStatusUnlessAlready(customerId, status, at, session),
      actor,
      status === "on" ? "customer.enable" : "customer.disable",
      ["status"],
      true,
    );
  }

  /**
   * One guarded update plus its audit record, in one transaction. With `unchangedIsFine`, a customer
   * that already has the wanted value is answered with no change (a double click applies once).
   */
  private async mutate(
    customerId: string,
    update: (at: Date, session: ClientSession) => Promise<CustomerChange | null>,
    actor: Actor,
    action: string,
    fields: readonly (keyof Customer)[],
    unchangedIsFine = false,
  ): Promise<Change> {
    const result = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const updated = await update(at, session);
      if (!updated) return null;
      const changes = diff(updated.before, updated.after, fields);
      await this.audit.record(
        {
          at,
          actorId: actor.userId,
          actorRole: actor.role,
          action,
          outcome: "done",
          target: { customerId, account: updated.after.account },
          ...sides(changes),
        },
        session,
      );
      return { customer: updated.after, changes };
    });
    if (result) return result;
    const current = await this.customers.findByCustomerId(customerId);
    if (!current) throw customerGone(customerId);
    if (unchangedIsFine) return { customer: current, changes: {} };
    throw new AppError("not_found", "The customer changed meanwhile.");
  }
}
