import type { ClientSession, MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import { onePendingPerCustomer } from "../db/indexes.js";
import { inTransaction, isDuplicateKey } from "../db/transaction.js";
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

  /**
   * Generates a password to offer for `customerId`. Every other pending password of the customer is
   * retired in the same transaction (at most one is ever pending: a unique index), so an older
   * message's Confirm can no longer change the password.
   */
  offer(customerId: string, actor: Actor): Promise<PasswordOffer> {
    return this.offerAfter(actor, () => Promise.resolve(customerId));
  }

  /** Generate another: the shown password is dropped (it can no longer be confirmed) and a new one offered. */
  replace(resetId: string, actor: Actor): Promise<PasswordOffer> {
    return this.offerAfter(actor, async (at, session) => {
      const closed = await this.resets.closeIfPending(
        resetId,
        actor.userId,
        "replaced",
        at,
        session,
      );
      if (!closed) throw await this.whyNotPending(resetId, actor);
      return closed.customerId;
    });
  }

  async cancel(resetId: string, actor: Actor): Promise<Customer> {
    const customer = await inTransaction(this.client, async (session) => {
      const at = this.now();
      const closed = await this.resets.closeIfPending(
        resetId,
        actor.userId,
        "cancelled",
        at,
        session,
      );
      if (!closed) return null;
      const customer = await this.customers.findByCustomerId(closed.customerId, session);
      if (!customer) throw customerGone(closed.customerId);
      await this.record(
        actor,
        at,
        customer,
        "customer.password.cancel",
        "generated password cancelled",
        session,
      );
      return customer;
    });
    if (customer) return customer;
    throw await this.whyNotPending(resetId, actor);
  }

  /**
   * Confirm: the pending hash becomes the customer's password, with an audit record, in one
   * transaction that also retires any other pending password of the customer.
   */
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
      await this.resets.closeAllPending(reset.customerId, "superseded", at, session);
      await this.record(
        actor,
        at,
        updated.after,
        "customer.password.reset",
        "new password confirmed",
        session,
      );
      return updated.after;
    });
    if (confirmed) return confirmed;
    throw await this.whyNotPending(resetId, actor);
  }

  /**
   * One transaction: `before` (which may close the offer being replaced) names the customer, every
   * pending password of theirs is retired, the new one stored and the offer audited. Two offers made
   * at the same moment meet on the one-pending index; the later one is made again after the first.
   */
  private async offerAfter(
    actor: Actor,
    before: (at: Date, session: ClientSession) => Promise<string>,
  ): Promise<PasswordOffer> {
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.client, async (session) => {
          const createdAt = this.now();
          const customerId = await before(createdAt, session);
          const customer = await this.customers.findByCustomerId(customerId, session);
          if (!customer) throw customerGone(customerId);
          const retired = await this.resets.closeAllPending(
            customerId,
            "replaced",
            createdAt,
            session,
          );
          const reset: PasswordReset = {
            resetId: newToken(16),
            customerId,
            createdBy: actor.userId,
            createdAt,
            expiresAt: new Date(createdAt.getTime() + this.ttlMs),
            state: "pending",
          };
          await this.resets.insert(reset, passwordHash, session);
          const also =
            retired > 0 ? `; ${retired} earlier one${retired === 1 ? "" : "s"} retired` : "";
          await this.record(
            actor,
            createdAt,
            customer,
            "customer.password.offer",
            `password generated, not yet confirmed${also}`,
            session,
          );
          return { resetId: reset.resetId, password, customer, expiresAt: reset.expiresAt };
        });
      } catch (error) {
        if (attempt >= 3 || !isDuplicateKey(error, onePendingPerCustomer)) throw error;
      }
    }
  }

  private record(
    actor: Actor,
    at: Date,
    customer: Customer,
    action: string,
    detail: string,
    session: ClientSession,
  ): Promise<void> {
    return this.audit.record(
      {
        at,
        actorId: actor.userId,
        actorRole: actor.role,
        action,
        outcome: "done",
        target: { customerId: customer.customerId, account: customer.account },
        detail,
      },
      session,
    );
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
      superseded:
        "Another password for this customer was confirmed after this one was generated, so this one can no longer be confirmed; nothing was changed.",
    } as const;
    if (reset.state !== "pending") return new AppError("conflict", messages[reset.state]);
    return new AppError(
      "conflict",
      "This password expired before it was confirmed, so nothing was changed. Generate a new one.",
    );
  }
}
