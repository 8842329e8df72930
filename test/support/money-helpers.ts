import { collections } from "../../src/db/collections.js";
import type { Harness } from "./app-harness.js";
import type { RecordedCall } from "./slack/fake-slack-api.js";

/** A customer's stored balance and credits, and what their ledger entries add up to. */
export async function moneyOf(harness: Harness, customerId: string) {
  const customer = await harness.db.collection(collections.customers).findOne({ customerId });
  const entries = await harness.db
    .collection(collections.ledgerEntries)
    .find({ customerId })
    .toArray();
  const sum = (prefix: string) =>
    entries
      .filter((entry) => String(entry.kind).startsWith(prefix))
      .reduce((total, entry) => total + Number(entry.amount), 0);
  return {
    balance: Number(customer?.balance),
    credits: Number(customer?.credits),
    ledgerBalance: sum("balance."),
    ledgerCredits: sum("credits."),
    entries: entries.length,
  };
}

export async function poolOf(harness: Harness) {
  const pool = await harness.db
    .collection(collections.platform)
    .findOne({ _id: "credit_pool" as never });
  return { total: Number(pool?.total), granted: Number(pool?.granted), left: Number(pool?.left) };
}

/** The approval request the app posted to the approvals channel for a customer (waits for it). */
export function postedRequest(harness: Harness, account: string): Promise<RecordedCall> {
  return harness.slack.waitForCall(
    "chat.postMessage",
    (call) =>
      call.args.channel === harness.config.approvalsChannelId &&
      JSON.stringify(call.args.blocks).includes(account),
  );
}
