import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { type Logger, pino } from "pino";
import { scrub } from "./redact.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to capture output. */
  destination?: NodeJS.WritableStream;
}

/** The root logger: JSON lines (pretty in dev), every object scrubbed of secrets before it is written. */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = {
    level: options.level,
    base: { service: "customer-bot" },
    formatters: {
      log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger["info"]>, method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === "string" ? scrub(arg) : arg)),
        );
      },
    },
    serializers: { err: (error: unknown) => scrub(error) },
  };
  if (options.pretty && !options.destination) {
    return pino({
      ...pinoOptions,
      transport: { target: "pino-pretty", options: { colorize: true } },
    });
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

function describePart(part: unknown): string {
  if (typeof part === "string") return scrub(part) as string;
  if (part instanceof Error) return `${part.name}: ${scrub(part.message)}`;
  return JSON.stringify(scrub(part));
}

const boltLevels: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Bolt's logger interface, written through pino so Bolt's own lines are JSON and scrubbed too. */
export function boltLoggerFrom(logger: Logger): BoltLogger {
  const bolt = logger.child({ component: "bolt" });
  const line = (parts: unknown[]) => parts.map(describePart).join(" ");
  return {
    debug: (...parts) => bolt.debug(line(parts)),
    info: (...parts) => bolt.info(line(parts)),
    warn: (...parts) => bolt.warn(line(parts)),
    error: (...parts) => bolt.error(line(parts)),
    setLevel: () => {},
    getLevel: () => boltLevels[logger.level] ?? LogLevel.INFO,
    setName: () => {},
  };
}
