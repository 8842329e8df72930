import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import { ApprovalRepository } from "../approvals/approval-repository.js";
import { ApprovalService } from "../approvals/approval-service.js";
import { Reversals } from "../approvals/reversals.js";
import { AuditRepository } from "../audit/audit-repository.js";
import { RoleResolver } from "../auth/role-resolver.js";
import { UsergroupMembershipRepository } from "../auth/usergroup-membership-repository.js";
import { UsergroupRefresher } from "../auth/usergroup-refresher.js";
import { BillingRecordRepository } from "../billing/billing-record-repository.js";
import { BillingService } from "../billing/billing-service.js";
import { ChannelLinkRepository } from "../channels/channel-link-repository.js";
import { ChannelLinks } from "../channels/channel-links.js";
import type { Config } from "../config/env.js";
import { CustomerLifecycle } from "../customers/customer-lifecycle.js";
import { CustomerRepository } from "../customers/customer-repository.js";
import { CustomerService } from "../customers/customer-service.js";
import { PasswordResetRepository } from "../customers/password-reset-repository.js";
import { PasswordResets } from "../customers/password-resets.js";
import { IdempotencyRepository } from "../db/idempotency-repository.js";
import type { Database } from "../db/mongo.js";
import { IntegrityService } from "../integrity/integrity-service.js";
import { InviteRepository } from "../invites/invite-repository.js";
import { Invites } from "../invites/invites.js";
import { LeaseRepository } from "../leases/lease-repository.js";
import { LedgerDayRepository } from "../ledger/ledger-day-repository.js";
import { LedgerRepository } from "../ledger/ledger-repository.js";
import { type LowBalanceWatch, MoneyWriter } from "../ledger/money-writer.js";
import * as actions from "../listeners/actions/index.js";
import * as commands from "../listeners/commands/index.js";
import type { Deps } from "../listeners/deps.js";
import { HomeRefresher } from "../listeners/events/home-refresher.js";
import * as events from "../listeners/events/index.js";
import { publishHome } from "../listeners/events/publish-home.js";
import * as optionsListeners from "../listeners/options/index.js";
import { PostAckGate } from "../listeners/post-ack-gate.js";
import * as shortcuts from "../listeners/shortcuts/index.js";
import * as views from "../listeners/views/index.js";
import type { Logger } from "../logging/logger.js";
import { MoneyService } from "../money-changes/money-service.js";
import { OutboxPoster, type OutboxTimings } from "../notifications/outbox-poster.js";
import { SlackDeliveries } from "../notifications/slack-deliveries.js";
import { OutboxRepository } from "../outbox/outbox-repository.js";
import { CreditPool } from "../pool/credit-pool.js";
import { PoolRepository } from "../pool/pool-repository.js";
import { boltLoggerFrom } from "./bolt-logger.js";
import { createHttpServer, type RequestLimits, slackEventsPath } from "./http-server.js";
import { InFlight } from "./in-flight.js";
import { AppMetrics, countingFetch, countMongoErrors, timeAcks } from "./metrics.js";
import { accessControlMiddleware } from "./middleware/access-control-middleware.js";
import { requestScopeMiddleware } from "./middleware/request-scope-middleware.js";
import { ackUnhandledRequests } from "./unhandled-requests.js";

const approvalSweepIntervalMs = 60_000;

/**
 * How long one attempt at a Web API call may take. Background calls (posts, updates, DMs, Home
 * publishes, user groups) get 10 s and up to 3 retries. Calls that open or update a modal get 2.5 s
 * and no retry: a trigger_id lasts 3 s, so a later answer could not open the form anyway.
 */
export const slackCallTimeouts = { backgroundMs: 10_000, modalMs: 2_500 } as const;

export class SlackSetupError extends Error {
  override name = "SlackSetupError";
}

/** Bolt checks the bot token with auth.test; a refusal or an unreachable Slack stops start-up with a clear message. */
async function verifySlackToken(app: App): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    throw new SlackSetupError(
      code
        ? `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page; see README “Create the Slack app”.`
        : `Could not reach the Slack Web API to check SLACK_BOT_TOKEN (${(error as Error).message}). Check the network, or SLACK_API_URL if you set it.`,
      { cause: error },
    );
  }
}

export interface BotAppOptions {
  config: Config;
  logger: Logger;
  database: Database;
  now?: () => Date;
  /** HTTP mode's request limits; production's unless a test shortens them. */
  requestLimits?: Partial<RequestLimits>;
  /** The outbox poster's pacing, leases and retries; production's unless a test shortens them. */
  outboxTimings?: Partial<OutboxTimings>;
}

export interface BotApp {
  readonly app: App;
  readonly deps: Deps;
  readonly mode: "http" | "socket";
  /** In HTTP mode, the port actually bound (useful when PORT is 0). */
  readonly port: number | undefined;
  /** What `GET /metrics` reports (HTTP mode serves it; Socket Mode counts all the same). */
  readonly metrics: AppMetrics;
  /** Delivers what the bot owes Slack (approval posts and updates, DMs, audit lines, Home refreshes). */
  readonly outbox: OutboxPoster;
  start(): Promise<void>;
  /** Expires overdue approval requests now (the app also does this every minute by itself). */
  expireOverdueApprovals(): Promise<void>;
  /**
   * The approvals sweep the app runs every minute, now: expires overdue requests, then owes the
   * reminders that are due (the expiry first, so an overdue request is never reminded).
   */
  sweepApprovals(): Promise<void>;
  /** Stops taking new work and waits (up to SHUTDOWN_TIMEOUT) for work in flight. */
  stop(): Promise<void>;
}

const defaultSlackApiUrl = "https://slack.com/api/";

function webClientOptions(config: Config, logger: Logger, metrics: AppMetrics): WebClientOptions {
  const apiUrl = config.slack.apiUrl;
  const slackApiUrl = apiUrl ? (apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`) : defaultSlackApiUrl;
  return {
    logger: boltLoggerFrom(logger),
    timeout: slackCallTimeouts.backgroundMs,
    retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 3000, randomize: true },
    slackApiUrl,
    fetch: countingFetch(metrics, slackApiUrl),
  };
}

/** The composition root: builds the Bolt app, its receiver, repositories and services from config. */
/**
 * With LOW_BALANCE_THRESHOLD set, a fall below it owes one line in the alerts channel, or without
 * one the audit channel; with neither channel, nothing is watched.
 */
function lowBalanceWatch(config: Config, outbox: OutboxRepository): LowBalanceWatch | undefined {
  const { lowBalanceThreshold: threshold, alertsChannelId, auditChannelId } = config;
  if (threshold === undefined || (!alertsChannelId && !auditChannelId)) return undefined;
  const to = alertsChannelId ? "alerts" : "audit";
  return {
    threshold,
    owe: (alert, session) => outbox.enqueue([{ kind: "balance.low", to, alert }], session),
  };
}

export function createBotApp(options: BotAppOptions): BotApp {
  const { config, logger, database } = options;
  const boltLogger = boltLoggerFrom(logger);
  const metrics = new AppMetrics({
    roleCacheAgeSeconds: () => deps.roles.secondsSinceRefresh(),
    outboxBacklog: () => outbox.backlog(),
  });
  const clientOptions = webClientOptions(config, logger, metrics);
  const inFlight = new InFlight();
  const mode = config.slack.appToken ? "socket" : "http";
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({
        appToken: config.slack.appToken,
        logger: boltLogger,
        installerOptions: { clientOptions },
      })
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret ?? "",
        endpoints: slackEventsPath,
        logger: boltLogger,
        processBeforeResponse: false,
      });
  const app = new App({
    token: config.slack.botToken,
    receiver,
    logger: boltLogger,
    deferInitialization: true,
    clientOptions,
    convoStore: false,
  });
  timeAcks(app, metrics);
  ackUnhandledRequests(app, logger);

  // Its own client, so its own request queue: a form never waits behind background calls (or a
  // queue paused by a rate limit on them).
  const modalClient = new WebClient(config.slack.botToken, {
    ...clientOptions,
    timeout: slackCallTimeouts.modalMs,
    retryConfig: { retries: 0 },
  });
  // The outbox poster's own client: no retries and 429s handed back (not a paused queue), because
  // the poster retries and paces each channel itself, honouring Retry-After per channel.
  const outboxClient = new WebClient(config.slack.botToken, {
    ...clientOptions,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const now = options.now ?? (() => new Date());
  const { client, db } = database;
  const outbox = new OutboxRepository(db, now);
  const leases = new LeaseRepository(db);
  const audit = new AuditRepository(
    db,
    undefined,
    config.auditChannelId
      ? (events, session) =>
          outbox.enqueue(
            events.map((event) => ({ kind: "audit.line", event })),
            session,
          )
      : undefined,
  );
  const customerRepository = new CustomerRepository(db);
  const approvalRepository = new ApprovalRepository(db);
  const idempotency = new IdempotencyRepository(db);
  const pool = new CreditPool(
    client,
    new PoolRepository(db),
    approvalRepository,
    audit,
    config.currency,
    now,
  );
  const ledger = new LedgerRepository(db);
  const ledgerDays = new LedgerDayRepository(db);
  const writer = new MoneyWriter(
    customerRepository,
    ledger,
    ledgerDays,
    pool,
    audit,
    config.currency,
    lowBalanceWatch(config, outbox),
  );
  const approvals = new ApprovalService(
    client,
    approvalRepository,
    customerRepository,
    writer,
    pool,
    audit,
    {
      ttlMs: config.approvalTtlMs,
      currency: config.currency,
      dualApprovalLimit: config.dualApprovalLimit,
    },
    now,
    outbox,
  );
  const deps: Deps = {
    config,
    logger,
    audit,
    idempotency,
    customers: new CustomerService(customerRepository),
    lifecycle: new CustomerLifecycle(client, idempotency, customerRepository, audit, now),
    passwordResets: new PasswordResets(
      client,
      new PasswordResetRepository(db),
      customerRepository,
      audit,
      config.passwordConfirmTtlMs,
      now,
    ),
    invites: new Invites(
      client,
      new InviteRepository(db),
      audit,
      { consoleBaseUrl: config.consoleBaseUrl, ttlMs: config.inviteTtlMs },
      now,
    ),
    pool,
    approvals,
    money: new MoneyService(
      client,
      idempotency,
      customerRepository,
      writer,
      approvals,
      pool,
      audit,
      { currency: config.currency, balanceApprovalLimit: config.balanceApprovalLimit },
      now,
      ledger,
    ),
    integrity: new IntegrityService(db, audit, config.currency, now),
    reversals: new Reversals(
      ledger,
      customerRepository,
      approvals,
      pool,
      audit,
      config.currency,
      now,
    ),
    billing: new BillingService(
      customerRepository,
      ledger,
      ledgerDays,
      new BillingRecordRepository(db),
      now,
    ),
    channelLinks: new ChannelLinks(
      client,
      new ChannelLinkRepository(db),
      customerRepository,
      audit,
      now,
    ),
    roles: new RoleResolver(
      config.roles,
      new UsergroupMembershipRepository(db),
      // Its own client: a rate limit on user group reads pauses only its own request queue.
      new WebClient(config.slack.botToken, clientOptions),
      logger,
    ),
    // Bolt's client, which waits out a 429 and retries by itself: a Home opened during a rate limit
    // still appears, and the outbox's refreshes (one lane per person) go through it too.
    homeRefresher: new HomeRefresher((viewerId, role, hash) =>
      publishHome(deps, app.client, viewerId, role, hash),
    ),
    now,
  };

  const poster = new OutboxPoster(
    outbox,
    leases,
    new SlackDeliveries(
      outboxClient,
      outbox,
      approvals,
      deps.homeRefresher,
      (userId) => deps.roles.roleOf(userId),
      {
        approvalsChannelId: config.approvalsChannelId,
        auditChannelId: config.auditChannelId,
        alertsChannelId: config.alertsChannelId,
        currency: config.currency,
      },
      logger,
    ),
    logger,
    options.outboxTimings,
    (kind, result) => metrics.countOutboxDelivery(kind, result),
  );

  app.use(
    requestScopeMiddleware(logger, inFlight, new PostAckGate(), modalClient, (outcome) =>
      metrics.countAnswer(outcome),
    ),
  );
  const stopCountingMongoErrors = countMongoErrors(client, metrics);
  const usergroupRefresher = new UsergroupRefresher(deps.roles, leases, logger, {
    intervalMs: config.roles.cacheTtlMs / 2,
    leaseMs: config.roles.cacheTtlMs,
  });
  app.use(accessControlMiddleware(deps));
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
  events.register(app, deps);
  optionsListeners.register(app, deps);
  shortcuts.register(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a listener");
  });

  /** Marks overdue approval requests expired without anyone clicking (the outbox tells Slack). */
  const expireOverdueApprovals = async () => {
    try {
      await approvals.expireDue();
    } catch (error) {
      logger.error({ err: error }, "could not expire overdue approval requests");
    }
  };
  const sweepApprovals = async () => {
    await expireOverdueApprovals();
    try {
      await approvals.remindDue();
    } catch (error) {
      logger.error({ err: error }, "could not send due approval reminders");
    }
  };
  let sweeper: NodeJS.Timeout | undefined;

  let server: Server | undefined;
  let closing = false;
  let port: number | undefined;

  return {
    app,
    deps,
    mode,
    metrics,
    outbox: poster,
    get port() {
      return port;
    },
    expireOverdueApprovals,
    sweepApprovals,
    async start() {
      await verifySlackToken(app);
      await pool.ensureExists();
      poster.start();
      usergroupRefresher.start();
      sweeper = setInterval(() => void inFlight.track(sweepApprovals()), approvalSweepIntervalMs);
      sweeper.unref();
      if (receiver instanceof SocketModeReceiver) {
        await app.start();
        logger.info("connected to Slack in Socket Mode");
        return;
      }
      server = createHttpServer({
        slackListener: receiver.requestListener,
        isReady: () => database.isReachable(),
        isClosing: () => closing,
        metrics,
        logger,
        limits: options.requestLimits,
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(config.port, () => resolve());
      });
      port = (listening.address() as AddressInfo).port;
      logger.info(
        { port },
        `listening for Slack on http://0.0.0.0:${port}${slackEventsPath} (HTTP mode)`,
      );
    },
    async stop() {
      closing = true;
      clearInterval(sweeper);
      await usergroupRefresher.stop();
      if (receiver instanceof SocketModeReceiver) await app.stop().catch(() => {});
      const stopped = server
        ? new Promise<void>((resolve) => {
            server?.close(() => resolve());
            server?.closeIdleConnections();
          })
        : Promise.resolve();
      const drained = await inFlight.drain(config.shutdownTimeoutMs);
      if (!drained)
        logger.warn({ inFlight: inFlight.size }, "shutdown timeout: some work was still in flight");
      await poster.stop();
      server?.closeAllConnections();
      await stopped;
      stopCountingMongoErrors();
    },
  };
}
