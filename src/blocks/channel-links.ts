import type { KnownBlock } from "@slack/types";
import type { LinkedChannel, LinkOutcome } from "../channels/channel-links.js";
import type { Customer } from "../customers/customer.js";
import type { Currency } from "../money/currency.js";
import { buildCustomerCard } from "./customer-card.js";
import { buildNotice, type SlackMessage } from "./message.js";
import { channelLink, clipped, type Mrkdwn, md, mention, slackDate } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

/** The customer as a message names it: account and internal ID. */
function named(customer: Customer): Mrkdwn {
  return md`*${clipped(customer.account, 120)}* (\`${customer.customerId}\`)`;
}

/** A linked customer, or the internal ID of one that no longer exists. */
function linkedTo(linked: LinkedChannel): Mrkdwn {
  return linked.customer
    ? named(linked.customer)
    : md`\`${linked.link.customerId}\` (no longer exists)`;
}

/** `/customer` alone in a linked channel: the same card as `/customer show REF`, and where the menu went. */
export function buildLinkedCustomerCard(customer: Customer, currency: Currency): SlackMessage {
  const card = buildCustomerCard(customer, currency);
  const hint: KnownBlock = {
    type: "context",
    elements: [
      mrkdwn(
        md`This channel is linked to ${named(customer)}. \`/customer help\` shows the menu; \`/customer unlink\` removes the link. Only you see this.`,
      ),
    ],
  };
  return { text: card.text, blocks: [...card.blocks, hint] };
}

/** `/customer` alone in a channel linked to a customer that has since disappeared. */
export function buildLinkedCustomerGone(customerId: string): SlackMessage {
  return buildNotice(
    md`:warning: This channel is linked to customer \`${customerId}\`, which no longer exists. \`/customer unlink\` removes the link; \`/customer help\` shows the menu.`,
  );
}

/** What `/customer link REF` did. */
export function buildLinkResult(channelId: string, outcome: LinkOutcome): SlackMessage {
  const channel = channelLink(channelId);
  if (outcome.kind === "already")
    return buildNotice(
      md`:link: ${channel} is already linked to ${named(outcome.customer)}; nothing was changed.`,
    );
  const before = outcome.replaced
    ? md` It was linked to ${linkedTo(outcome.replaced)} before; that link is replaced.`
    : md``;
  return buildNotice(
    md`:link: ${channel} is now linked to ${named(outcome.customer)}: \`/customer\` here shows its card.${before}`,
  );
}

/** What `/customer unlink` did. */
export function buildUnlinkResult(channelId: string, removed: LinkedChannel | null): SlackMessage {
  const channel = channelLink(channelId);
  if (!removed)
    return buildNotice(md`${channel} is not linked to a customer; nothing was changed.`);
  return buildNotice(
    md`:link: ${channel} is no longer linked to ${linkedTo(removed)}: \`/customer\` here shows the menu again.`,
  );
}

/** `/customer links`: the most recently linked channels, and whether there are more. */
export function buildLinkedChannels(list: {
  channels: LinkedChannel[];
  more: boolean;
}): SlackMessage {
  const { channels, more } = list;
  if (channels.length === 0)
    return buildNotice(
      md`No channel is linked to a customer yet. In a channel, \`/customer link REF\` links it.`,
    );
  const blocks: KnownBlock[] = [
    { type: "header", text: plain("Linked channels") },
    ...channels.map(
      (linked): KnownBlock => ({
        type: "section",
        text: mrkdwn(
          md`${channelLink(linked.link.channelId)} → ${linkedTo(linked)} · linked by ${mention(linked.link.linkedBy)} ${slackDate(linked.link.linkedAt)}`,
        ),
      }),
    ),
    {
      type: "context",
      elements: [
        mrkdwn(
          more
            ? md`The ${channels.length} most recently linked; there are more. In a channel, \`/customer\` shows its customer.`
            : md`In a linked channel, \`/customer\` shows its customer.`,
        ),
      ],
    },
  ];
  return { text: md`${channels.length}${more ? "+" : ""} linked channels`, blocks };
}
