import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { isInviteId } from "../../src/invites/invite-repository.js";
import { repositoriesForThisFile } from "../support/repositories.js";

const createdAt = new Date("2026-05-04T09:00:00.000Z");
const expiresAt = new Date("2026-05-05T09:00:00.000Z");
const beforeExpiry = new Date("2026-05-04T12:00:00.000Z");
const repositories = await repositoriesForThisFile();
let tokens = 0;

async function insert(email: string | null = null) {
  tokens += 1;
  const tokenHash = `hash-${tokens}`;
  const invite = await repositories.transaction((session) =>
    repositories.invites.insert(
      { tokenHash, email, createdBy: "U0ADMIN", createdAt, expiresAt },
      session,
    ),
  );
  return { invite, tokenHash };
}

const revoke = (inviteId: string) =>
  repositories.transaction((session) =>
    repositories.invites.revokeIfOpen(inviteId, "U0ADMIN", beforeExpiry, session),
  );

describe("InviteRepository", () => {
  it("a stored invite is listed open until it expires, without its token hash", async () => {
    const { invite } = await insert("ana@example.com");

    expect(invite).toEqual({
      inviteId: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: "ana@example.com",
      createdBy: "U0ADMIN",
      createdAt,
      expiresAt,
    });
    expect(await repositories.invites.listOpen(beforeExpiry, 20)).toContainEqual(invite);
    expect(await repositories.invites.listOpen(expiresAt, 20)).not.toContainEqual(invite);
  });

  it("an invite is used once, for its email only, and not after it expires", async () => {
    const bound = await insert("ben@example.com");
    const unbound = await insert();
    const use = (tokenHash: string, email: string, at = beforeExpiry) =>
      repositories.invites.useIfOpenFor(tokenHash, email, at);

    expect(await use(bound.tokenHash, "someone@example.com")).toBeNull();
    expect(await use(bound.tokenHash, "ben@example.com", expiresAt)).toBeNull();
    expect(await use(bound.tokenHash, "ben@example.com")).toEqual(bound.invite);
    expect(await use(bound.tokenHash, "ben@example.com")).toBeNull();
    expect(await use(unbound.tokenHash, "anyone@example.com")).toEqual(unbound.invite);
  });

  it("an open invite is revoked once, and a used one cannot be", async () => {
    const open = await insert();
    const used = await insert();
    await repositories.invites.useIfOpenFor(used.tokenHash, "x@example.com", beforeExpiry);

    expect(await revoke(open.invite.inviteId)).toEqual(open.invite);
    expect(await revoke(open.invite.inviteId)).toBeNull();
    expect(await revoke(used.invite.inviteId)).toBeNull();
    expect(
      await repositories.invites.useIfOpenFor(open.tokenHash, "x@example.com", beforeExpiry),
    ).toBeNull();
    expect(await repositories.invites.listOpen(beforeExpiry, 100)).not.toContainEqual(open.invite);
  });

  it("open invites are listed newest first, up to the limit, past any number of expired ones still marked open", async () => {
    const day = 24 * 3600 * 1000;
    const later = new Date(expiresAt.getTime() + 10 * day);
    const invite = (createdAtMs: number) =>
      repositories.transaction((session) => {
        tokens += 1;
        return repositories.invites.insert(
          {
            tokenHash: `hash-${tokens}`,
            email: null,
            createdBy: "U0ADMIN",
            createdAt: new Date(createdAtMs),
            expiresAt: new Date(createdAtMs + day),
          },
          session,
        );
      });
    for (let expired = 0; expired < 5; expired += 1)
      await invite(later.getTime() - 5 * day - expired);
    const older = await invite(later.getTime() - 2000);
    const newer = await invite(later.getTime() - 1000);

    expect(await repositories.invites.listOpen(later, 1)).toEqual([newer]);
    expect(await repositories.invites.listOpen(later, 20)).toEqual([newer, older]);
  });

  it("isInviteId tells the form of an invite ID from other text", () => {
    expect(isInviteId(new ObjectId().toHexString())).toBe(true);
    expect(isInviteId("not an invite")).toBe(false);
  });
});
