import type { MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import { generatePassword, hashPassword } from "../security/password.js";
import { newToken } from "../security/tokens.js";
import type { Customer } from "./customer.js";
import { customerGone } from "./customer-gone.js";
import type { CustomerRepository } from "./customer-repository.js";
import type { PasswordReset, PasswordResetRepository } from "./password-reset-repository.js";

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
  constructor(
    private readonly client: MongoClient,
    private readonly resets: PasswordResetRepository,
    private readonly customers: CustomerRepository,
    private readonly audit: AuditRepository,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  async offer(customerId: string, actor: Actor): Promise<PasswordOffer> {
    const customer = await this.customers.findByCustomerId(customerId);
    if (!customer) throw customerGone(customerId);
    const password = generatePassword();
    const createdAt = this.now();
    const reset: PasswordReset = {
      resetId: newToken(16),
      customerId,
      createdBy: actor.userId,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.ttlMs),
      state: "pending",
    };
    await this.resets.insert(reset, await hashPassword(password));
    return { resetId: reset.resetId, password, customer, expiresAt: reset.expiresAt };
  }

  /** Generate another: the shown password is dropped (it can no longer be confirmed) and a new one offered. */
  async replace(resetId: string, actor: Actor): Promise<PasswordOffer> {
    const closed = await this.close(resetId, actor, "replaced");
    return this.offer(closed.customerId, actor);
  }

  async cancel(resetId: string, actor: Actor): Promise<Customer> {
    const closed = await this.close(resetId, actor, "cancelled");
    const customer = await this.customers.findByCustomerId(closed.customerId);
    if (!customer) throw customerGone(closed.customerId);
    return customer;
  }

  /** Confirm: the pending hash becomes the customer's password, with an audit record, in one transaction. */
  async confirm(resetId: string, actor: Actor): Promise<Customer> {
    const confirmed = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const reset = await this.resets.confirmIfPending(resetId, actor.userId, at, session);
      if (!reset) return null;
      const updated = await this.customers.setPasswordHash(
        reset.customerId,
        reset.passwordHash,
        at,
        session,
      );
      if (!updated) throw customerGone(reset.customerId, "; nothing was changed");
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
  ): Promise<PasswordReset> {
    const reset = await this.resets.closeIfPending(resetId, actor.userId, state, this.now());
    if (reset) return reset;
    throw await this.whyNotPending(resetId, actor);
  }

  private async whyNotPending(resetId: string, actor: Actor): Promise<AppError> {
    const reset = await this.resets.findById(resetId);
    if (!reset)
      return new AppError(
        "not_found",
        "That password is no longer known. Generate a new one with `/customer password REF`.",
      );
    if (reset.createdBy !== actor.userId) {
      // A refused attempt on someone else's password is recorded like every other refusal.
      await recordRefusal(this.audit, {
        at: this.now(),
        actor,
        action: "customer.password.reset",
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
