import { describe, expect, it } from "vitest";
import { Invites } from "../../src/invites/invites.js";
import { admin, repositoriesForThisFile } from "../support/repositories.js";

const ttlMs = 86_400_000;
let now = new Date("2026-05-04T09:00:00.000Z");
const repositories = await repositoriesForThisFile();
const invites = new Invites(
  repositories.client,
  repositories.invites,
  repositories.audit,
  { consoleBaseUrl: "https://console.example.com", ttlMs },
  () => now,
);

const tokenOf = (link: string) => new URL(link).searchParams.get("invite") ?? "";

describe("Invites", () => {
  it("creating an invite gives a registration link, lists it open and records it", async () => {
    const { invite, link } = await invites.create("ana@example.com", admin);

    expect(link).toMatch(/^https:\/\/console\.example\.com\/register\?invite=[\w-]+$/);
    expect(invite).toMatchObject({
      email: "ana@example.com",
      expiresAt: new Date(now.getTime() + ttlMs),
    });
    expect(await invites.listOpen()).toContainEqual(invite);
    expect(repositories.notified).toMatchObject([
      { action: "invite.create", target: { inviteId: invite.inviteId } },
    ]);
  });

  it("a link registers once, for its email in any case, and only within its lifetime", async () => {
    const { invite, link } = await invites.create("ben@example.com", admin);
    const late = await invites.create(null, admin);

    await expect(invites.redeem(tokenOf(link), "other@example.com")).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await invites.redeem(tokenOf(link), "Ben@Example.com")).toEqual(invite);
    await expect(invites.redeem(tokenOf(link), "ben@example.com")).rejects.toMatchObject({
      code: "conflict",
    });
    now = new Date(now.getTime() + ttlMs);
    await expect(invites.redeem(tokenOf(late.link), "late@example.com")).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("revoking closes an open invite once and records it; text that is no invite ID is refused", async () => {
    const { invite, link } = await invites.create(null, admin);

    expect(await invites.revoke(invite.inviteId, admin)).toEqual(invite);
    await expect(invites.revoke(invite.inviteId, admin)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(invites.redeem(tokenOf(link), "x@example.com")).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(invites.revoke("nope", admin)).rejects.toMatchObject({ code: "invalid_input" });
    expect(repositories.notified.map((event) => event.action)).toEqual([
      "invite.create",
      "invite.revoke",
    ]);
  });
});
