/**
 * A support team's burst: 200 interactions from 20 people, in waves of about 40 sent at once —
 * commands (show, list, refills, deductions, large changes and credit requests that need approval,
 * tags), card buttons, every form (opened from a card or a command, then submitted), and approvals
 * (Approve and Reject pressed on `/customer approvals` and their forms submitted; the answers come on the response_url, so
 * they need nothing from the rate-limited channel). Every request's ack time is measured.
 */
import type { Customer } from "../../../src/customers/customer.js";
import type { Harness, SentView } from "../../support/app-harness.js";
import type { RecordedResponse } from "../../support/slack/fake-slack-api.js";
import { allButtons, type FoundButton } from "../../support/slack-blocks.js";

export interface Team {
  admins: string[];
  managers: string[];
  support: string[];
}

export interface Ack {
  what: string;
  userId: string;
  ms: number;
  status: number;
}

export interface BurstResult {
  acks: Ack[];
  /** Steps skipped because what they needed (an answer, a form) did not come. */
  skipped: string[];
  elapsedMs: number;
}

/** `count` Slack user IDs: `prefix` + a zero-padded number, 10 characters in all. */
export function slackUserIds(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}${String(i + 1).padStart(10 - prefix.length, "0")}`,
  );
}

/** How long a step waits for what an earlier one should have produced (an answer, a form). */
const waitMs = 8000;

export async function runBurst(
  harness: Harness,
  team: Team,
  customers: Customer[],
  tag: string,
): Promise<BurstResult> {
  const acks: Ack[] = [];
  const skipped: string[] = [];
  const started = Date.now();
  let triggers = 0;
  const trigger = () => {
    triggers += 1;
    return `${Date.now()}.${triggers}.${tag}`;
  };
  const timed = async <T extends { status: number }>(
    what: string,
    userId: string,
    send: () => Promise<T>,
  ): Promise<T> => {
    const sentAt = performance.now();
    const result = await send();
    acks.push({ what, userId, ms: Math.round(performance.now() - sentAt), status: result.status });
    return result;
  };
  const answerOf = (responseUrl: string): Promise<RecordedResponse | null> =>
    harness.slack.waitForResponse(responseUrl, undefined, waitMs).catch(() => null);
  const command = async (userId: string, text: string) => {
    const { status, responseUrl } = await timed(`/customer ${text.split(" ")[0]}`, userId, () =>
      harness.command(userId, text),
    );
    return status === 200 ? answerOf(responseUrl) : null;
  };
  const click = async (userId: string, button: FoundButton) => {
    const { status, responseUrl } = await timed(`click ${button.text}`, userId, () =>
      harness.click(userId, button),
    );
    return status === 200 ? answerOf(responseUrl) : null;
  };
  /** Opens a form (a button or a command with its trigger_id) and returns the view Slack was asked to open. */
  const openForm = async (
    what: string,
    userId: string,
    open: (triggerId: string) => Promise<{ status: number }>,
  ): Promise<{ userId: string; view: SentView } | null> => {
    const triggerId = trigger();
    const { status } = await timed(what, userId, () => open(triggerId));
    if (status !== 200) return null;
    const call = await harness.slack
      .waitForCall("views.open", (c) => c.args.trigger_id === triggerId, waitMs)
      .catch(() => null);
    return call ? { userId, view: call.args.view as SentView } : null;
  };
  const submit = (form: { userId: string; view: SentView }, values: Record<string, string>) =>
    timed(`submit ${form.view.callback_id}`, form.userId, () =>
      harness.submitModal(form.userId, form.view, values),
    );
  const customer = (i: number) => customers[i % customers.length] as Customer;
  const { admins, managers, support } = team;
  const at = <T>(list: T[], i: number) => list[i % list.length] as T;

  // Wave 1 (40): credit requests, and cards and lists to press buttons on later.
  const cards: { userId: string; answer: RecordedResponse | null }[] = [];
  await Promise.all([
    ...support.map((userId, i) =>
      command(userId, `credits ${customer(i).customerId} ${10 + i} burst request ${i}`),
    ),
    ...[...support, ...managers, ...admins].map(async (userId, i) => {
      cards.push({ userId, answer: await command(userId, `show ${customer(i + 13).customerId}`) });
    }),
    ...[...managers, ...admins].map((userId, i) =>
      command(userId, i % 2 ? "list" : `list ${customer(i).account.slice(0, 8)}`),
    ),
  ]);

  // Wave 2 (40): refills and deductions, large changes that need approval, card buttons.
  const cardButton = (label: string, i: number) => {
    const found = cards.flatMap((card) => {
      const button = allButtons(card.answer?.body.blocks).find((b) => b.text === label);
      return button ? [{ userId: card.userId, button }] : [];
    });
    const pick = found[i % Math.max(found.length, 1)];
    if (!pick) skipped.push(`card button ${label}`);
    return pick ?? null;
  };
  await Promise.all([
    ...support.map((userId, i) =>
      command(userId, `balance ${customer(20 + i).customerId} +10 refill ${i}`),
    ),
    ...support.map((userId, i) =>
      command(userId, `balance ${customer(20 + i).customerId} -5 deduction ${i}`),
    ),
    ...support
      .slice(0, 5)
      .map((userId, i) => command(userId, `balance ${customer(i).customerId} +600 large ${i}`)),
    ...Array.from({ length: 9 }, (_, i) => {
      const found = cardButton(i % 2 ? "History" : "Billing details", i);
      return found ? click(found.userId, found.button) : Promise.resolve();
    }),
  ]);

  // Wave 3 (40): forms opened from cards and commands, tags set directly, approval lists.
  const fromCard = (label: string, i: number) => {
    const found = cardButton(label, i);
    return found
      ? openForm(`click ${label}`, found.userId, (triggerId) =>
          harness.click(found.userId, found.button, { triggerId }),
        )
      : Promise.resolve(null);
  };
  const fromCommand = (userId: string, text: string) =>
    openForm(`/customer ${text.split(" ")[0]} (form)`, userId, (triggerId) =>
      harness.command(userId, text, { triggerId }),
    );
  const lists: (RecordedResponse | null)[] = [];
  const alongside = Promise.all([
    ...support
      .slice(5, 10)
      .map((userId, i) => command(userId, `tag ${customer(30 + i).customerId} vip`)),
    ...[...managers, at(admins, 0)].map(async (userId) => {
      lists.push(await command(userId, "approvals"));
    }),
  ]);
  const [balanceForms, creditForms, tagForms, editForms, createForms] = await Promise.all([
    Promise.all(Array.from({ length: 6 }, (_, i) => fromCard("Manage balance", i))),
    Promise.all(Array.from({ length: 6 }, (_, i) => fromCard("Manage credits", i + 6))),
    Promise.all(Array.from({ length: 6 }, (_, i) => fromCard("Set tag", i + 12))),
    Promise.all(Array.from({ length: 6 }, (_, i) => fromCard("Edit", i + 18))),
    Promise.all(support.slice(0, 5).map((userId) => fromCommand(userId, "create"))),
  ]);
  await alongside;

  // Wave 4 (51): every form submitted; Approve pressed on listed requests (a different one each)
  // and its form submitted.
  const pendingButtons = (label: string) => {
    const seen = new Set<string>();
    const buttons: { userId: string; button: FoundButton }[] = [];
    for (const [i, list] of lists.entries())
      for (const button of allButtons(list?.body.blocks))
        if (button.text === label && button.value && !seen.has(button.value)) {
          seen.add(button.value);
          buttons.push({ userId: at(managers, i), button });
        }
    return buttons;
  };
  const approveButtons = pendingButtons("Approve");
  const rejectButtons = pendingButtons("Reject");
  const toApprove = approveButtons.slice(0, 11);
  const toReject = rejectButtons.filter(
    (reject) => !toApprove.some((approve) => approve.button.value === reject.button.value),
  );
  if (toApprove.length < 11) skipped.push(`${11 - toApprove.length} Approve clicks`);
  const present = <T>(forms: (T | null)[], what: string): T[] => {
    const opened = forms.filter((form): form is T => form !== null);
    if (opened.length < forms.length) skipped.push(`${forms.length - opened.length} ${what} forms`);
    return opened;
  };
  await Promise.all([
    ...present(balanceForms, "balance").map((form, i) =>
      submit(form, {
        direction: i % 2 ? "deduct" : "refill",
        amount: "20",
        reason: `form ${tag} ${i}`,
      }),
    ),
    ...present(creditForms, "credits").map((form, i) =>
      submit(form, { amount: String(200 + i), reason: `form credits ${tag} ${i}` }),
    ),
    ...present(tagForms, "tag").map((form, i) => submit(form, { tag: `gold${i}` })),
    ...present(editForms, "edit").map((form, i) =>
      submit(form, { ...prefilled(form.view), teamName: `Renamed ${tag} ${i}` }),
    ),
    ...present(createForms, "create").map((form, i) =>
      submit(form, {
        account: `new.${tag}.${i}@example.com`,
        teamName: `New ${i}`,
        teamType: "individual",
        companyName: "",
        tag: "",
      }),
    ),
    ...toApprove.map(async ({ userId, button }, i) => {
      const form = await openForm("click Approve", userId, (triggerId) =>
        harness.click(userId, button, { triggerId }),
      );
      if (form) await submit(form, { comment: i % 2 ? `approved in the ${tag} burst` : "" });
      else skipped.push("an approve form");
    }),
  ]);

  // Wave 5 (24): Reject pressed (opening the reason form) and more commands (only 6 cards shown:
  // with wave 4's approve-form submissions the total stays 200).
  if (toReject.length < 5) skipped.push(`${5 - toReject.length} Reject clicks`);
  const [rejectForms] = await Promise.all([
    Promise.all(
      toReject
        .slice(0, 5)
        .map(({ userId, button }) =>
          openForm("click Reject", userId, (triggerId) =>
            harness.click(userId, button, { triggerId }),
          ),
        ),
    ),
    ...support.map((userId, i) =>
      command(userId, `balance ${customer(i + 5).customerId} +3 top-up ${i}`),
    ),
    ...[...support, ...managers, ...admins]
      .slice(0, 6)
      .map((userId, i) => command(userId, `show ${customer(i + 7).customerId}`)),
  ]);

  // Wave 6: the reasons submitted, and commands up to 200 interactions in all.
  const rejections = present(rejectForms, "reject");
  const fill = Math.max(0, 200 - acks.length - rejections.length);
  await Promise.all([
    ...rejections.map((form, i) => submit(form, { reason: `not this quarter ${i}` })),
    ...Array.from({ length: fill }, (_, i) => {
      const userId = at(support, i);
      return i % 2
        ? command(userId, `balance ${customer(i + 11).customerId} +2 last wave ${i}`)
        : command(at([...managers, ...admins], i), `show ${customer(i).customerId}`);
    }),
  ]);
  return { acks, skipped, elapsedMs: Date.now() - started };
}

/** The values a form opened with (initial values and options), block_id → value. */
export function prefilled(view: SentView): Record<string, string> {
  const values: Record<string, string> = {};
  for (const block of (view.blocks ?? []) as {
    type?: string;
    block_id?: string;
    element?: { initial_value?: string; initial_option?: { value?: string } };
  }[]) {
    if (block.type !== "input" || !block.block_id) continue;
    const value = block.element?.initial_value ?? block.element?.initial_option?.value;
    values[block.block_id] = value ?? "";
  }
  return values;
}

export function ackSummary(acks: Ack[]): { max: number; p95: number; slowest: string } {
  const sorted = [...acks].sort((a, b) => a.ms - b.ms);
  const slowest = sorted.at(-1);
  return {
    max: slowest?.ms ?? 0,
    p95: sorted[Math.floor(sorted.length * 0.95)]?.ms ?? 0,
    slowest: slowest ? `${slowest.what} by ${slowest.userId}` : "none",
  };
}
