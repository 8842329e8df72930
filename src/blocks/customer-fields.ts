import { type Customer, teamTypeLabels } from "../customers/customer.js";
import { type Currency, formatMoney } from "../money/currency.js";
import { escapeMrkdwn, slackDate } from "./text.js";

export function statusLabel(status: Customer["status"]): string {
  return status === "on" ? ":large_green_circle: On" : ":red_circle: Off";
}

/** Every field of PRODUCT.md §1 as label → mrkdwn value, in the console's order. */
export function customerFields(customer: Customer, currency: Currency): [string, string][] {
  return [
    ["Account", escapeMrkdwn(customer.account)],
    ["Internal ID", `\`${customer.customerId}\``],
    ["Team name", escapeMrkdwn(customer.teamName) || "—"],
    ["Team type", teamTypeLabels[customer.teamType]],
    ["Company", customer.companyName ? escapeMrkdwn(customer.companyName) : "—"],
    ["Balance", formatMoney(customer.balance, currency)],
    ["Credits", formatMoney(customer.credits, currency)],
    ["Status", statusLabel(customer.status)],
    ["Tag", customer.tag ? `\`${customer.tag}\`` : "—"],
    ["Registered", slackDate(customer.createdAt)],
  ];
}
