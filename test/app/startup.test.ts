import { describe, expect, it } from "vitest";
import { createBotApp } from "../../src/app/create-app.js";
import { loadConfig } from "../../src/config/env.js";
import { connectDatabase } from "../../src/db/mongo.js";
import { createLogger } from "../../src/logging/logger.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import { startFakeSlackApi } from "../support/slack/fake-slack-api.js";

const silent = createLogger({ level: "silent", pretty: false });

describe("start-up refusals", () => {
  it("a bot token Slack refuses stops start-up with a message saying what to fix", async () => {
    const slack = await startFakeSlackApi();
    const database = await openTestDatabase();
    try {
      slack.failNext("auth.test", { error: "invalid_auth" });
      const config = loadConfig({
        SLACK_BOT_TOKEN: "xoxb-revoked",
        SLACK_SIGNING_SECRET: "s",
        SLACK_API_URL: slack.apiUrl,
        PORT: "0",
        APPROVALS_CHANNEL_ID: "CAPPROVALS1",
        CONSOLE_BASE_URL: "https://console.example.test",
        ADMIN_USER_IDS: "UADMIN001",
      });
      const bot = createBotApp({ config, logger: silent, database });
      await expect(bot.start()).rejects.toThrow(
        /Slack refused SLACK_BOT_TOKEN \(invalid_auth\)\. Copy the Bot User OAuth Token/,
      );
      await bot.stop();
    } finally {
      await slack.stop();
      await database.drop();
    }
  });

  it("an unreachable MongoDB stops start-up with a message naming the server (and not its password)", async () => {
    await expect(
      connectDatabase({
        uri: "mongodb://bot:hunter2@127.0.0.1:1/?replicaSet=rs0",
        dbName: "x",
        logger: silent,
        serverSelectionTimeoutMS: 300,
      }),
    ).rejects.toThrow(
      /^Cannot reach MongoDB at mongodb:\/\/bot:\*\*\*@127\.0\.0\.1:1\/\?replicaSet=rs0: .*Check MONGODB_URI/,
    );
  });
});
