import { type Currency, formatMoney } from "../money/currency.js";
import type { LowBalance } from "../outbox/owed.js";
import { code, type Mrkdwn, md, mention } from "./mrkdwn.js";

/** The alerts channel's line: whose balance fell below LOW_BALANCE_THRESHOLD, to what, after which change. */
export function buildLowBalanceAlert(alert: LowBalance, currency: Currency): { text: Mrkdwn } {
  const money = (value: number) => formatMoney(value, currency);
  const change = md`${alert.amount < 0 ? "a deduction" : "a refill"} of ${money(Math.abs(alert.amount))}`;
  const approved = alert.approvedBy ? md`, approved by ${mention(alert.approvedBy)}` : md``;
  return {
    text: md`:warning: Low balance: *${alert.account}* (${code(alert.customerId)}) fell to *${money(alert.balance)}* (below ${money(alert.threshold)}) after ${change} by ${mention(alert.requestedBy)}${approved}`,
  };
}
