/**
 * The outbox poster on its own: a test database, the fake Slack, and either the real SlackDeliveries
 * (audit lines, which need nothing but Slack) or a recording `Deliveries`.
 */
import { Writable } from "node:stream";
import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalService } from "../../src/approvals/approval-service.js";
import type { AuditEvent } from "../../src/audit/audit-event.js";
import { collections } from "../../src/db/collections.js";
import { inTransaction } from "../../src/db/transaction.js";
import { LeaseRepository } from "../../src/leases/lease-repository.js";
import { createLogger } from "../../src/logging/logger.js";
import { currencyOf } from "../../src/money/currency.js";
import {
  type Deliveries,
  leaseOf,
  OutboxPoster,
  type OutboxTimings,
} from "../../src/notifications/outbox-poster.js";
import { outboxMetadataType } from "../../src/notifications/posted-once.js";
import { SlackDeliveries } from "../../src/notifications/slack-deliveries.js";
import { type OutboxEntry, OutboxRepository } from "../../src/outbox/outbox-repository.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import { type FakeSlackApi, startFakeSlackApi } from "../support/slack/fake-slack-api.js";

const auditChannel = "CAUDIT0001";
/** The outbox client gives up on a call after this long (production's is several seconds). */
const clientTimeoutMs = 200;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let slack: FakeSlackApi;
let outbox: OutboxRepository;
let lanes: LeaseRepository;
let logLines: string[];
const posters: OutboxPoster[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  slack = await startFakeSlackApi();
});
afterAll(async () => {
  await slack.stop();
  await database.drop();
});
beforeEach(async () => {
  slack.reset();
  logLines = [];
  await database.db.collection(collections.outbox).deleteMany({});
  await database.db
    .collection<{ _id: string }>(collections.leases)
    .deleteMany({ _id: { $regex: /^outbox:/ } });
  outbox = new OutboxRepository(database.db);
  lanes = new LeaseRepository(database.db);
});
afterEach(async () => {
  for (const poster of posters.splice(0)) await poster.stop();
});

const logger = () =>
  createLogger({
    level: "debug",
    pretty: false,
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    }),
  });

/** Quick timings; a test overrides what it is about. */
const quick: Partial<OutboxTimings> = {
  laneIntervalMs: 5,
  scanMs: 100,
  retryBaseMs: 100,
  retryMaxMs: 1000,
  leaseMs: 5000,
  unansweredRetryMs: 300,
};

/** The outbox's Slack client as the app builds it (429s handed back, no retries), with a short timeout. */
function outboxClient(): WebClient {
  return new WebClient("xoxb-test-token", {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: clientTimeoutMs,
  });
}

/** A started poster delivering audit lines to the fake Slack through the real SlackDeliveries. */
function slackPoster(timings: Partial<OutboxTimings> = {}): OutboxPoster {
  const log = logger();
  const deliveries = new SlackDeliveries(
    outboxClient(),
    outbox,
    // Audit lines never read approvals, Homes or roles.
    {} as ApprovalService,
    { publishNow: async () => {} },
    async () => null,
    {
      approvalsChannelId: "CAPPROVALS1",
      auditChannelId: auditChannel,
      currency: currencyOf("USD"),
    },
    log,
  );
  return started(new OutboxPoster(outbox, lanes, deliveries, log, { ...quick, ...timings }));
}

function started(poster: OutboxPoster): OutboxPoster {
  posters.push(poster);
  poster.start();
  return poster;
}

let lineCount = 0;
function auditLine(detail: string): { kind: "audit.line"; event: AuditEvent } {
  lineCount += 1;
  return {
    kind: "audit.line",
    event: {
      at: new Date(),
      actorId: "USUPPORT01",
      actorRole: "support",
      action: "customer.tag",
      outcome: "done",
      target: { customerId: `c${lineCount}`, account: `line${lineCount}@example.com` },
      detail,
    },
  };
}

const entries = () => database.db.collection(collections.outbox).find({}).toArray();
const auditPosts = () => slack.deliveredMessages()[auditChannel] ?? [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const keyOf = (message: { metadata?: { event_payload?: unknown } }) =>
  (message.metadata?.event_payload as { outbox_key?: string } | undefined)?.outbox_key;

/** The test's own token, so that its reads of the channel are not taken for the poster's. */
const readerToken = "xoxb-test-reader";
/** The poster's looks in the channel for a message it may have posted. */
const lookups = () =>
  slack.callsTo("conversations.history").filter((call) => call.token !== readerToken);

/** The audit channel's messages Slack holds with this outbox key (with their ts and metadata). */
async function postedWithKey(key: string | undefined) {
  const history = await new WebClient(readerToken, {
    slackApiUrl: slack.apiUrl,
  }).conversations.history({ channel: auditChannel, include_all_metadata: true });
  return (history.messages ?? []).filter((message) => keyOf(message) === key);
}

describe("outbox entries are written with the change", () => {
  it("a change that enqueues and then aborts owes nothing and nothing is delivered; a committed one is delivered at once", async () => {
    const delivered: OutboxEntry[][] = [];
    const recording: Deliveries = {
      take: (head) => head.slice(0, 1),
      async deliver(batch) {
        delivered.push(batch);
        return undefined;
      },
    };
    // No scan during the test: only the commit's own kick can deliver.
    started(new OutboxPoster(outbox, lanes, recording, logger(), { ...quick, scanMs: 60_000 }));

    await expect(
      inTransaction(database.client, async (session) => {
        await outbox.enqueue([auditLine("aborted")], session);
        throw new Error("the change failed after enqueueing");
      }),
    ).rejects.toThrow("the change failed after enqueueing");
    await sleep(200);
    expect(await entries()).toEqual([]);
    expect(delivered).toEqual([]);

    await inTransaction(database.client, (session) =>
      outbox.enqueue([auditLine("committed")], session),
    );
    await expect.poll(() => delivered.length, { timeout: 2000 }).toBe(1);
    const [entry] = await entries();
    expect(entry).toMatchObject({ state: "delivered", owed: { event: { detail: "committed" } } });
    expect(delivered[0]?.map((item) => item.id)).toEqual([entry?._id.toHexString()]);
  });
});

describe("an entry committed while its lane is finishing", () => {
  it("is delivered at once, not left for the next scan, when its commit lands while the lane reads its last (empty) head", async () => {
    const delivered: string[] = [];
    const recording: Deliveries = {
      take: (head) => head.slice(0, 1),
      async deliver(batch) {
        for (const entry of batch)
          if (entry.owed.kind === "audit.line") delivered.push(entry.owed.event.detail ?? "");
        return undefined;
      },
    };
    // The first time the lane finds nothing left, a change commits (and kicks the lane) while that
    // read is still on its way back — as a concurrent request's commit would.
    let injected = false;
    const racing = new Proxy(outbox, {
      get(target, property, receiver) {
        if (property !== "head") return Reflect.get(target, property, receiver);
        return async (lane: string, limit: number) => {
          const head = await target.head(lane, limit);
          if (head.length === 0 && !injected) {
            injected = true;
            await inTransaction(database.client, (session) =>
              target.enqueue([auditLine("committed during the last read")], session),
            );
          }
          return head;
        };
      },
    });
    // No scan during the test: only the kick can deliver it.
    started(new OutboxPoster(racing, lanes, recording, logger(), { ...quick, scanMs: 60_000 }));

    await outbox.enqueue([auditLine("first")]);
    await expect
      .poll(() => delivered, { timeout: 2000 })
      .toEqual(["first", "committed during the last read"]);
  });
});

describe("exactly once after an interrupted post", () => {
  it("a post that landed after the client gave up is found by its key and not posted again", async () => {
    // Slack processes the post, but only after the client has timed out: as if the instance had
    // crashed between the post and recording it.
    slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "delay", ms: clientTimeoutMs + 300 },
    });
    // The retry comes after the late post has landed.
    slackPoster({ retryBaseMs: 1000 });

    await outbox.enqueue([auditLine("interrupted")]);

    await expect
      .poll(async () => (await entries())[0]?.state, { timeout: 5000, interval: 50 })
      .toBe("delivered");
    const [entry] = await entries();
    const history = await postedWithKey(entry?._id.toHexString());
    expect(history).toHaveLength(1);
    expect(entry?.message).toEqual({ channel: auditChannel, ts: history[0]?.ts });
    expect(history[0]?.metadata?.event_type).toBe(outboxMetadataType);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect(lookups().length).toBeGreaterThanOrEqual(1);
    await sleep(300);
    expect(auditPosts()).toHaveLength(1);
  });

  it("a quick retry does not double a post Slack is still working on: an unanswered attempt is retried only after the settling time", async () => {
    // Slack lands the post 500 ms after the client gave up; the backoff alone would retry after 100 ms.
    slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "delay", ms: clientTimeoutMs + 500 },
    });
    slackPoster({ retryBaseMs: 100, unansweredRetryMs: 1000 });

    await outbox.enqueue([auditLine("slow to land")]);

    await expect
      .poll(async () => (await entries())[0]?.state, { timeout: 5000, interval: 50 })
      .toBe("delivered");
    const [entry] = await entries();
    // Long enough for the slow post to have landed, whenever the entry was marked delivered.
    await sleep(clientTimeoutMs + 700);
    expect(await postedWithKey(entry?._id.toHexString())).toHaveLength(1);
    expect(auditPosts()).toHaveLength(1);
  });

  it("an interrupted post is still looked for, and not posted again, when the first look is rate-limited", async () => {
    slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "delay", ms: clientTimeoutMs + 300 },
    });
    slack.addFault({
      method: "conversations.history",
      channel: auditChannel,
      times: 1,
      fault: { kind: "ratelimited", retryAfterSeconds: 1 },
    });
    slackPoster({ retryBaseMs: 600 });

    await outbox.enqueue([auditLine("looked for twice")]);

    await expect
      .poll(async () => (await entries())[0]?.state, { timeout: 5000, interval: 50 })
      .toBe("delivered");
    const [entry] = await entries();
    const history = await postedWithKey(entry?._id.toHexString());
    expect(history).toHaveLength(1);
    expect(entry?.message).toEqual({ channel: auditChannel, ts: history[0]?.ts });
    expect(lookups()).toHaveLength(2);
    await sleep(300);
    expect(auditPosts()).toHaveLength(1);
  });

  it("a post that never reached Slack (the connection dropped) is posted on the next attempt, once", async () => {
    const hang = slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "hang", onClear: "drop" },
    });
    slackPoster({ retryBaseMs: 500 });

    await outbox.enqueue([auditLine("dropped")]);
    await slack.waitForCall("chat.postMessage");
    await sleep(clientTimeoutMs + 50);
    hang.clear();

    await expect
      .poll(async () => (await entries())[0]?.state, { timeout: 5000, interval: 50 })
      .toBe("delivered");
    const [entry] = await entries();
    const history = await postedWithKey(entry?._id.toHexString());
    expect(history).toHaveLength(1);
    expect(entry?.message).toEqual({ channel: auditChannel, ts: history[0]?.ts });
    // It looked first (the attempt might have posted), found nothing, and posted.
    expect(lookups().length).toBeGreaterThanOrEqual(1);
    await sleep(300);
    expect(auditPosts()).toHaveLength(1);
  });

  it("a post Slack answered with an error is posted on the next attempt, once", async () => {
    slack.addFault({
      method: "chat.postMessage",
      channel: auditChannel,
      times: 1,
      fault: { kind: "error", error: "internal_error" },
    });
    slackPoster();

    await outbox.enqueue([auditLine("refused once")]);

    await expect
      .poll(async () => (await entries())[0]?.state, { timeout: 5000, interval: 50 })
      .toBe("delivered");
    const [entry] = await entries();
    expect(entry?.attempts).toBe(2);
    const history = await postedWithKey(entry?._id.toHexString());
    expect(history).toHaveLength(1);
    await sleep(300);
    expect(auditPosts()).toHaveLength(1);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(2);
  });
});

describe("a crashed instance's lanes", () => {
  it("are delivered by another instance once the crashed one's lease expires, once", async () => {
    const leaseMs = 1000;
    // An instance took the audit lane and died without giving it up.
    const claimedAt = Date.now();
    expect(
      await lanes.claim(leaseOf("audit"), "crashed-instance", leaseMs, new Date(claimedAt)),
    ).not.toBe(null);
    await outbox.enqueue([auditLine("first"), auditLine("second"), auditLine("third")]);

    slackPoster({ leaseMs });

    await sleep(leaseMs / 2);
    expect(auditPosts()).toEqual([]);
    await expect.poll(() => auditPosts().length, { timeout: 3000, interval: 20 }).toBe(1);
    const [post] = auditPosts();
    expect(post?.at).toBeGreaterThanOrEqual(claimedAt + leaseMs);
    const text = String(post?.args.text);
    expect(text.indexOf("_first_")).toBeGreaterThanOrEqual(0);
    expect(text.indexOf("_first_")).toBeLessThan(text.indexOf("_second_"));
    expect(text.indexOf("_second_")).toBeLessThan(text.indexOf("_third_"));
    await expect
      .poll(async () => (await entries()).map((entry) => entry.state))
      .toEqual(["delivered", "delivered", "delivered"]);
    await sleep(300);
    expect(auditPosts()).toHaveLength(1);
  });
});
