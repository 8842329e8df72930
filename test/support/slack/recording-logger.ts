/** A Slack SDK logger that keeps lines in memory, to keep test output quiet and assert on logs. */
import { type Logger, LogLevel } from "@slack/web-api";

export interface LogLine {
  level: LogLevel;
  message: string;
}

export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** Messages logged at the given levels. */
  messages(...levels: LogLevel[]): string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: LogLine[] = [];
  let level = LogLevel.DEBUG;
  const log =
    (at: LogLevel) =>
    (...msg: unknown[]) => {
      lines.push({ level: at, message: msg.map(String).join(" ") });
    };
  return {
    lines,
    messages: (...levels) => lines.filter((l) => levels.includes(l.level)).map((l) => l.message),
    debug: log(LogLevel.DEBUG),
    info: log(LogLevel.INFO),
    warn: log(LogLevel.WARN),
    error: log(LogLevel.ERROR),
    setLevel: (newLevel) => {
      level = newLevel;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
