import type { ClientSession, MongoClient } from "mongodb";
import type { AuditRepository } from "../audit/audit-repository.js";
import { authorize, recordRefusal } from "../audit/refusals.js";
import type { Actor } from "../auth/actor.js";
import type { Customer } from "../customers/customer.js";
import type { CustomerRepository } from "../customers/customer-repository.js";
import { inTransaction, isDuplicateKey } from "../db/transaction.js";
import { AppError } from "../errors/app-error.js";
import type { ChannelLinkRepository } from "./channel-link-repository.js";

/** A channel linked to one customer: there, `/customer` alone shows that customer. */
export interface ChannelLink {
  channelId: string;
  customerId: string;
  /** Who linked it (a Slack user ID). */
  linkedBy: string;
  linkedAt: Date;
}

/**
 * Where a command was typed: a channel (public or private) can be linked; a direct message or a
 * group direct message cannot (the Slack side tells them apart).
 */
export interface Conversation {
  channelId: string;
  isChannel: boolean;
}

/** A link and its customer as stored now (null when the customer no longer exists). */
export interface LinkedChannel {
  link: ChannelLink;
  customer: Customer | null;
}

export type LinkOutcome =
  /** `replaced`: the customer the channel was linked to before, if it was. */
  | { kind: "linked"; customer: Customer; replaced: LinkedChannel | null }
  | { kind: "already"; customer: Customer; link: ChannelLink };

/** How many linked channels `/customer links` shows. */
export const linksShownAtMost = 20;

const notAChannel =
  "Only a channel can be linked to a customer, not a direct message: run `/customer link REF` in the channel you want to link.";
const linkAttempts = 3;

/**
 * Customer-linked channels: one channel names at most one customer (a unique index on the channel),
 * a customer may be linked from several channels. Linking and unlinking are audited.
 */
export class ChannelLinks {
  constructor(
    private readonly client: MongoClient,
    private readonly links: ChannelLinkRepository,
    private readonly customers: CustomerRepository,
    private readonly audit: AuditRepository,
    private readonly now: () => Date,
  ) {}

  /**
   * Refuses (recorded) anyone whose role may not link channels, and a conversation that is not a
   * channel. Call before resolving the customer, so a direct message gets no pick list.
   */
  async assertMayLink(conversation: Conversation, actor: Actor): Promise<void> {
    const attempt = {
      at: this.now(),
      actor,
      action: "channel.link",
      target: { channelId: conversation.channelId },
    };
    await authorize(this.audit, "channels.link", {
      ...attempt,
      detail: "linking channels needs the support role or higher",
      what: "link channels to customers",
    });
    if (conversation.isChannel) return;
    await recordRefusal(this.audit, { ...attempt, detail: "not a channel (a direct message)" });
    throw new AppError("invalid_input", notAChannel);
  }

  /**
   * Links the channel to `customer`, replacing any other link it had. Linking it to the customer it
   * is already linked to changes nothing. Concurrent links of one channel serialise on its unique
   * index: each answer says what that link did.
   */
  async link(conversation: Conversation, customer: Customer, actor: Actor): Promise<LinkOutcome> {
    await this.assertMayLink(conversation, actor);
    const { channelId } = conversation;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.client, async (session) => {
          const existing = await this.links.findByChannel(channelId, session);
          if (existing?.customerId === customer.customerId)
            return { kind: "already" as const, customer, link: existing };
          const link: ChannelLink = {
            channelId,
            customerId: customer.customerId,
            linkedBy: actor.userId,
            linkedAt: this.now(),
          };
          if (!existing) await this.links.insert(link, session);
          else if (!(await this.links.relinkIfStill(existing.customerId, link, session)))
            throw new Error("the channel's link changed inside its own transaction");
          await this.record(actor, "channel.link", link, customer, session, existing);
          const replaced = existing
            ? {
                link: existing,
                customer: await this.customers.findByCustomerId(existing.customerId, session),
              }
            : null;
          return { kind: "linked" as const, customer, replaced };
        });
      } catch (error) {
        // Another link of this channel committed first: look again, and answer with what is now.
        if (attempt >= linkAttempts || !isDuplicateKey(error, "channelId")) throw error;
      }
    }
  }

  /** Removes the channel's link; returns what it was, or null when the channel had none. */
  async unlink(channelId: string, actor: Actor): Promise<LinkedChannel | null> {
    await authorize(this.audit, "channels.link", {
      at: this.now(),
      actor,
      action: "channel.unlink",
      target: { channelId },
      detail: "unlinking channels needs the support role or higher",
      what: "unlink channels from customers",
    });
    return inTransaction(this.client, async (session) => {
      const removed = await this.links.remove(channelId, session);
      if (!removed) return null;
      const customer = await this.customers.findByCustomerId(removed.customerId, session);
      await this.record(actor, "channel.unlink", removed, customer, session, removed);
      return { link: removed, customer };
    });
  }

  /** The channel's link and its customer as they are now; null when the channel is not linked. */
  async linkOf(channelId: string): Promise<LinkedChannel | null> {
    const link = await this.links.findByChannel(channelId);
    if (!link) return null;
    return { link, customer: await this.customers.findByCustomerId(link.customerId) };
  }

  /**
   * The customer a channel is linked to, for forms opened there to start with; null when the
   * channel is not linked or its customer no longer exists. Two reads by unique index.
   */
  async linkedCustomerOf(channelId: string): Promise<Customer | null> {
    return (await this.linkOf(channelId))?.customer ?? null;
  }

  /** The most recently linked channels (at most `linksShownAtMost`), and whether there are more. */
  async newest(): Promise<{ channels: LinkedChannel[]; more: boolean }> {
    const links = await this.links.newest(linksShownAtMost + 1);
    const shown = links.slice(0, linksShownAtMost);
    const channels = await Promise.all(
      shown.map(async (link) => ({
        link,
        customer: await this.customers.findByCustomerId(link.customerId),
      })),
    );
    return { channels, more: links.length > linksShownAtMost };
  }

  private record(
    actor: Actor,
    action: "channel.link" | "channel.unlink",
    link: ChannelLink,
    customer: Customer | null,
    session: ClientSession,
    before: ChannelLink | null,
  ): Promise<void> {
    return this.audit.record(
      {
        at: this.now(),
        actorId: actor.userId,
        actorRole: actor.role,
        action,
        outcome: "done",
        target: {
          customerId: link.customerId,
          ...(customer ? { account: customer.account } : {}),
          channelId: link.channelId,
        },
        ...(before ? { before: { customerId: before.customerId } } : {}),
        after: { customerId: action === "channel.link" ? link.customerId : null },
      },
      session,
    );
  }
}
