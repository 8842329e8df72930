import { describe, expect, it } from "vitest";
import { PasswordResetRepository } from "../../src/customers/password-reset-repository.js";
import { PasswordResets } from "../../src/customers/password-resets.js";
import { collections } from "../../src/db/collections.js";
import { ensureIndexes } from "../../src/db/indexes.js";
import { aCustomer, insertCustomers } from "../support/customer-fixtures.js";
import { admin, repositoriesForThisFile, support } from "../support/repositories.js";

const repositories = await repositoriesForThisFile();
const resets = new PasswordResets(
  repositories.client,
  new PasswordResetRepository(repositories.db),
  repositories.customers,
  repositories.audit,
  15 * 60_000,
  () => new Date(),
);
const stored = () => repositories.db.collection(collections.passwordResets);

describe("password offers: at most one pending per customer", () => {
  it("offers made at the same moment leave exactly one pending; each is audited", async () => {
    const customer = aCustomer();
    await insertCustomers(repositories.db, [customer]);

    const offers = await Promise.all(
      Array.from({ length: 6 }, (_, at) =>
        resets.offer(customer.customerId, at % 2 ? support : admin),
      ),
    );

    const pending = await stored()
      .find({ customerId: customer.customerId, state: "pending" })
      .toArray();
    expect(pending).toHaveLength(1);
    expect(offers.map((offer) => offer.resetId)).toContain(pending[0]?._id);
    expect(
      await repositories.db.collection(collections.auditEvents).countDocuments({
        action: "customer.password.offer",
        "target.customerId": customer.customerId,
      }),
    ).toBe(6);
  });

  it("pending duplicates stored before this rule are closed, newest kept, when the index is built", async () => {
    const customer = aCustomer();
    await stored().dropIndex("one_pending_per_customer");
    const legacy = (id: string, minute: number) => ({
      _id: id,
      customerId: customer.customerId,
      createdBy: support.userId,
      createdAt: new Date(Date.UTC(2026, 11, 1, 9, minute)),
      expiresAt: new Date(Date.now() + 60_000),
      state: "pending",
      passwordHash: "$scrypt$placeholder",
    });
    await stored().insertMany([
      legacy("older", 1),
      legacy("newest", 3),
      legacy("middle", 2),
    ] as never);

    await ensureIndexes(repositories.db);

    const states = await stored()
      .find({ customerId: customer.customerId }, { projection: { state: 1 } })
      .sort({ createdAt: 1 })
      .toArray();
    expect(states.map((reset) => [reset._id, reset.state])).toEqual([
      ["older", "replaced"],
      ["middle", "replaced"],
      ["newest", "pending"],
    ]);
    expect((await stored().indexes()).map((index) => index.name)).toContain(
      "one_pending_per_customer",
    );
  });
});
