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
        // A first-argument object is scrubbed by `formatters.log` (an Error there must stay an Error for
        // pino); the message and the values for its placeholders (`%s`, `%o`) are scrubbed here.
        method.apply(
          this,
          args.map((arg, index) => (index > 0 || typeof arg === "string" ? scrub(arg) : arg)),
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
