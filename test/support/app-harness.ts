import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import type { Db, MongoClientOptions } from "mongodb";
import { inject } from "vitest";
import { type BotApp, createBotApp } from "../../src/app/create-app.js";
import { type RequestLimits, slackEventsPath } from "../../src/app/http-server.js";
import { type Config, loadConfig } from "../../src/config/env.js";
import { collections } from "../../src/db/collections.js";
import { connectDatabase, type Database } from "../../src/db/mongo.js";
import { createLogger } from "../../src/logging/logger.js";
import type { OutboxTimings } from "../../src/notifications/outbox-poster.js";
import { openTestDatabase } from "./mongo/test-database.js";
import {
  type FakeSlackApi,
  type RecordedResponse,
  startFakeSlackApi,
} from "./slack/fake-slack-api.js";
import {
  type FakeSocketModeServer,
  startFakeSocketModeServer,
} from "./slack/fake-socket-mode-server.js";
import {
  blockActionsPayload,
  eventBody,
  formContentType,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from "./slack/sign-request.js";
import type { FoundButton } from "./slack-blocks.js";

export const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
export const botToken = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
export const appToken = "xapp-1-A0TEST-1234567890-abcdef0123456789";
export const approvalsChannel = "CAPPROVALS1";

/** Slack users of the test workspace, one per role (PRODUCT.md §5), plus one with none. */
export const users = {
  admin: "UADMIN001",
  manager: "UMANAGER01",
  support: "USUPPORT01",
  /** Support through the support user group rather than by ID. */
  groupSupport: "UGROUPSUP1",
  outsider: "UOUTSIDER1",
} as const;
export const supportGroup = "SSUPPORT01";

export interface HarnessOptions {
  socketMode?: boolean;

  env?: Record<string, string>;
  /**
   * Where the app's database lives. Default: a fresh, uniquely named database on the run's MongoDB
   * lane, dropped on stop. With `uri`, that MongoDB (e.g. a wire server a test can take away); with
   * `dbName`, that database, left in place on stop so several instances can share it. Client
   * settings not given here are the app's own defaults (those of `connectDatabase`).
   */
  mongo?: {
    uri?: string;
    dbName?: string;
    serverSelectionTimeoutMS?: number;
    clientOptions?: MongoClientOptions;
  };
  /** A fake Slack to use instead of a new one (e.g. shared by two instances); it is not stopped on stop. */
  slack?: FakeSlackApi;
  /** HTTP request limits instead of production's (e.g. a short timeout for stalled clients). */
  requestLimits?: Partial<RequestLimits>;
  /** The outbox poster's timings instead of the harness's quick ones (`testOutboxTimings`). */
  outboxTimings?: Partial<OutboxTimings>;
}

/**
 * Tests pace each lane at 5 ms instead of Slack's 1 s per channel (or a burst would take minutes to
 * deliver), scan and retry quickly, and take over a stopped instance's lanes after 5 s.
 */
export const testOutboxTimings: Partial<OutboxTimings> = {
  laneIntervalMs: 5,
  scanMs: 250,
  retryBaseMs: 100,
  retryMaxMs: 2000,
  leaseMs: 5000,
  unansweredRetryMs: 300,
};

export type SentView = Record<string, unknown> & {
  callback_id?: string;
  private_metadata?: string;
  blocks?: unknown[];
};

let viewCounter = 0;
let approveCounter = 0;

/**
 * How long `ask` and `clickAndWait` wait for the answer they expect. Racing tests (dozens of
 * transactions retrying write conflicts on 2 cores) can take longer than the fake's 2 s default;
 * waiting longer for an answer that must come weakens no assertion.
 */
const answerWaitMs = 10_000;

/** The state.values Slack would send for `values`, shaped by each input block's element type. */
export function stateFor(view: SentView, values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of (view.blocks ?? []) as {
    type?: string;
    block_id?: string;
    element?: { type?: string; action_id?: string };
  }[]) {
    if (block.type !== "input" || !block.block_id || !block.element?.action_id) continue;
    const value = values[block.block_id];
    const element = block.element;
    state[block.block_id] = {
      [element.action_id as string]:
        element.type === "static_select"
          ? {
              type: "static_select",
              selected_option:
                value === undefined ? null : { value, text: { type: "plain_text", text: value } },
            }
          : { type: element.type, value: value ?? null },
    };
  }
  return state;
}

export interface Harness {
  readonly bot: BotApp;
  readonly slack: FakeSlackApi;
  readonly socket: FakeSocketModeServer | undefined;
  readonly database: Database;
  readonly db: Db;
  readonly config: Config;
  /** Base URL of the app's HTTP server (HTTP mode). */
  readonly baseUrl: string;
  /** Every log line the app wrote, raw JSON. */
  readonly logLines: string[];
  /** Moves the app's clock forward (e.g. past an approval's expiry) without sleeping. */
  advanceClock(ms: number): void;
  /**
   * Waits until everything the app owes Slack is delivered (no pending outbox entry in its database,
   * no lane being delivered); throws after `timeoutMs`.
   */
  outboxDelivered(timeoutMs?: number): Promise<void>;
  /** Runs `/customer TEXT` as `userId`; resolves with the HTTP status and the response_url used. */
  command(
    userId: string,
    text: string,
    options?: { retryNum?: number; triggerId?: string },
  ): Promise<{ status: number; responseUrl: string }>;
  /** Runs `/customer TEXT` and waits for the app's (first) answer to it. */
  ask(userId: string, text: string): Promise<RecordedResponse>;
  /** Clicks a button from a message the app sent (found with `buttonLabelled`). */
  click(
    userId: string,
    button: FoundButton,
    options?: { responseUrl?: string; retryNum?: number; triggerId?: string },
  ): Promise<{ status: number; responseUrl: string }>;
  /** Clicks a button on the App Home tab (no response_url, like Slack sends it). */
  clickInHome(userId: string, button: FoundButton): Promise<{ status: number }>;
  /** Clicks and waits for the app's answer on the message's response_url. */
  clickAndWait(
    userId: string,
    button: FoundButton,
    options?: { responseUrl?: string },
  ): Promise<RecordedResponse>;
  /**
   * Approve as a person does it: clicks the Approve button, fills the approve form it opens with
   * `comment` (empty when not given) and submits it; resolves with the answer on the message's
   * response_url — the decision, or the refusal the click got instead of a form.
   */
  approve(
    userId: string,
    button: FoundButton,
    options?: { comment?: string; responseUrl?: string },
  ): Promise<RecordedResponse>;
  /** Submits a modal; resolves with the HTTP status and the JSON the app acked with (if any). */
  submitView(
    userId: string,
    view: Parameters<typeof viewSubmissionPayload>[0]["view"],
  ): Promise<{ status: number; json?: unknown }>;
  /** Waits for the next modal the app opens (views.open) and returns the view it sent. */
  openedModal(): Promise<SentView>;
  /** Fills a modal the app opened, field by field (block_id → text or option value), and submits it. */
  submitModal(
    userId: string,
    view: SentView,
    values: Record<string, string>,
    options?: { viewId?: string },
  ): Promise<{ status: number; json?: unknown }>;
  /** Sends an Events API event. */
  event(event: Record<string, unknown>): Promise<{ status: number }>;
  stop(): Promise<void>;
}

function testEnv(slack: FakeSlackApi, options: HarnessOptions): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    APPROVALS_CHANNEL_ID: approvalsChannel,
    CONSOLE_BASE_URL: "https://console.example.test",
    ADMIN_USER_IDS: users.admin,
    MANAGER_USER_IDS: users.manager,
    SUPPORT_USER_IDS: users.support,
    SUPPORT_USERGROUP_IDS: supportGroup,
    LOG_LEVEL: "debug",
    SHUTDOWN_TIMEOUT: "5s",
    ...(options.socketMode ? { SLACK_APP_TOKEN: appToken } : {}),
    ...options.env,
  };
}

/**
 * The app's database: a fresh one on the run's lane (dropped by `drop`), or the one `mongo` names
 * (a given `dbName` is only closed by `drop`, since other instances may still use it).
 */
async function openHarnessDatabase(
  mongo: HarnessOptions["mongo"],
): Promise<Database & { drop(): Promise<void> }> {
  if (!mongo) return openTestDatabase();
  const database = await connectDatabase({
    uri: mongo.uri ?? inject("mongoUri"),
    dbName: mongo.dbName ?? `test_${randomBytes(5).toString("hex")}`,
    logger: createLogger({ level: "silent", pretty: false }),
    // Unset, the app's own default applies (what `npm start` uses).
    ...(mongo.serverSelectionTimeoutMS === undefined
      ? {}
      : { serverSelectionTimeoutMS: mongo.serverSelectionTimeoutMS }),
    ...(mongo.clientOptions ? { clientOptions: mongo.clientOptions } : {}),
  });
  const shared = mongo.dbName !== undefined;
  return {
    ...database,
    async drop() {
      if (!shared) await database.db.dropDatabase().catch(() => {});
      await database.close();
    },
  };
}

/** Starts the real app (HTTP mode on an ephemeral port, or Socket Mode) against the fakes and a fresh database. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = options.slack ?? (await startFakeSlackApi());
  slack.setUsergroupMembers(supportGroup, [users.groupSupport]);
  const socket = options.socketMode ? await startFakeSocketModeServer() : undefined;
  if (socket) slack.setSocketModeUrl(socket.url);
  const database = await openHarnessDatabase(options.mongo);
  const config = loadConfig(testEnv(slack, options));
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: config.log.level, pretty: false, destination });
  let clockOffsetMs = 0;
  const bot = createBotApp({
    config,
    logger,
    database,
    now: () => new Date(Date.now() + clockOffsetMs),
    requestLimits: options.requestLimits,
    outboxTimings: { ...testOutboxTimings, ...options.outboxTimings },
  });
  await bot.start();
  if (socket) await socket.waitForConnection(5000);
  const baseUrl = `http://127.0.0.1:${bot.port ?? 0}`;

  const deliver = async (
    rawBody: string,
    contentType: string,
    retryNum?: number,
    kind: "slash_commands" | "interactive" = "interactive",
  ) => {
    if (socket) {
      const payload =
        kind === "slash_commands"
          ? Object.fromEntries(new URLSearchParams(rawBody))
          : JSON.parse(new URLSearchParams(rawBody).get("payload") ?? "{}");
      await socket.send(kind, payload, { retryAttempt: retryNum });
      return { status: 200, json: undefined as unknown };
    }
    return postSigned(`${baseUrl}${slackEventsPath}`, signingSecret, rawBody, contentType, {
      retryNum,
    });
  };

  const harness: Harness = {
    bot,
    slack,
    socket,
    database,
    db: database.db,
    config,
    baseUrl,
    logLines,
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    async outboxDelivered(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      const outbox = database.db.collection(collections.outbox);
      for (;;) {
        const pending = await outbox.countDocuments({ state: "pending" });
        if (pending === 0 && bot.outbox.busyLanes === 0) return;
        if (Date.now() > deadline)
          throw new Error(
            `the outbox still has ${pending} undelivered entries after ${timeoutMs} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async command(userId, text, commandOptions = {}) {
      const responseUrl = slack.responseUrl();
      const body = slashCommandBody({
        text,
        user_id: userId,
        response_url: responseUrl,
        trigger_id: commandOptions.triggerId,
      });
      const { status } = await deliver(
        body,
        formContentType,
        commandOptions.retryNum,
        "slash_commands",
      );
      return { status, responseUrl };
    },
    async ask(userId, text) {
      const { status, responseUrl } = await harness.command(userId, text);
      if (status !== 200) throw new Error(`/customer ${text} answered HTTP ${status}`);
      return slack.waitForResponse(responseUrl, undefined, answerWaitMs);
    },
    async click(userId, button, clickOptions = {}) {
      const responseUrl = clickOptions.responseUrl ?? slack.responseUrl();
      const payload = blockActionsPayload({
        userId,
        responseUrl,
        triggerId: clickOptions.triggerId,
        action: {
          action_id: button.action_id,
          block_id: button.block_id,
          value: button.value,
          type: "button",
        },
      });
      const { status } = await deliver(
        interactionBody(payload),
        formContentType,
        clickOptions.retryNum,
      );
      return { status, responseUrl };
    },
    async clickInHome(userId, button) {
      const payload = blockActionsPayload({
        userId,
        view: { id: "VHOME0001", type: "home" },
        action: {
          action_id: button.action_id,
          block_id: button.block_id,
          value: button.value,
          type: "button",
        },
      });
      const { status } = await deliver(interactionBody(payload), formContentType);
      return { status };
    },
    async clickAndWait(userId, button, clickOptions = {}) {
      const before = clickOptions.responseUrl
        ? slack.responsesTo(clickOptions.responseUrl).length
        : 0;
      const { status, responseUrl } = await harness.click(userId, button, clickOptions);
      if (status !== 200) throw new Error(`click on “${button.text}” answered HTTP ${status}`);
      return slack.waitForResponse(
        responseUrl,
        (response) => slack.responsesTo(responseUrl).indexOf(response) >= before,
        answerWaitMs,
      );
    },
    async approve(userId, button, approveOptions = {}) {
      approveCounter += 1;
      const triggerId = `approve-trigger-${approveCounter}`;
      const before = approveOptions.responseUrl
        ? slack.responsesTo(approveOptions.responseUrl).length
        : 0;
      const { status, responseUrl } = await harness.click(userId, button, {
        triggerId,
        responseUrl: approveOptions.responseUrl,
      });
      if (status !== 200) throw new Error(`click on “${button.text}” answered HTTP ${status}`);
      // The click either opens the approve form (for this trigger) or is answered with a refusal;
      // the answer to a submitted form comes on the same response_url.
      const answer = slack.waitForResponse(
        responseUrl,
        (response) => slack.responsesTo(responseUrl).indexOf(response) >= before,
        2 * answerWaitMs,
      );
      const refused = answer.then(
        () => null,
        () => null,
      );
      const opened = slack
        .waitForCall("views.open", (call) => call.args.trigger_id === triggerId, answerWaitMs)
        .catch(() => null);
      const form = await Promise.race([opened, refused]);
      if (form) {
        const submitted = await harness.submitModal(userId, form.args.view as SentView, {
          comment: approveOptions.comment ?? "",
        });
        if (submitted.json !== undefined)
          throw new Error(`the approve form answered ${JSON.stringify(submitted.json)}`);
      }
      return answer;
    },
    async submitView(userId, view) {
      const body = interactionBody(viewSubmissionPayload({ userId, view }));
      return deliver(body, formContentType);
    },
    async openedModal() {
      const call = await slack.waitForCall("views.open");
      return call.args.view as SentView;
    },
    async submitModal(userId, view, values, submitOptions = {}) {
      viewCounter += 1;
      const submitted = {
        ...view,
        id: submitOptions.viewId ?? `VSUBMIT${viewCounter}`,
        state: { values: stateFor(view, values) },
      };
      return harness.submitView(userId, submitted as Parameters<Harness["submitView"]>[1]);
    },
    async event(event) {
      if (socket) {
        await socket.send("events_api", JSON.parse(eventBody(event)));
        return { status: 200 };
      }
      return postSigned(
        `${baseUrl}${slackEventsPath}`,
        signingSecret,
        eventBody(event),
        "application/json",
      );
    },
    async stop() {
      await bot.stop();
      await socket?.stop();
      if (!options.slack) await slack.stop();
      await database.drop();
    },
  };
  return harness;
}
