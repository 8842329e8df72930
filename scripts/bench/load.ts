/**
 * The load generator: signed requests over keep-alive HTTP to 127.0.0.1, a fixed number of
 * operations run by `concurrency` workers. An operation is one Slack request; it is complete when
 * the fake Slack sees what finishes the flow (a response_url post, …) or, for the baseline, at the ack.
 * Each worker starts its next operation when its current one completes, so `concurrency` is the
 * number of operations in flight.
 */
import { Agent, request } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { slackEventsPath } from "../../src/app/http-server.js";
import { signedHeaders } from "../../test/support/slack/sign-request.js";

export interface Operation {
  body: string;
  contentType: string;
  /** Checks the HTTP answer; returns a problem, or null when it is what the flow expects. */
  checkAck?: (status: number, body: string) => string | null;
  /**
   * Waits until the flow is complete and checks its result (a problem, or null). Called after the
   * ack; without it, the ack completes the operation.
   */
  completion?: () => Promise<string | null>;
}

export interface LevelRun {
  count: number;
  /** Operations that were acked 200 and completed as expected. */
  ok: number;
  /** Operations not started because the level ran out of time. */
  notRun: number;
  errors: number;
  /** The first few distinct problems, with how often each happened. */
  problems: Record<string, number>;
  ackMs: number[];
  /** From sending the request to the completion (ack for the baseline). */
  doneMs: number[];
  elapsedMs: number;
  /** Event-loop delay of the load generator itself (p99, ms): high values mean it, not the app, was the bottleneck. */
  generatorLagP99Ms: number;
}

export class SlackSender {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    private readonly signingSecret: string,
    maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** POSTs a signed Slack request; resolves with the status and body (rejects on network errors/timeouts). */
  post(body: string, contentType: string): Promise<{ status: number; body: string }> {
    const headers = {
      ...signedHeaders(this.signingSecret, body, contentType),
      "content-length": String(Buffer.byteLength(body)),
    };
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          path: slackEventsPath,
          method: "POST",
          agent: this.agent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`no HTTP answer within ${this.timeoutMs} ms`)),
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const lagResolutionMs = 5;

function shortProblem(problem: string): string {
  return problem.length > 160 ? `${problem.slice(0, 157)}…` : problem;
}

/** Runs `count` operations with `concurrency` in flight; stops starting new ones after `deadlineMs`. */
export async function runLevel(options: {
  sender: SlackSender;
  concurrency: number;
  count: number;
  operation: (index: number) => Operation;
  deadlineMs: number;
}): Promise<LevelRun> {
  const { sender, concurrency, count, operation } = options;
  const ackMs: number[] = [];
  const doneMs: number[] = [];
  const problems: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let next = 0;
  const lag = monitorEventLoopDelay({ resolution: lagResolutionMs });
  lag.enable();
  const started = performance.now();
  const deadline = started + options.deadlineMs;

  const fail = (problem: string) => {
    errors += 1;
    const key = shortProblem(problem);
    if (key in problems || Object.keys(problems).length < 5)
      problems[key] = (problems[key] ?? 0) + 1;
  };

  const runOne = async (index: number) => {
    const op = operation(index);
    const sent = performance.now();
    let answer: { status: number; body: string };
    try {
      answer = await sender.post(op.body, op.contentType);
    } catch (error) {
      return fail(`request failed: ${(error as Error).message}`);
    }
    const acked = performance.now();
    ackMs.push(acked - sent);
    if (answer.status !== 200) return fail(`HTTP ${answer.status}: ${answer.body.slice(0, 120)}`);
    const ackProblem = op.checkAck?.(answer.status, answer.body) ?? null;
    if (ackProblem) return fail(ackProblem);
    if (op.completion) {
      let problem: string | null;
      try {
        problem = await op.completion();
      } catch (error) {
        problem = (error as Error).message.split("; received:")[0] ?? "completion failed";
      }
      if (problem) return fail(problem);
      doneMs.push(performance.now() - sent);
    } else {
      doneMs.push(acked - sent);
    }
    ok += 1;
  };

  const worker = async () => {
    for (;;) {
      if (next >= count || performance.now() > deadline) return;
      const index = next;
      next += 1;
      await runOne(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const elapsedMs = performance.now() - started;
  lag.disable();
  return {
    count,
    ok,
    notRun: count - next,
    errors,
    problems,
    ackMs,
    doneMs,
    elapsedMs,
    // The histogram records whole timer intervals: the delay is what exceeds the resolution.
    generatorLagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - lagResolutionMs),
  };
}

/** Nearest-rank percentile of unsorted samples (NaN when there are none). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** What the untimed background requests of a run came to. */
export interface BackgroundTally {
  sent: number;
  /** Not acked 200 as expected (including no answer within the sender's timeout). */
  failed: number;
  problems: Record<string, number>;
}

/**
 * Sends untimed requests alongside the measured ones: `workers` in flight at most, each pausing
 * `pauseMs` between two, until `stop`. `take` returns the tally since the last `take` (a request
 * counts as sent when it starts).
 */
export function startBackground(options: {
  sender: SlackSender;
  workers: number;
  pauseMs: number;
  operation: () => Operation;
}): { take(): BackgroundTally; stop(): void } {
  let running = true;
  let tally: BackgroundTally = { sent: 0, failed: 0, problems: {} };
  const fail = (problem: string) => {
    tally.failed += 1;
    const key = shortProblem(problem);
    if (key in tally.problems || Object.keys(tally.problems).length < 3)
      tally.problems[key] = (tally.problems[key] ?? 0) + 1;
  };
  const worker = async () => {
    while (running) {
      const op = options.operation();
      tally.sent += 1;
      try {
        const answer = await options.sender.post(op.body, op.contentType);
        const problem =
          answer.status === 200
            ? (op.checkAck?.(answer.status, answer.body) ?? null)
            : `HTTP ${answer.status}`;
        if (problem) fail(problem);
      } catch (error) {
        fail(`request failed: ${(error as Error).message}`);
      }
      if (running) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  for (let i = 0; i < options.workers; i += 1) void worker();
  return {
    take() {
      const done = tally;
      tally = { sent: 0, failed: 0, problems: {} };
      return done;
    },
    stop() {
      running = false;
    },
  };
}
