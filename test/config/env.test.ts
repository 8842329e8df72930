import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

const valid = {
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "secret",
  APPROVALS_CHANNEL_ID: "C0123456",
  CONSOLE_BASE_URL: "https://console.example.com/",
  ADMIN_USER_IDS: "U0ADMIN1",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults to a minimal HTTP-mode environment", () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(3000);
    expect(config.currency).toEqual({ code: "USD", digits: 2 });
    expect(config.balanceApprovalLimit).toBe(50_000);
    expect(config.approvalTtlMs).toBe(24 * 3600 * 1000);
    expect(config.inviteTtlMs).toBe(7 * 24 * 3600 * 1000);
    expect(config.consoleBaseUrl).toBe("https://console.example.com");
    expect(config.roles.admin.userIds).toEqual(["U0ADMIN1"]);
    expect(config.mongo.uri).toBeUndefined();
  });

  it("lists every missing variable at once, each saying what to set", () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SLACK_BOT_TOKEN is missing: set it to .*xoxb-/),
        expect.stringMatching(/^APPROVALS_CHANNEL_ID is missing: set it to .*channel/),
        expect.stringMatching(/^CONSOLE_BASE_URL is missing/),
        expect.stringMatching(/^SLACK_SIGNING_SECRET is missing: .*Signing Secret/),
        expect.stringMatching(/^ADMIN_USER_IDS is missing: .*at least one user/),
      ]),
    );
  });

  it("explains malformed values instead of starting half-configured", () => {
    const problems = problemsOf({
      ...valid,
      SLACK_BOT_TOKEN: "xoxp-user-token",
      PORT: "http",
      CURRENCY: "DOLLARS",
      APPROVAL_TTL: "tomorrow",
      SUPPORT_USER_IDS: "alice,U0OK",
      MONGODB_URI: "localhost:27017",
    });
    expect(problems).toEqual([
      "SLACK_BOT_TOKEN is invalid: it should be a bot token starting with xoxb-",
      expect.stringMatching(/^PORT is invalid/),
      expect.stringMatching(/^MONGODB_URI is invalid: it should be a MongoDB connection string/),
      "CURRENCY is invalid: it should be an ISO 4217 currency code such as USD, EUR or JPY",
      "APPROVAL_TTL is invalid: it should be a duration such as 90s, 15m, 24h or 7d",
      expect.stringMatching(
        /^SUPPORT_USER_IDS is invalid: it should be a comma-separated list of Slack IDs/,
      ),
    ]);
  });

  it("the error message is one readable block naming each variable", () => {
    expect(() => loadConfig({ ...valid, SLACK_BOT_TOKEN: undefined })).toThrow(
      /not configured correctly[\s\S]*- SLACK_BOT_TOKEN is missing[\s\S]*\.env\.example/,
    );
  });

  it("Socket Mode needs no signing secret", () => {
    const config = loadConfig({
      ...valid,
      SLACK_SIGNING_SECRET: "",
      SLACK_APP_TOKEN: "xapp-1-A-1-abc",
    });
    expect(config.slack.appToken).toBe("xapp-1-A-1-abc");
  });

  it("reads the approval limit in the configured currency's units", () => {
    expect(
      loadConfig({ ...valid, CURRENCY: "jpy", BALANCE_APPROVAL_LIMIT: "50,000" })
        .balanceApprovalLimit,
    ).toBe(50_000);
    expect(problemsOf({ ...valid, BALANCE_APPROVAL_LIMIT: "-5" })[0]).toMatch(
      /^BALANCE_APPROVAL_LIMIT is invalid/,
    );
  });

  it("reads the two-approver limit the same way: $5,000 by default, refused at startup naming it when invalid", () => {
    expect(loadConfig(valid).dualApprovalLimit).toBe(500_000);
    expect(
      loadConfig({ ...valid, CURRENCY: "jpy", DUAL_APPROVAL_LIMIT: "500,000" }).dualApprovalLimit,
    ).toBe(500_000);
    for (const bad of ["-1", "lots", "5.001"])
      expect(problemsOf({ ...valid, DUAL_APPROVAL_LIMIT: bad })).toEqual([
        expect.stringMatching(
          /^DUAL_APPROVAL_LIMIT is invalid: it should be a positive amount in USD/,
        ),
      ]);
  });
});

describe("low-balance alerts' settings", () => {
  it("are optional: unset, nothing is watched", () => {
    const config = loadConfig(valid);
    expect(config.lowBalanceThreshold).toBeUndefined();
    expect(config.alertsChannelId).toBeUndefined();
  });

  it("read the threshold in the configured currency's units, and the alerts channel as a channel ID", () => {
    const config = loadConfig({
      ...valid,
      LOW_BALANCE_THRESHOLD: "$1,250.50",
      ALERTS_CHANNEL_ID: "CALERTS01",
    });
    expect(config.lowBalanceThreshold).toBe(125_050);
    expect(config.alertsChannelId).toBe("CALERTS01");
    expect(
      loadConfig({ ...valid, CURRENCY: "JPY", LOW_BALANCE_THRESHOLD: "5000" }).lowBalanceThreshold,
    ).toBe(5000);
  });

  it.each([
    ["-5", "it is negative"],
    ["0", "more than zero"],
    ["lots", "is not an amount"],
    ["10.005", "too many decimals"],
    ["EUR 100", "EUR"],
  ])("refuse LOW_BALANCE_THRESHOLD=%j, naming the variable and what it should be", (value, why) => {
    const [problem, ...others] = problemsOf({ ...valid, LOW_BALANCE_THRESHOLD: value });
    expect(problem).toMatch(
      /^LOW_BALANCE_THRESHOLD is invalid: it should be a positive amount in USD, e\.g\. 100 \(/,
    );
    expect(problem).toContain(why);
    expect(others).toEqual([]);
  });

  it("refuse an ALERTS_CHANNEL_ID that is not a channel ID, like AUDIT_CHANNEL_ID", () => {
    expect(
      problemsOf({ ...valid, ALERTS_CHANNEL_ID: "#alerts", AUDIT_CHANNEL_ID: "U0123" }),
    ).toEqual([
      "AUDIT_CHANNEL_ID is invalid: it should be a Slack channel ID such as C0123456789 (or leave it unset)",
      "ALERTS_CHANNEL_ID is invalid: it should be a Slack channel ID such as C0123456789 (or leave it unset)",
    ]);
  });

  it("an invalid threshold and an invalid approval limit are reported together", () => {
    expect(
      problemsOf({ ...valid, BALANCE_APPROVAL_LIMIT: "x", LOW_BALANCE_THRESHOLD: "-1" }).map(
        (problem) => problem.split(" ")[0],
      ),
    ).toEqual(["BALANCE_APPROVAL_LIMIT", "LOW_BALANCE_THRESHOLD"]);
  });

  it("npm start refuses to start with an invalid threshold, saying which variable to fix", async () => {
    const { execFile } = await import("node:child_process");
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/main.ts"],
        {
          cwd: process.cwd(),
          env: { PATH: process.env.PATH, ...valid, LOW_BALANCE_THRESHOLD: "a lot" },
          timeout: 30_000,
        },
        (error, _stdout, stderr) =>
          resolve({ code: typeof error?.code === "number" ? error.code : 0, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not configured correctly");
    expect(run.stderr).toContain(
      "LOW_BALANCE_THRESHOLD is invalid: it should be a positive amount in USD",
    );
  });
});

describe(".env.example", () => {
  it("documents exactly the variables the app reads, each marked Required or Optional", async () => {
    const { readFile } = await import("node:fs/promises");
    const { envSchema } = await import("../../src/config/env.js");
    const text = await readFile(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = [...text.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
    const comments = text.split("\n").filter((line) => line.startsWith("#"));
    expect(comments.filter((line) => /# (Required|Optional)\b/.test(line)).length).toBeGreaterThan(
      15,
    );
  });
});
