import { type Currency, formatMoney } from "../money/currency.js";
import type { PoolStatus } from "../pool/credit-pool.js";
import type { SlackMessage } from "./message.js";
import { mrkdwn, plain } from "./text.js";

/** A 20-character bar: granted (filled) out of the total. */
export function poolGauge(pool: PoolStatus): string {
  const width = 20;
  const filled = pool.total === 0 ? 0 : Math.round((pool.granted / pool.total) * width);
  return `\`${"█".repeat(filled)}${"░".repeat(width - filled)}\``;
}

export function buildPoolStatus(pool: PoolStatus, currency: Currency, note?: string): SlackMessage {
  const money = (value: number) => formatMoney(value, currency);
  return {
    text: `Credit pool: ${money(pool.left)} left of ${money(pool.total)}`,
    blocks: [
      ...(note ? [{ type: "section" as const, text: mrkdwn(note) }] : []),
      { type: "header", text: plain("Platform credit pool") },
      {
        type: "section",
        fields: [
          mrkdwn(`*Total*\n${money(pool.total)}`),
          mrkdwn(`*Granted*\n${money(pool.granted)}`),
          mrkdwn(`*Left*\n${money(pool.left)}`),
          mrkdwn(`*Requested, pending*\n${money(pool.pending)}`),
        ],
      },
      {
        type: "context",
        elements: [
          mrkdwn(
            `${poolGauge(pool)} granted of total. Only admins change the total: \`/customer pool set N\`.`,
          ),
        ],
      },
    ],
  };
}
