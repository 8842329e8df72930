import { type Customer, teamTypeLabels } from "../customers/customer.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { code, type Mrkdwn, md, slackDate } from "./mrkdwn.js";

export function statusLabel(status: Customer["status"]): Mrkdwn {
  return status === "on" ? md`:large_green_circle: On` : md`:red_circle: Off`;
}

/** Every field of PRODUCT.md §1 as label → mrkdwn value, in the console's order. */
export function customerFields(customer: Customer, currency: Currency): [string, Mrkdwn][] {
  return [
    ["Account", md`${customer.account}`],
    ["Internal ID", code(customer.customerId)],
    ["Team name", md`${customer.teamName || "—"}`],
    ["Team type", md`${teamTypeLabels[customer.teamType]}`],
    ["Company", md`${customer.companyName || "—"}`],
    ["Balance", md`${formatMoney(customer.balance, currency)}`],
    ["Credits", md`${formatMoney(customer.credits, currency)}`],
    ["Status", statusLabel(customer.status)],
    ["Tag", customer.tag ? code(customer.tag) : md`—`],
    ["Registered", slackDate(customer.createdAt)],
  ];
}
