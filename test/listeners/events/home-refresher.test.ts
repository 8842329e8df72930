import { describe, expect, it, vi } from "vitest";
import type { Role } from "../../../src/auth/roles.js";
import { HomeRefresher } from "../../../src/listeners/events/home-refresher.js";
import { createLogger } from "../../../src/logging/logger.js";

const logger = createLogger({ level: "silent", pretty: false });

/** A publish that records its calls and finishes only when the test says so. */
function heldPublish() {
  const calls: { viewerId: string; role: Role | null }[] = [];
  const releases: (() => void)[] = [];
  const publish = (viewerId: string, role: Role | null) => {
    calls.push({ viewerId, role });
    return new Promise<string | undefined>((resolve) => releases.push(() => resolve(undefined)));
  };
  const releaseNext = async () => {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, publish, releaseNext };
}

describe("HomeRefresher", () => {
  it("turns a burst of refreshes for one person into the running one plus one more", async () => {
    const held = heldPublish();
    const refresher = new HomeRefresher(held.publish, logger);
    for (let i = 0; i < 10; i++) refresher.refresh("U1", i < 9 ? "manager" : "admin");
    expect(held.calls).toEqual([{ viewerId: "U1", role: "manager" }]);
    await held.releaseNext();
    // The one more run shows the latest state, with the role last asked for.
    expect(held.calls).toEqual([
      { viewerId: "U1", role: "manager" },
      { viewerId: "U1", role: "admin" },
    ]);
    await held.releaseNext();
    expect(held.calls).toHaveLength(2);
    expect(refresher.busy).toBe(0);
    refresher.refresh("U1", "manager");
    expect(held.calls).toHaveLength(3);
  });

  it("refreshes different people independently", async () => {
    const held = heldPublish();
    const refresher = new HomeRefresher(held.publish, logger);
    refresher.refresh("U1", "manager");
    refresher.refresh("U2", "admin");
    refresher.refresh("U1", "manager");
    expect(held.calls.map((call) => call.viewerId)).toEqual(["U1", "U2"]);
    expect(refresher.busy).toBe(2);
  });

  it("logs a failed refresh and still runs the next one", async () => {
    const warn = vi.spyOn(logger, "warn");
    let attempts = 0;
    const refresher = new HomeRefresher(async () => {
      attempts++;
      if (attempts === 1) throw new Error("views.publish failed");
      return undefined;
    }, logger);
    refresher.refresh("U1", "manager");
    refresher.refresh("U1", "manager");
    await vi.waitFor(() => expect(refresher.busy).toBe(0));
    expect(attempts).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ user: "U1" }),
      "could not refresh App Home",
    );
  });

  it("passes the last published hash, and on hash_conflict renders again and publishes over the newer Home", async () => {
    const hashes: (string | undefined)[] = [];
    const refresher = new HomeRefresher(async (_viewerId, _role, hash) => {
      hashes.push(hash);
      if (hashes.length === 2)
        throw Object.assign(new Error("conflict"), { data: { error: "hash_conflict" } });
      return `H${hashes.length}`;
    }, logger);
    await refresher.publishNow("U1", "manager", "H0");
    await refresher.publishNow("U1", "manager");
    await refresher.publishNow("U1", "manager");
    // H0 from Slack's event; H1 refused (another instance published); rendered again without a hash; then H3.
    expect(hashes).toEqual(["H0", "H1", undefined, "H3"]);
  });
});
