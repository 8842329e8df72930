import { z } from "zod";
import { amountSchema } from "../money/amount.js";
import { currencyOf, isKnownCurrency } from "../money/currency.js";
import { parseDuration } from "./duration.js";

const slackIds = (prefixes: string) =>
  z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.every((id) => new RegExp(`^[${prefixes}][A-Z0-9]{2,}$`).test(id)), {
      message: `a comma-separated list of Slack IDs starting with ${prefixes.split("").join(" or ")}`,
    });

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null) {
        ctx.addIssue({ code: "custom", message: "a duration such as 90s, 15m, 24h or 7d" });
        return z.NEVER;
      }
      return ms;
    });

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const optionalChannel = optionalText.refine(
  (v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v),
  {
    message: "a Slack channel ID such as C0123456789 (or leave it unset)",
  },
);

/** Every environment variable the app reads, with what it should be. */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "a bot token starting with xoxb-"),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xapp-"), {
    message: "an app-level token starting with xapp- (or leave it unset for HTTP mode)",
  }),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), {
    message: "an http(s) URL such as https://slack.com/api/",
  }),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: optionalText.refine((v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v), {
    message: "a MongoDB connection string starting with mongodb:// or mongodb+srv://",
  }),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, "a database name of letters, digits, - and _")
    .default("customer_bot"),
  EMBEDDED_MONGODB_DIR: z.string().min(1).default(".data/mongodb"),
  CURRENCY: z
    .string()
    .default("USD")
    .transform((code) => code.trim().toUpperCase())
    .refine(isKnownCurrency, { message: "an ISO 4217 currency code such as USD, EUR or JPY" }),
  BALANCE_APPROVAL_LIMIT: z.string().default("500"),
  DUAL_APPROVAL_LIMIT: z.string().default("5000"),
  APPROVAL_TTL: duration("24h"),
  APPROVALS_CHANNEL_ID: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, "a Slack channel ID such as C0123456789"),
  AUDIT_CHANNEL_ID: optionalChannel,
  LOW_BALANCE_THRESHOLD: optionalText,
  ALERTS_CHANNEL_ID: optionalChannel,
  CONSOLE_BASE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, "the console's base URL, e.g. https://console.example.com"),
  INVITE_TTL: duration("7d"),
  PASSWORD_CONFIRM_TTL: duration("15m"),
  SUPPORT_USER_IDS: slackIds("UW"),
  SUPPORT_USERGROUP_IDS: slackIds("S"),
  MANAGER_USER_IDS: slackIds("UW"),
  MANAGER_USERGROUP_IDS: slackIds("S"),
  ADMIN_USER_IDS: slackIds("UW"),
  ADMIN_USERGROUP_IDS: slackIds("S"),
  ROLE_CACHE_TTL: duration("60s"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: flag,
  SHUTDOWN_TIMEOUT: duration("10s"),
});

const roleVariables = [
  "SUPPORT_USER_IDS",
  "SUPPORT_USERGROUP_IDS",
  "MANAGER_USER_IDS",
  "MANAGER_USERGROUP_IDS",
  "ADMIN_USER_IDS",
  "ADMIN_USERGROUP_IDS",
] as const;

/** Rules across variables, checked on the raw values so they are reported with the others. */
function crossVariableProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push(
      "SLACK_SIGNING_SECRET is missing: set it to the app's Signing Secret (Basic Information → App Credentials); it is required in HTTP mode (without SLACK_APP_TOKEN)",
    );
  }
  if (roleVariables.every((name) => !env[name]?.trim())) {
    problems.push(
      "ADMIN_USER_IDS is missing: set it (or another role variable) to at least one user or user group, e.g. ADMIN_USER_IDS=U0123456789; otherwise nobody can use the bot",
    );
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        "The bot is not configured correctly. Fix these environment variables (in .env or the environment):",
        ...problems.map((problem) => `  - ${problem}`),
        "See .env.example for every variable, and README.md (“Create the Slack app”) for where the Slack values come from.",
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * The configuration the app runs with, made from a valid environment. The approval limits and the
 * low-balance threshold are read in the configured currency, so they can only be checked here.
 */
const configFromEnv = z.transform((env: z.output<typeof envSchema>, ctx) => {
  const currency = currencyOf(env.CURRENCY);
  /** A positive amount in the platform currency, or an issue naming `variable`. */
  const positiveAmount = (variable: string, text: string, example: string) => {
    const amount = amountSchema(currency).safeParse(text);
    if (amount.success && amount.data.sign !== "-") return amount.data.minorUnits;
    ctx.addIssue({
      code: "custom",
      path: [variable],
      message: `a positive amount in ${currency.code}, e.g. ${example} (${amount.success ? "it is negative" : amount.error.issues[0]?.message})`,
    });
    return null;
  };
  const limit = positiveAmount("BALANCE_APPROVAL_LIMIT", env.BALANCE_APPROVAL_LIMIT, "500");
  const dualApprovalLimit = positiveAmount("DUAL_APPROVAL_LIMIT", env.DUAL_APPROVAL_LIMIT, "5000");
  const lowBalanceThreshold =
    env.LOW_BALANCE_THRESHOLD === undefined
      ? undefined
      : positiveAmount("LOW_BALANCE_THRESHOLD", env.LOW_BALANCE_THRESHOLD, "100");
  if (limit === null || dualApprovalLimit === null || lowBalanceThreshold === null) return z.NEVER;
  return {
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
    },
    port: env.PORT,
    mongo: {
      uri: env.MONGODB_URI,
      dbName: env.MONGODB_DB,
      embeddedDir: env.EMBEDDED_MONGODB_DIR,
    },
    currency,
    balanceApprovalLimit: limit,
    dualApprovalLimit,
    lowBalanceThreshold,
    approvalTtlMs: env.APPROVAL_TTL,
    approvalsChannelId: env.APPROVALS_CHANNEL_ID,
    auditChannelId: env.AUDIT_CHANNEL_ID,
    alertsChannelId: env.ALERTS_CHANNEL_ID,
    consoleBaseUrl: env.CONSOLE_BASE_URL.replace(/\/+$/, ""),
    inviteTtlMs: env.INVITE_TTL,
    passwordConfirmTtlMs: env.PASSWORD_CONFIRM_TTL,
    roles: {
      support: { userIds: env.SUPPORT_USER_IDS, usergroupIds: env.SUPPORT_USERGROUP_IDS },
      manager: { userIds: env.MANAGER_USER_IDS, usergroupIds: env.MANAGER_USERGROUP_IDS },
      admin: { userIds: env.ADMIN_USER_IDS, usergroupIds: env.ADMIN_USERGROUP_IDS },
      cacheTtlMs: env.ROLE_CACHE_TTL,
    },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT,
  };
});

export type Config = z.output<typeof configFromEnv>;

/** Validates the environment into a Config, or throws a ConfigError listing every problem at once. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const env = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
  const result = envSchema.safeParse(env);
  const crossProblems = crossVariableProblems(env);
  if (!result.success || crossProblems.length > 0) {
    const fieldProblems = (result.error?.issues ?? []).map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const given = env[name];
      if (given === undefined)
        return `${name} is missing: set it to ${requiredHints[name] ?? describeExpected(issue)}`;
      return `${name} is invalid: it should be ${describeExpected(issue)}`;
    });
    throw new ConfigError([...fieldProblems, ...crossProblems]);
  }
  const config = configFromEnv.safeParse(result.data);
  if (!config.success) {
    throw new ConfigError(
      config.error.issues.map(
        (issue) => `${String(issue.path[0])} is invalid: it should be ${issue.message}`,
      ),
    );
  }
  return config.data;
}

const requiredHints: Record<string, string> = {
  SLACK_BOT_TOKEN: "the app's Bot User OAuth Token (OAuth & Permissions), starting with xoxb-",
  APPROVALS_CHANNEL_ID:
    "the ID of the channel where managers approve credit and balance changes, e.g. C0123456789",
  CONSOLE_BASE_URL: "the console's base URL used in invite links, e.g. https://console.example.com",
};

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return "a value (it is required)";
  if (issue.code === "invalid_value" && "values" in issue)
    return `one of ${issue.values.join(", ")}`;
  if (issue.code === "too_small" || issue.code === "too_big")
    return `a number ${issue.message.replace(/^Too (small|big): expected number to (be|have) /, "")}`;
  return issue.message;
}
