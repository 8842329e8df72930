import { describe, expect, it } from "vitest";
import { AlreadyApplied } from "../../src/db/idempotency-repository.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const at = new Date("2026-05-04T09:30:00.000Z");
const repositories = await repositoriesForThisFile();

const claim = (key: string) =>
  repositories.transaction((session) => repositories.idempotency.claim(key, at, session));

describe("IdempotencyRepository", () => {
  it("a key is claimed once; claiming it again throws AlreadyApplied", async () => {
    await claim("change-1");

    await expect(claim("change-1")).rejects.toEqual(new AlreadyApplied("change-1"));
  });

  it("a claim commits with its transaction or not at all", async () => {
    await expect(
      repositories.transaction(async (session) => {
        await repositories.idempotency.claim("change-2", at, session);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");

    await expect(claim("change-2")).resolves.toBeUndefined();
  });

  it("a Slack delivery is taken once, apart from the keys of changes", async () => {
    await claim("trigger-1");

    expect(await repositories.idempotency.takeDelivery("trigger-1", at)).toBe(true);
    expect(await repositories.idempotency.takeDelivery("trigger-1", at)).toBe(false);
  });
});
