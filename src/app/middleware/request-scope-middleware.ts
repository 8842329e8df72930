import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "../../logging/logger.js";
import type { InFlight } from "../in-flight.js";
import { describeRequest, newRequestId, type RequestScope } from "../request-scope.js";

/** First middleware: a request ID, a child logger, and in-flight tracking for graceful shutdown. */
export function requestScopeMiddleware(
  logger: Logger,
  inFlight: InFlight,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const { userId, kind, name } = describeRequest(body as unknown as Record<string, unknown>);
    const requestId = newRequestId();
    const retryNum = typeof context.retryNum === "number" ? context.retryNum : undefined;
    const log = logger.child({
      requestId,
      user: userId,
      kind,
      name,
      ...(retryNum ? { retryNum } : {}),
    });
    const scope: RequestScope = { requestId, log, userId, role: null, retryNum };
    context.scope = scope;
    const started = performance.now();
    await inFlight.track(next());
    log.debug({ ms: Math.round(performance.now() - started) }, "request handled");
  };
}
