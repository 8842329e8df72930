import { describe, expect, it } from "vitest";
import { HomeRefresher } from "../../../src/listeners/events/home-refresher.js";

describe("HomeRefresher", () => {
  it("passes the last published hash, and on hash_conflict renders again and publishes over the newer Home", async () => {
    const hashes: (string | undefined)[] = [];
    const refresher = new HomeRefresher(async (_viewerId, _role, hash) => {
      hashes.push(hash);
      if (hashes.length === 2)
        throw Object.assign(new Error("conflict"), { data: { error: "hash_conflict" } });
      return `H${hashes.length}`;
    });
    await refresher.publishNow("U1", "manager", "H0");
    await refresher.publishNow("U1", "manager");
    await refresher.publishNow("U1", "manager");
    // H0 from Slack's event; H1 refused (another instance published); rendered again without a hash; then H3.
    expect(hashes).toEqual(["H0", "H1", undefined, "H3"]);
  });

  it("keeps hashes per person and throws a failed publish to the caller (the outbox retries it)", async () => {
    const seen: [string, string | undefined][] = [];
    let fail = true;
    const refresher = new HomeRefresher(async (viewerId, _role, hash) => {
      seen.push([viewerId, hash]);
      if (fail) throw Object.assign(new Error("boom"), { data: { error: "internal_error" } });
      return `${viewerId}-H`;
    });
    await expect(refresher.publishNow("U1", "manager", "A")).rejects.toThrow("boom");
    fail = false;
    await refresher.publishNow("U2", "admin", "B");
    await refresher.publishNow("U1", "manager");
    await refresher.publishNow("U2", "admin");
    expect(seen).toEqual([
      ["U1", "A"],
      ["U2", "B"],
      ["U1", "A"],
      ["U2", "U2-H"],
    ]);
  });
});
