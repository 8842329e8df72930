import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug", pretty: false, destination }) };
}

describe("logger redaction", () => {
  it("never writes tokens, secrets or anything named like a password, however nested", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        config: { slack: { botToken: "xoxb-123-456-secretvalue", signingSecret: "shh-signing" } },
        user: { password: "Hunter2Hunter2!", newPassword: "Other-Pass-99" },
        headers: { authorization: "Bearer xoxb-123-456-secretvalue" },
        passwordHash: "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA",
      },
      "starting with xapp-1-A0-123-abc and xoxb-9-9-zzz",
    );
    const output = lines.join("");
    for (const secret of [
      "secretvalue",
      "shh-signing",
      "Hunter2",
      "Other-Pass",
      "xapp-1",
      "xoxb-9",
      "aGFzaA",
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain("[redacted]");
  });

  it("keeps ordinary fields and error messages readable", () => {
    const { lines, logger } = capture();
    logger.error({ err: new Error("boom with xoxb-1-2-3"), customerId: "CUS-ABCDEFGH" }, "failed");
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line.customerId).toBe("CUS-ABCDEFGH");
    expect(line.err.message).toBe("boom with [redacted]");
    expect(line.msg).toBe("failed");
  });
});
