import type { ChainBreak } from "../integrity/chain-walk.js";
import type { LedgerVerification } from "../integrity/verify-ledger.js";
import { type Currency, formatMoney } from "../money/currency.js";
import type { SlackMessage } from "./message.js";
import { clip, code, joinMd, type Mrkdwn, md, slackDate } from "./mrkdwn.js";
import { mrkdwn } from "./text.js";

const count = (n: number) => n.toLocaleString("en-US");

function describeBreak(found: ChainBreak): Mrkdwn {
  const place = [
    ...(found.seq === null ? [] : [md`seq ${found.seq}`]),
    ...(found.id === null ? [] : [code(found.id)]),
    ...(found.at === null ? [] : [slackDate(found.at)]),
  ];
  const where = place.length > 0 ? md`${joinMd(place, md` · `)} — ` : md``;
  return md`• ${where}${clip(found.what, 250)}`;
}

/** The answer to `/customer verify REF`: intact with the figures it checked, or the breaks found. */
export function buildLedgerVerification(
  account: string,
  found: LedgerVerification,
  currency: Currency,
): SlackMessage {
  const who = md`*${clip(account, 80)}*`;
  const notes = [
    ...(found.unchained > 0
      ? [
          md`${count(found.unchained)} older entries were written before chaining: only their sums are checked.`,
        ]
      : []),
    ...(found.totalsCounted
      ? []
      : [
          md`Lifetime totals were never counted from the ledger (\`npm run reindex\` counts them).`,
        ]),
  ];
  const older = notes.length > 0 ? md`\n${joinMd(notes)}` : md``;
  const text =
    found.totalBreaks === 0
      ? md`:white_check_mark: Verified ${who}: ${count(found.chained)} entries, chain intact, sums match balance ${formatMoney(found.balance, currency)} and credits ${formatMoney(found.credits, currency)}.${older}`
      : md`:x: ${who}: the ledger does not verify — ${count(found.totalBreaks)} ${found.totalBreaks === 1 ? "problem" : "problems"} in ${count(found.chained)} chained entries:\n${joinMd(found.breaks.map(describeBreak))}${found.totalBreaks > found.breaks.length ? md`\n…and ${count(found.totalBreaks - found.breaks.length)} more (\`npm run verify\` lists them all).` : md``}${older}`;
  return { text, blocks: [{ type: "section", text: mrkdwn(text) }] };
}
