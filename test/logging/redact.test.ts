import { describe, expect, it } from "vitest";
import { captureLogs as capture } from "../support/log-capture.js";

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

describe("scrubbing by pattern at every depth", () => {
  const argon = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$QXJnb25IYXNoVmFsdWU";
  const scrypt = "$scrypt$ln=15,r=8,p=1$c2FsdA$U2NyeXB0SGFzaA";

  it("finds a password hash after a space, a quote or an equals sign, in messages and values", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        note: `stored ${argon}`,
        quoted: `'${scrypt}'`,
        json: `{"h":"${scrypt}"}`,
        eq: `h=${argon}`,
      },
      `the hash is ${argon} (was "${scrypt}")`,
    );
    const output = lines.join("");
    expect(output).not.toContain("QXJnb25IYXNoVmFsdWU");
    expect(output).not.toContain("U2NyeXB0SGFzaA");
    expect(JSON.parse(output).msg).toBe('the hash is [redacted] (was "[redacted]")');
  });

  it("redacts a password and a token nested 10 and 200 objects deep", () => {
    const { lines, logger } = capture();
    const nest = (depth: number, inner: Record<string, unknown>) => {
      let value: Record<string, unknown> = inner;
      for (let level = 0; level < depth; level += 1) value = { level: [value] };
      return value;
    };
    logger.info({
      ten: nest(10, { password: "Hunter2Hunter2!", note: "xoxb-1-2-deeptoken" }),
      deep: nest(200, { password: "Very-Deep-Pass-1", note: `hash ${scrypt}` }),
    });
    const output = lines.join("");
    for (const secret of ["Hunter2", "deeptoken", "Very-Deep-Pass", "U2NyeXB0SGFzaA"]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('"password":"[redacted]"');
    expect(output).toContain("[redacted: too deep]");
  });

  it("logs an object that refers to itself without failing and without its secrets", () => {
    const { lines, logger } = capture();
    const looped: Record<string, unknown> = { password: "Looped-Pass-1", note: "xoxp-9-9-looped" };
    looped.self = looped;
    logger.info({ looped });
    const output = lines.join("");
    expect(output).not.toContain("Looped-Pass");
    expect(JSON.parse(output).looped.self).toBe("[circular]");
    expect(output).not.toContain("xoxp-9-9-looped");
  });

  it("scrubs objects and text given to a message's placeholders", () => {
    const { lines, logger } = capture();
    logger.info("user %o said %s", { password: "Placeholder-Pass-1" }, `here ${argon}`);
    const output = lines.join("");
    expect(output).not.toContain("Placeholder-Pass");
    expect(output).not.toContain("QXJnb25IYXNoVmFsdWU");
  });
});
