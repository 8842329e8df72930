import { Writable } from "node:stream";
import { createLogger } from "../../src/logging/logger.js";

/** The app's logger at debug level, writing its JSON lines (one string each) to `lines`. */
export function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug", pretty: false, destination }) };
}
