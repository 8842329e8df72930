import type { App } from "@slack/bolt";
import type { CommandFailedEvent, MongoClient } from "mongodb";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AnswerOutcome } from "../listeners/request-scope.js";

/** The kinds of Slack request the ack latency is broken down by. */
export type AckKind = "command" | "action" | "view" | "event" | "options" | "other";

/** Slack retries what it does not see acked within 3 s; the buckets are dense below that. */
const ackBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];

export interface MetricSources {
  /** Seconds since the stalest stored user group was last read in full, or undefined if none is stored. */
  roleCacheAgeSeconds(): Promise<number | undefined> | number | undefined;
  /** Outbox entries not delivered yet, and when the oldest of them was written. */
  outboxBacklog(): Promise<{ pending: number; oldestAt: Date | null }>;
}

/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one), so that
 * several apps in one process each report only what they did.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly ackSeconds = new Histogram({
    name: "customer_desk_ack_seconds",
    help: "Time from a Slack request reaching the app to its ack, by request kind",
    labelNames: ["kind"],
    buckets: ackBucketsSeconds,
    registers: [this.registry],
  });
  private readonly answers = new Counter({
    name: "customer_desk_answers_total",
    help: "Answers to people's requests, by outcome (answered, refused, error, undelivered)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly slackCalls = new Counter({
    name: "customer_desk_slack_api_calls_total",
    help: "HTTP requests to the Slack Web API (each retry counts), by method and result (ok, Slack's error code, ratelimited, http_<status>, request_failed)",
    labelNames: ["method", "result"],
    registers: [this.registry],
  });
  private readonly mongoErrors = new Counter({
    name: "customer_desk_mongodb_command_errors_total",
    help: "MongoDB commands that failed, by command name and server error code (none for network errors)",
    labelNames: ["command", "code"],
    registers: [this.registry],
  });

  private readonly outboxDeliveries = new Counter({
    name: "customer_desk_outbox_deliveries_total",
    help: "Outbox delivery attempts, by kind (approval.post, approval.update, approval.reminder, approval.expiry, approval.dm, audit.line, balance.low, home.refresh) and result (delivered, ratelimited, retry, failed)",
    labelNames: ["kind", "result"],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    // One backlog query per scrape, shared by the two gauges.
    let backlog: Promise<{ pending: number; oldestAt: Date | null }> | undefined;
    const readBacklog = () => {
      backlog ??= sources.outboxBacklog().finally(() => {
        setTimeout(() => {
          backlog = undefined;
        }, 100).unref();
      });
      return backlog;
    };
    new Gauge({
      name: "customer_desk_outbox_pending",
      help: "Outbox entries (messages the bot owes Slack) not delivered yet",
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).pending);
      },
    });
    new Gauge({
      name: "customer_desk_outbox_oldest_age_seconds",
      help: "Age of the oldest undelivered outbox entry (0 when none is waiting)",
      registers: [this.registry],
      async collect() {
        const { oldestAt } = await readBacklog();
        this.set(oldestAt ? Math.max(0, (Date.now() - oldestAt.getTime()) / 1000) : 0);
      },
    });
    new Gauge({
      name: "customer_desk_role_cache_age_seconds",
      help: "Seconds since the stalest stored user group's members were last read in full from Slack (absent before the first read)",
      registers: [this.registry],
      async collect() {
        const age = await Promise.resolve(sources.roleCacheAgeSeconds()).catch(() => undefined);
        if (age === undefined) this.remove();
        else this.set(age);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  observeAck(kind: AckKind, seconds: number): void {
    this.ackSeconds.observe({ kind }, seconds);
  }

  countAnswer(outcome: AnswerOutcome): void {
    this.answers.inc({ outcome });
  }

  countSlackCall(method: string, result: string): void {
    this.slackCalls.inc({ method, result });
  }

  countOutboxDelivery(kind: string, result: string): void {
    this.outboxDeliveries.inc({ kind, result });
  }

  countMongoError(command: string, code: string): void {
    this.mongoErrors.inc({ command, code });
  }
}

export function ackKindOf(body: Record<string, unknown>): AckKind {
  if (typeof body.command === "string") return "command";
  switch (body.type) {
    case "block_actions":
      return "action";
    case "view_submission":
    case "view_closed":
      return "view";
    case "event_callback":
      return "event";
    case "block_suggestion":
      return "options";
    default:
      return "other";
  }
}

type ProcessEvent = App["processEvent"];

/**
 * Times every request from the moment the receiver hands it to Bolt to its first ack. Wraps
 * `processEvent`, which both receivers call for each request, because Bolt gives middleware only a
 * copy of the listener arguments: a wrapped `ack` there would never reach the listeners.
 */
export function timeAcks(app: App, metrics: AppMetrics): void {
  const processEvent: ProcessEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const receivedAt = performance.now();
    const kind = ackKindOf(event.body as Record<string, unknown>);
    let acked = false;
    const ack: typeof event.ack = async (response) => {
      try {
        await event.ack(response);
      } finally {
        if (!acked) {
          acked = true;
          metrics.observeAck(kind, (performance.now() - receivedAt) / 1000);
        }
      }
    };
    return processEvent({ ...event, ack });
  };
}

/** What one Web API answer says: ok, Slack's error code, ratelimited or the HTTP status. */
async function resultOf(response: Response): Promise<string> {
  if (response.status === 429) return "ratelimited";
  if (response.status !== 200) return `http_${response.status}`;
  try {
    const answer = (await response.clone().json()) as { ok?: boolean; error?: string };
    return answer.ok ? "ok" : (answer.error ?? "unknown_error");
  } catch {
    return "unreadable_answer";
  }
}

/**
 * A `fetch` for the WebClients' options that counts every HTTP request to the Web API (retries
 * included) by method and result. Bolt builds WebClients from these options for each workspace, so
 * counting here reaches all of them; uploads to other URLs count as method "other".
 */
export function countingFetch(
  metrics: AppMetrics,
  apiBaseUrl: string,
  fetchFn: typeof fetch = globalThis.fetch,
): typeof fetch {
  const methodOf = (url: string) =>
    url.startsWith(apiBaseUrl) ? url.slice(apiBaseUrl.length).split("?")[0] || "other" : "other";
  return async (input, init) => {
    const method = methodOf(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
    );
    let response: Response;
    try {
      response = await fetchFn(input, init);
    } catch (error) {
      metrics.countSlackCall(method, "request_failed");
      throw error;
    }
    metrics.countSlackCall(method, await resultOf(response));
    return response;
  };
}

/**
 * Counts the client's failed commands (it must have `monitorCommands` on, as `connectDatabase`
 * sets it). Returns the function that stops counting.
 */
export function countMongoErrors(client: MongoClient, metrics: AppMetrics): () => void {
  const onFailed = (event: CommandFailedEvent) => {
    const code = (event.failure as { code?: unknown }).code;
    metrics.countMongoError(event.commandName, code === undefined ? "none" : String(code));
  };
  client.on("commandFailed", onFailed);
  return () => client.off("commandFailed", onFailed);
}
