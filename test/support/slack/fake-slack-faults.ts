/**
 * Faults the fake Slack API injects: rules saying which calls (method, optional channel, how often,
 * how many) get what (429, HTTP error, platform error, a hang or a delay). Deterministic by design:
 * the same calls in the same order are always hit the same way.
 */

/** What happens to a call a rule hits. */
export type Fault =
  /** HTTP 429 `{ok:false, error:"ratelimited"}` with a `Retry-After` header, like Slack. */
  | { kind: "ratelimited"; retryAfterSeconds: number }
  /** That HTTP status with a plain-text body. */
  | { kind: "http"; status: number }
  /** `{ok:false, error}` with HTTP 200 (HTTP 404 on a response_url, like an expired one). */
  | { kind: "error"; error: string }
  /**
   * No answer until the rule is cleared; then the call is dropped (connection closed, never
   * processed) or, with `onClear: "answer"`, processed and answered then.
   */
  | { kind: "hang"; onClear?: "drop" | "answer" }
  /** Processed and answered after `ms`, even if the client has given up by then. */
  | { kind: "delay"; ms: number };

/**
 * Which of the calls a rule matches it hits, counting matching calls from 1. A call hit by an
 * earlier rule is not counted by later ones.
 */
export type FaultSchedule =
  /** Calls every, 2×every, 3×every, … */
  | { every: number }
  /** Exactly these calls. */
  | { calls: readonly number[] }
  /** Each call with this probability, drawn from a PRNG seeded with `seed`. */
  | { probability: number; seed: number };

export interface FaultRule {
  /** A Web API method, or "response_url" for posts to any response_url. */
  method: string;
  /** Only calls whose `channel` argument is this (never matches a response_url post). */
  channel?: string;
  /** Default: every matching call. */
  when?: FaultSchedule;
  /** The rule expires after hitting this many calls. Default: it lasts until cleared. */
  times?: number;
  fault: Fault;
}

export interface FaultHandle {
  /** How many calls the rule has hit so far. */
  readonly hits: number;
  /** Ends the rule and releases the calls it holds hung. */
  clear(): void;
}

/** A call a rule hit: the fault to apply, and where to leave a hung call's release. */
export interface FaultHit {
  fault: Fault;
  untilCleared(release: () => void): void;
}

/** The older one-fault-per-call form, kept for `failNext`. */
export type ScriptedFailure =
  | { error: "ratelimited"; retryAfterSeconds: number }
  | { error: string; retryAfterSeconds?: undefined }
  | { httpStatus: number };

export function faultOf(failure: ScriptedFailure): Fault {
  if ("httpStatus" in failure) return { kind: "http", status: failure.httpStatus };
  if (failure.retryAfterSeconds !== undefined) {
    return { kind: "ratelimited", retryAfterSeconds: failure.retryAfterSeconds };
  }
  return { kind: "error", error: failure.error };
}

interface RuleState {
  rule: FaultRule;
  hitsCall: (n: number) => boolean;
  seen: number;
  hits: number;
  /** Expired by `times` or cleared: hits no more calls. */
  done: boolean;
  held: (() => void)[];
}

export class FaultRules {
  /** In the order added; expired rules stay until cleared, holding their hung calls. */
  private rules: RuleState[] = [];

  add(rule: FaultRule): FaultHandle {
    checkRule(rule);
    const entry: RuleState = {
      rule,
      hitsCall: scheduleOf(rule.when),
      seen: 0,
      hits: 0,
      done: false,
      held: [],
    };
    this.rules.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      clear: () => {
        this.rules = this.rules.filter((e) => e !== entry);
        release(entry);
      },
    };
  }

  /** Counts the call against the matching rules, in order, until one hits it; returns that hit. */
  hitFor(method: string, channel: string | undefined): FaultHit | undefined {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (entry.done || rule.method !== method) continue;
      if (rule.channel !== undefined && rule.channel !== channel) continue;
      entry.seen += 1;
      if (!entry.hitsCall(entry.seen)) continue;
      entry.hits += 1;
      entry.done = entry.hits === rule.times;
      return { fault: rule.fault, untilCleared: (release) => entry.held.push(release) };
    }
    return undefined;
  }

  /** Ends every rule, releasing the calls they hold. */
  clear(): void {
    const cleared = this.rules;
    this.rules = [];
    for (const entry of cleared) release(entry);
  }
}

function release(entry: RuleState): void {
  entry.done = true;
  for (const releaseCall of entry.held.splice(0)) releaseCall();
}

function scheduleOf(when: FaultSchedule | undefined): (n: number) => boolean {
  if (when === undefined) return () => true;
  if ("every" in when) return (n) => n % when.every === 0;
  if ("calls" in when) {
    const calls = new Set(when.calls);
    return (n) => calls.has(n);
  }
  const next = mulberry32(when.seed);
  return () => next() < when.probability;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkRule(rule: FaultRule): void {
  const problem = ruleProblem(rule);
  if (problem) throw new Error(`fake Slack API: bad fault rule for ${rule.method}: ${problem}`);
}

function ruleProblem({ when, times, fault }: FaultRule): string | undefined {
  if (times !== undefined && !isPositiveInteger(times)) return "times must be a positive integer";
  if (when && "every" in when && !isPositiveInteger(when.every)) {
    return "every must be a positive integer";
  }
  if (when && "calls" in when && !when.calls.every(isPositiveInteger)) {
    return "calls are counted from 1";
  }
  if (when && "probability" in when && !(when.probability >= 0 && when.probability <= 1)) {
    return "probability must be between 0 and 1";
  }
  if (
    fault.kind === "ratelimited" &&
    !(Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds >= 0)
  ) {
    return "retryAfterSeconds must be a whole number of seconds, 0 or more";
  }
  if (fault.kind === "delay" && !(fault.ms >= 0)) return "ms must be 0 or more";
  return undefined;
}

function isPositiveInteger(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}
