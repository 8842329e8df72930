/** Test commands, as mongod has them with `enableTestCommands=1`: configureFailPoint, killAllSessions. */
import type { Document } from "bson";
import { requireAdmin } from "./arguments.js";
import type { CommandContext, CommandDefinition } from "./types.js";

export const testingCommands: Record<string, CommandDefinition> = {
  configureFailPoint: {
    options: ["mode", "data"],
    run: (command: Document, context: CommandContext) => {
      requireAdmin(context.dbName, "configureFailPoint");
      return context.failPoints.configure(command);
    },
  },
  killAllSessions: {
    options: "any",
    run: (_command: Document, context: CommandContext) => {
      context.transactions.abortAll();
      return { ok: 1 };
    },
  },
};
