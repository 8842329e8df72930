import { type Currency, formatMoney } from "../money/currency.js";
import type { PoolStatus } from "../pool/credit-pool.js";
import type { SlackMessage } from "./message.js";
import { code, type Mrkdwn, md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** A 20-character bar: granted (filled) out of the total. */
export function poolGauge(pool: PoolStatus): Mrkdwn {
  const width = 20;
  const filled = pool.total === 0 ? 0 : Math.round((pool.granted / pool.total) * width);
  return code(`${"█".repeat(filled)}${"░".repeat(width - filled)}`);
}

export function buildPoolStatus(pool: PoolStatus, currency: Currency, note?: Mrkdwn): SlackMessage {
  const money = (value: number) => formatMoney(value, currency);
  return {
    text: md`Credit pool: ${money(pool.left)} left of ${money(pool.total)}`,
    blocks: [
      ...(note ? [{ type: "section" as const, text: mrkdwn(note) }] : []),
      { type: "header", text: plain("Platform credit pool") },
      {
        type: "section",
        fields: [
          mrkdwn(md`*Total*\n${money(pool.total)}`),
          mrkdwn(md`*Granted*\n${money(pool.granted)}`),
          mrkdwn(md`*Left*\n${money(pool.left)}`),
          mrkdwn(md`*Requested, pending*\n${money(pool.pending)}`),
        ],
      },
      {
        type: "context",
        elements: [
          mrkdwn(
            md`${poolGauge(pool)} granted of total. Only admins change the total: \`/customer pool set N\`.`,
          ),
        ],
      },
    ],
  };
}
