import type { Collection, Db, MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import type { Actor } from "../auth/actor.js";
import { collections } from "../db/collections.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { generatePassword, hashPassword } from "../security/password.js";
import { newToken } from "../security/tokens.js";
import type { Customer } from "./customer.js";
import type { CustomerRepository } from "./customer-repository.js";

/** A generated, not yet confirmed password: only its hash is kept, and it expires. */
interface PasswordResetDocument {
  _id: string;
  customerId: string;
  passwordHash: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  state: "pending" | "confirmed" | "cancelled" | "replaced";
  closedAt?: Date;
}

export interface PasswordOffer {
  /** Opaque reference carried by the Confirm / Generate another / Cancel buttons. */
  resetId: string;
  password: string;
  customer: Customer;
  expiresAt: Date;
}

export const resetIdPattern = /^[A-Za-z0-9_-]{22}$/;

/**
 * Reset password (PRODUCT.md §2.7): generate → the staff member copies it → Confirm applies it.
 * Until confirmed nothing changes on the customer; only the person who generated it may confirm.
 */
export class PasswordResets {
  private readonly resets: Collection<PasswordResetDocument>;

  constructor(
    private readonly client: MongoClient,
    db: Db,
    private readonly customers: CustomerRepository,
    private readonly audit: AuditRepository,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {
    this.resets = db.collection<PasswordResetDocument>(collections.passwordResets);
  }

  async offer(customerId: string, actor: Actor): Promise<PasswordOffer> {
    const customer = await this.customers.findByCustomerId(customerId);
    if (!customer) throw new AppError("not_found", `Customer ${customerId} no longer exists.`);
    const password = generatePassword();
    const createdAt = this.now();
    const reset: PasswordResetDocument = {
      _id: newToken(16),
      customerId,
      passwordHash: await hashPassword(password),
      createdBy: actor.userId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.ttlMs),
      state: "pending",
    };
    await this.resets.insertOne(reset);
    return { resetId: reset._id, password, customer, expiresAt: reset.expiresAt };
  }

  /** Generate another: the shown password is dropped (it can no longer be confirmed) and a new one offered. */
  async replace(resetId: string, actor: Actor): Promise<PasswordOffer> {
    const closed = await this.close(resetId, actor, "replaced");
    return this.offer(closed.customerId, actor);
  }

  async cancel(resetId: string, actor: Actor): Promise<Customer> {
    const closed = await this.close(resetId, actor, "cancelled");
    const customer = await this.customers.findByCustomerId(closed.customerId);
    if (!customer)
      throw new AppError("not_found", `Customer ${closed.customerId} no longer exists.`);
    return customer;
  }

  /** Confirm: the pending hash becomes the customer's password, with an audit record, in one transaction. */
  async confirm(resetId: string, actor: Actor): Promise<Customer> {
    const confirmed = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const reset = await this.resets.findOneAndUpdate(
        {
          _id: { $eq: resetId },
          state: "pending",
          createdBy: { $eq: actor.userId },
          expiresAt: { $gt: at },
        },
        { $set: { state: "confirmed", closedAt: at } },
        { session, returnDocument: "before" },
      );
      if (!reset) return null;
      const updated = await this.customers.updateGuarded(
        reset.customerId,
        {},
        { $set: { passwordHash: reset.passwordHash, passwordChangedAt: at, updatedAt: at } },
        session,
      );
      if (!updated)
        throw new AppError(
          "not_found",
          `Customer ${reset.customerId} no longer exists; nothing was changed.`,
        );
      await this.audit.record(
        {
          at,
          actorId: actor.userId,
          actorRole: actor.role,
          action: "customer.password.reset",
          outcome: "done",
          target: { customerId: reset.customerId, account: updated.after.account },
          detail: "new password confirmed",
        },
        session,
      );
      return updated.after;
    });
    if (confirmed) return confirmed;
    throw await this.whyNotPending(resetId, actor);
  }

  private async close(
    resetId: string,
    actor: Actor,
    state: "cancelled" | "replaced",
  ): Promise<PasswordResetDocument> {
    const at = this.now();
    const reset = await this.resets.findOneAndUpdate(
      { _id: { $eq: resetId }, state: "pending", createdBy: { $eq: actor.userId } },
      { $set: { state, closedAt: at } },
      { returnDocument: "before" },
    );
    if (reset) return reset;
    throw await this.whyNotPending(resetId, actor);
  }

  private async whyNotPending(resetId: string, actor: Actor): Promise<AppError> {
    const reset = await this.resets.findOne({ _id: { $eq: resetId } });
    if (!reset)
      return new AppError(
        "not_found",
        "That password is no longer known. Generate a new one with `/customer password REF`.",
      );
    if (reset.createdBy !== actor.userId) {
      // A refused attempt on someone else's password is recorded like every other refusal.
      await this.audit.record({
        at: this.now(),
        actorId: actor.userId,
        actorRole: actor.role,
        action: "customer.password.reset",
        outcome: "refused",
        target: { customerId: reset.customerId },
        detail: "only the person who generated a password can confirm, replace or cancel it",
      });
      return new AppError(
        "forbidden",
        "Only the person who generated this password can confirm, replace or cancel it.",
      );
    }
    const messages = {
      confirmed: "This password was already confirmed; nothing more to do.",
      cancelled:
        "This password was cancelled; nothing was changed. Generate a new one to reset the password.",
      replaced: "This password was replaced by a newer one; use the newest message.",
    } as const;
    if (reset.state !== "pending") return new AppError("conflict", messages[reset.state]);
    return new AppError(
      "conflict",
      "This password expired before it was confirmed, so nothing was changed. Generate a new one.",
    );
  }
}
