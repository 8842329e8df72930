import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { PostAckGate } from "../../listeners/post-ack-gate.js";
import {
  type AnswerOutcome,
  describeRequest,
  newRequestId,
  type RequestScope,
} from "../../listeners/request-scope.js";
import type { Logger } from "../../logging/logger.js";
import type { InFlight } from "../in-flight.js";

/**
 * First middleware: a request ID, a child logger (made when first used), in-flight tracking for graceful shutdown, the
 * gate that work after the ack goes through, the client that opens and updates modals, and where
 * answers are counted.
 */
export function requestScopeMiddleware(
  logger: Logger,
  inFlight: InFlight,
  afterAck: PostAckGate,
  modalClient: WebClient,
  countAnswer: (outcome: AnswerOutcome) => void,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const { userId, kind, name } = describeRequest(body as unknown as Record<string, unknown>);
    const requestId = newRequestId();
    const retryNum = typeof context.retryNum === "number" ? context.retryNum : undefined;
    const receivedAt = performance.now();
    // Most requests write no line of their own: the child logger is made on the first one.
    let log: Logger | undefined;
    const scope: RequestScope = {
      requestId,
      get log() {
        log ??= logger.child({
          requestId,
          user: userId,
          kind,
          name,
          ...(retryNum ? { retryNum } : {}),
        });
        return log;
      },
      userId,
      role: null,
      retryNum,
      afterAck,
      modalClient,
      receivedAt,
      countAnswer,
    };
    context.scope = scope;
    await inFlight.track(next());
    if (logger.isLevelEnabled("debug"))
      scope.log.debug({ ms: Math.round(performance.now() - receivedAt) }, "request handled");
  };
}
