import type { Button, KnownBlock } from "@slack/types";
import type { Customer } from "../customers/customer.js";
import type { Currency } from "../money/currency.js";
import { actionIds } from "./action-ids.js";
import { customerFields } from "./customer-fields.js";
import type { SlackMessage } from "./message.js";
import { md } from "./mrkdwn.js";
import { mrkdwn, plain } from "./text.js";

function button(actionId: string, label: string, customer: Customer): Button {
  return { type: "button", action_id: actionId, text: plain(label), value: customer.customerId };
}

function statusButton(customer: Customer): Button {
  const enabling = customer.status === "off";
  return {
    ...button(
      enabling ? actionIds.enable : actionIds.disable,
      enabling ? "Enable" : "Disable",
      customer,
    ),
    style: enabling ? "primary" : "danger",
    confirm: {
      title: plain(enabling ? "Enable this customer?" : "Disable this customer?", 100),
      text: mrkdwn(
        enabling
          ? md`${customer.account} will be able to log in to the console again.`
          : md`${customer.account} will no longer be able to log in to the console.`,
        300,
      ),
      confirm: plain(enabling ? "Enable" : "Disable", 30),
      deny: plain("Cancel", 30),
      style: enabling ? "primary" : "danger",
    },
  };
}

/** The customer details card: every field, and a button for every operation. */
export function buildCustomerCard(customer: Customer, currency: Currency): SlackMessage {
  const fields = customerFields(customer, currency).map(([label, value]) =>
    mrkdwn(md`*${label}*\n${value}`, 2000),
  );
  const blocks: KnownBlock[] = [
    { type: "header", text: plain(customer.account, 150) },
    { type: "section", fields },
    {
      type: "actions",
      block_id: `ops:${customer.customerId}`,
      elements: [
        button(actionIds.edit, "Edit", customer),
        button(actionIds.balance, "Manage balance", customer),
        button(actionIds.credits, "Manage credits", customer),
        button(actionIds.tag, "Set tag", customer),
        button(actionIds.password, "Reset password", customer),
        button(actionIds.billing, "Billing details", customer),
        button(actionIds.history, "History", customer),
        statusButton(customer),
      ],
    },
  ];
  return { text: md`Customer ${customer.account} (${customer.customerId})`, blocks };
}
