import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, type SentView, startHarness, users } from "../../support/app-harness.js";
import { aCustomer, insertCustomers } from "../../support/customer-fixtures.js";
import { moneyOf } from "../../support/money-helpers.js";

let harness: Harness;
const ana = aCustomer({ account: "ana@example.com", balance: 10_000 });

beforeAll(async () => {
  harness = await startHarness();
  await insertCustomers(harness.db, [ana]);
});
afterAll(() => harness.stop());

interface InputElement {
  type: string;
  initial_value?: string;
  initial_option?: { value: string };
}

let commands = 0;

/** The form `/customer text` opens, found by the command's own trigger. */
async function formOpenedBy(text: string): Promise<SentView> {
  commands += 1;
  const triggerId = `${1_900_000_000 + commands}.money-commands`;
  const { status } = await harness.command(users.support, text, { triggerId });
  expect(status).toBe(200);
  const call = await harness.slack.waitForCall(
    "views.open",
    (candidate) => candidate.args.trigger_id === triggerId,
  );
  return call.args.view as SentView;
}

function elementOf(view: SentView, blockId: string): InputElement | undefined {
  const blocks = view.blocks as { block_id?: string; element?: InputElement }[];
  return blocks.find((block) => block.block_id === blockId)?.element;
}

describe("a money command without a reason", () => {
  it.each([
    ["+20", "refill", "20.00"],
    ["-5.50", "deduct", "5.50"],
    ["+1,250", "refill", "1,250.00"],
  ])(
    "balance REF %s opens the balance form with %s and the amount filled in, asking for the reason",
    async (amount, direction, shown) => {
      const view = await formOpenedBy(`balance ${ana.customerId} ${amount}`);
      expect(view.callback_id).toBe("customer_balance_form");
      expect(elementOf(view, "amount")?.initial_value).toBe(shown);
      expect(elementOf(view, "direction")?.initial_option?.value).toBe(direction);
      expect(elementOf(view, "reason")?.initial_value).toBeUndefined();
      expect((await moneyOf(harness, ana.customerId)).balance).toBe(10_000);
    },
  );

  it("credits REF 20 opens the credits form with the target filled in", async () => {
    const view = await formOpenedBy(`credits ${ana.customerId} 20`);
    expect(view.callback_id).toBe("customer_credits_form");
    expect(elementOf(view, "amount")?.initial_value).toBe("20.00");
  });

  it("an amount in another currency is answered with what is wrong, and opens no form", async () => {
    const opened = harness.slack.callsTo("views.open").length;
    const reply = await harness.ask(users.support, `balance ${ana.customerId} +€20`);
    expect(reply.body.text).toContain(
      "“+€20” is in another currency: amounts here are in USD ($).",
    );
    expect(harness.slack.callsTo("views.open")).toHaveLength(opened);
  });
});
