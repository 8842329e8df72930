import { actionIds } from "./action-ids.js";
import type { SlackMessage } from "./message.js";
import { joinMd, md } from "./mrkdwn.js";
import { quickActions } from "./quick-actions.js";
import { mrkdwn, plain } from "./text.js";

const commandGrammar = joinMd([
  md`\`/customer list [text] [type:default|individual|enterprise] [status:on|off] [tag:T]\``,
  md`\`/customer show REF\` or just \`/customer REF\` (REF = account, internal ID, or text matching one customer)`,
  md`\`/customer create\` · \`/customer edit REF\` · \`/customer invite [email]\` · \`/customer invites\``,
  md`\`/customer balance REF +N|-N reason…\` · \`/customer credits REF N reason…\``,
  md`\`/customer tag REF TAG|none\` · \`/customer enable REF\` · \`/customer disable REF\``,
  md`\`/customer password REF\` · \`/customer billing REF\` · \`/customer history REF\``,
  md`\`/customer verify REF\` (recompute the ledger's hash chain and sums)`,
  md`\`/customer pool\` · \`/customer pool set N\` · \`/customer approvals\``,
  md`\`/customer link REF\` · \`/customer unlink\` · \`/customer links\` (a channel about one customer: \`/customer\` there shows its card)`,
]);

/** `/customer` and `/customer help`: the grammar and buttons for the common actions. */
export function buildHelpMenu(): SlackMessage {
  return {
    text: md`Customer management: commands and quick actions`,
    blocks: [
      { type: "header", text: plain("Customer management") },
      { type: "section", text: mrkdwn(commandGrammar) },
      {
        type: "actions",
        block_id: "menu",
        elements: [
          ...quickActions("List customers"),
          { type: "button", action_id: actionIds.menuPool, text: plain("Credit pool") },
          { type: "button", action_id: actionIds.menuApprovals, text: plain("Pending approvals") },
        ],
      },
      { type: "context", elements: [mrkdwn(md`Answers are visible only to you.`)] },
    ],
  };
}
