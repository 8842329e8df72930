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

const bodyNotLogged = "[body not logged]";

/**
 * The lines in which Bolt 5, @slack/socket-mode and @slack/web-api write a whole request or response
 * body at debug level (a DM offering a password, a modal's values, a message being posted): the part
 * before the body is kept, the body is not. Bolt's developer mode writes a body on its own (`{…}`).
 */
const bodyBearing: RegExp[] = [
  /^()[{[]/,
  /^(Received a message on the WebSocket: )/,
  /^(Unable to parse an incoming WebSocket message \(will ignore\): )/,
  /^(Sending a WebSocket message: )/,
  /^(Calling ack\(\) - type: [^,]*, envelope_id: [^,]*, data: )/,
  /^(ack\(\) [a-z ]+ \(body: )/,
  /^(http request (?:body|result): )/,
  /^(AWS event: )/,
];

function withoutBody(line: string): string {
  for (const pattern of bodyBearing) {
    const match = pattern.exec(line);
    if (!match) continue;
    const prefix = match[1] ?? "";
    return `${prefix}${bodyNotLogged}${prefix.endsWith("(body: ") ? ")" : ""}`;
  }
  return line;
}

/**
 * Bolt's logger interface, written through pino so Bolt's own lines are JSON and scrubbed too, and
 * without the request and response bodies Bolt and its clients log.
 */
export function boltLoggerFrom(logger: Logger): BoltLogger {
  const bolt = logger.child({ component: "bolt" });
  // Bolt writes two debug lines per ack: a line is scrubbed and stripped only if it is written.
  const write = (level: "debug" | "info" | "warn" | "error", parts: unknown[]) => {
    if (bolt.isLevelEnabled(level)) bolt[level](withoutBody(parts.map(describePart).join(" ")));
  };
  return {
    debug: (...parts) => write("debug", parts),
    info: (...parts) => write("info", parts),
    warn: (...parts) => write("warn", parts),
    error: (...parts) => write("error", parts),
    setLevel: () => {},
    getLevel: () => boltLevels[logger.level] ?? LogLevel.INFO,
    setName: () => {},
  };
}
