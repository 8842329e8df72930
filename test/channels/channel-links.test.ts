import { describe, expect, it } from "vitest";
import { ChannelLinkRepository } from "../../src/channels/channel-link-repository.js";
import { ChannelLinks } from "../../src/channels/channel-links.js";
import { collections } from "../../src/db/collections.js";
import { repositoriesForThisFile, storedCustomer, support } from "../support/repositories.js";

const repositories = await repositoriesForThisFile();
const channelLinks = new ChannelLinks(
  repositories.client,
  new ChannelLinkRepository(repositories.db),
  repositories.customers,
  repositories.audit,
  () => new Date(),
);
const inChannel = (channelId: string) => ({ channelId, isChannel: true });

describe("ChannelLinks", () => {
  it("linkedCustomerOf: the linked customer as stored now; null for an unlinked channel and for a customer that is gone", async () => {
    const ana = await storedCustomer(repositories, { account: "ana@linked.example" });
    expect(await channelLinks.linkedCustomerOf("C0PRESEL01")).toBeNull();
    await channelLinks.link(inChannel("C0PRESEL01"), ana, support);
    await repositories.db
      .collection(collections.customers)
      .updateOne({ customerId: ana.customerId }, { $set: { tag: "vip" } });
    expect(await channelLinks.linkedCustomerOf("C0PRESEL01")).toMatchObject({
      customerId: ana.customerId,
      tag: "vip",
    });
    await repositories.db
      .collection(collections.customers)
      .deleteOne({ customerId: ana.customerId });
    expect(await channelLinks.linkedCustomerOf("C0PRESEL01")).toBeNull();
  });

  it("refuses someone without a role on the server too, records the refusal and stores nothing", async () => {
    const ben = await storedCustomer(repositories);
    const nobody = { userId: "U0NOBODY1", role: null };
    await expect(channelLinks.link(inChannel("C0NOROLE01"), ben, nobody)).rejects.toThrow(
      "Your role (none) cannot link channels to customers.",
    );
    await expect(channelLinks.unlink("C0NOROLE01", nobody)).rejects.toThrow(
      "Your role (none) cannot unlink channels from customers.",
    );
    expect(await channelLinks.linkOf("C0NOROLE01")).toBeNull();
    expect(repositories.notified).toMatchObject([
      { action: "channel.link", outcome: "refused", actorId: "U0NOBODY1" },
      { action: "channel.unlink", outcome: "refused", actorId: "U0NOBODY1" },
    ]);
  });

  it("10 concurrent links of one channel to 10 customers: one link stands, and the answers chain — each replaced exactly the one before it", async () => {
    const customers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        storedCustomer(repositories, { account: `race${i}@linked.example` }),
      ),
    );
    const outcomes = await Promise.all(
      customers.map((customer) => channelLinks.link(inChannel("C0RACE0001"), customer, support)),
    );
    const stored = await repositories.db
      .collection(collections.channelLinks)
      .find({ channelId: "C0RACE0001" })
      .toArray();
    expect(stored).toHaveLength(1);
    const linked = outcomes.map((outcome) => {
      if (outcome.kind !== "linked") throw new Error("each customer was a different one");
      return { to: outcome.customer.customerId, from: outcome.replaced?.link.customerId ?? null };
    });
    // Following "replaced" from the first link (which replaced nothing) visits every link once and
    // ends at the one that stands.
    const next = new Map(linked.map((step) => [step.from, step.to]));
    expect(next.size).toBe(10);
    let at: string | null = null;
    const order: string[] = [];
    while (next.has(at)) {
      at = next.get(at) ?? null;
      if (at) order.push(at);
    }
    expect(order).toHaveLength(10);
    expect(order.at(-1)).toBe(stored[0]?.customerId);
  });
});
