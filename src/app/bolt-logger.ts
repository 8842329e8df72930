import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../logging/logger.js";
import { scrub } from "../logging/redact.js";

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
