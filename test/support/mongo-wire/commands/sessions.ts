/** commitTransaction, abortTransaction, endSessions. */
import type { Document } from "bson";
import { badValue } from "../errors.js";
import { sessionKey } from "../transactions.js";
import { requireAdmin, requiredArray } from "./arguments.js";
import type { CommandContext, CommandDefinition } from "./types.js";

function transactionOf(context: CommandContext, name: string): { lsid: string; txnNumber: number } {
  requireAdmin(context.dbName, name);
  if (context.lsid === undefined || context.txnNumber === undefined) {
    throw badValue(`${name} requires lsid and txnNumber`);
  }
  return { lsid: context.lsid, txnNumber: context.txnNumber };
}

export const sessionCommands: Record<string, CommandDefinition> = {
  commitTransaction: {
    options: ["recoveryToken"],
    controlsTransaction: true,
    run: (_command, context) => {
      const { lsid, txnNumber } = transactionOf(context, "commitTransaction");
      context.transactions.commit(lsid, txnNumber);
      return { ok: 1 };
    },
  },
  abortTransaction: {
    options: ["recoveryToken"],
    controlsTransaction: true,
    run: (_command, context) => {
      const { lsid, txnNumber } = transactionOf(context, "abortTransaction");
      context.transactions.abort(lsid, txnNumber);
      return { ok: 1 };
    },
  },
  endSessions: {
    options: [],
    run: (command: Document, context) => {
      context.transactions.endSessions(requiredArray(command, "endSessions").map(sessionKey));
      return { ok: 1 };
    },
  },
};
