/**
 * What the benchmark sends: one Scenario per flow, each producing signed Slack requests shaped like
 * Slack's and knowing which observation by the fake Slack finishes its flow.
 */
import type { AnyBlock } from "@slack/types";
import { actionIds, viewIds } from "../../src/blocks/action-ids.js";
import { encodeEntryPage } from "../../src/blocks/entry-page-value.js";
import { buildBalanceModal } from "../../src/blocks/money-modals.js";
import type { Customer } from "../../src/customers/customer.js";
import { type Currency, currencyOf } from "../../src/money/currency.js";
import type {
  FakeSlackApi,
  FaultRule,
  RecordedResponse,
} from "../../test/support/slack/fake-slack-api.js";
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventBody,
  formContentType,
  interactionBody,
  slashCommandBody,
  viewSubmissionPayload,
} from "../../test/support/slack/sign-request.js";
import { allButtons, type FoundButton } from "../../test/support/slack-blocks.js";
import { fileToolScenarioNames } from "./file-tools.js";
import type { HeavyCustomer } from "./heavy-customer.js";
import type { Operation, SlackSender } from "./load.js";

export const workspace = {
  signingSecret: "bench-signing-secret-0123456789abcdef",
  botToken: "xoxb-1000000001-2000000002-benchbenchbenchbenchbenc",
  approvalsChannel: "CBENCHAPPR1",
  users: { support: "UBENCHSUP1", manager: "UBENCHMGR1", admin: "UBENCHADM1" },
} as const;

/** The measured processes: the app, the baseline, and the app the 429 storm runs against. */
export type ProcessName = "app" | "baseline" | "storm-app";

export const scenarioNames = [
  "baseline",
  "show",
  "show-floor",
  "list",
  "list-text",
  "balance-refill",
  "approval-click",
  "show-429-storm",
  "search-prefix",
  "list-page-50",
  "billing-heavy",
  "billing-heavy-deep",
  "typeahead",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];
/**
 * Issue 15's scale scenarios: run when named or with `--scale` (they need at least 500 customers,
 * and the billing ones the heavy customer, which only `--scale`/`--entries` seeds).
 */
export const scaleScenarioNames: readonly ScenarioName[] = [
  "search-prefix",
  "list-page-50",
  "billing-heavy",
  "billing-heavy-deep",
];
/** What `--scale` runs: issue 15's scenarios and the picker's (issue 16), at the scale's size. */
export const scaleRunScenarioNames: readonly ScenarioName[] = [...scaleScenarioNames, "typeahead"];
/** Run by default: the list, and `show-floor`, which explains the show/baseline ratio. */
export const defaultScenarios: ScenarioName[] = scenarioNames.filter(
  (name) => !scaleScenarioNames.includes(name),
);
/**
 * Every name `--scenarios` takes: the Slack scenarios above and the operators' file tools
 * (file-tools.ts), which run only when named — at 1,000,000 rows they take minutes.
 */
export const benchScenarioNames = [...scenarioNames, ...fileToolScenarioNames] as const;

export interface Scenario {
  name: ScenarioName;
  /** Which process the requests go to. */
  target: ProcessName;
  /** What completes one operation, for the report. */
  completes: string;
  /** Readies `operations` operations before the timed runs (e.g. pending approval requests). */
  prepare?: (operations: number) => Promise<void>;
  /** The next operation (each call a different one). */
  next(): Operation;
  /**
   * Fault rules the fake Slack applies for the whole scenario (re-added after every reset of the
   * fake, cleared when the scenario ends).
   */
  faults?: FaultRule[];
  /**
   * Requests sent alongside the measured ones, untimed, a few in flight, while the scenario runs
   * (to make the app call Slack in the background).
   */
  background?: () => Operation;
}

export interface ScenarioContext {
  slack: FakeSlackApi;
  customers: Customer[];
  /** For requests the preparation sends to the app. */
  appSender: SlackSender;
  completionTimeoutMs: number;
  /** The customer with the long ledger (`--entries`), when one was seeded. */
  heavy: HeavyCustomer | null;
}

const currency: Currency = currencyOf("USD");
/** Search words that each match a few hundred of the demo customers. */
const searchWords = ["acme", "priya", "harbor", "tanaka", "example.net"];
/**
 * Word prefixes that each match a large share of the demo customers (every account's domain ends in
 * `example`; `mail`, `corp`, `net` and `org` are mail domain labels): a search-key range of many keys.
 */
const prefixWords = ["exam", "mail", "corp", "net", "org"];

/** Spreads consecutive operations over the customers without repeating soon. */
function spread(index: number, length: number): number {
  return (index * 7919) % length;
}

function command(slack: FakeSlackApi, userId: string, text: string, name = "/customer") {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody({
    command: name,
    text,
    user_id: userId,
    response_url: responseUrl,
  });
  return { body, contentType: formContentType, responseUrl };
}

/** Waits for the app's answer on `responseUrl` and checks it with `check` (a problem, or null). */
function answerOn(
  context: ScenarioContext,
  responseUrl: string,
  check: (body: RecordedResponse["body"]) => string | null,
): () => Promise<string | null> {
  return async () => {
    const answer = await context.slack.waitForResponse(
      responseUrl,
      undefined,
      context.completionTimeoutMs,
    );
    return check(answer.body);
  };
}

function textOf(body: RecordedResponse["body"]): string {
  return typeof body.text === "string" ? body.text : "";
}

/** An acked slash command answers 200 with an empty body. */
const emptyAck = (_status: number, body: string) =>
  body === "" ? null : `unexpected ack body: ${body.slice(0, 120)}`;

/** The state.values Slack sends for a modal's input blocks (block_id = field), by element type. */
function stateFor(blocks: AnyBlock[], values: Record<string, string>) {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of blocks as { type: string; block_id?: string; element?: unknown }[]) {
    if (block.type !== "input" || !block.block_id) continue;
    const element = block.element as { type: string; action_id?: string };
    if (!element.action_id) continue;
    const value = values[block.block_id];
    state[block.block_id] = {
      [element.action_id]:
        element.type === "static_select"
          ? {
              type: "static_select",
              selected_option:
                value === undefined ? null : { value, text: { type: "plain_text", text: value } },
            }
          : { type: element.type, value: value ?? null },
    };
  }
  return state;
}

export function baselineScenario(context: ScenarioContext): Scenario {
  return {
    name: "baseline",
    target: "baseline",
    completes: "the ack (the handler only acks)",
    next() {
      const { body, contentType } = command(context.slack, workspace.users.support, "show x");
      return { body, contentType, checkAck: emptyAck };
    },
  };
}

export function showScenario(context: ScenarioContext, floor = false): Scenario {
  let sequence = 0;
  return {
    name: floor ? "show-floor" : "show",
    target: floor ? "baseline" : "app",
    completes: floor
      ? "the card posted to the response_url by a bare Bolt handler doing show's one query"
      : "the card posted to the command's response_url",
    next() {
      sequence += 1;
      const customer = context.customers[spread(sequence, context.customers.length)] as Customer;
      // Varied references: accounts and internal IDs, alternately.
      const ref = sequence % 2 === 0 ? customer.account : customer.customerId;
      const sent = command(
        context.slack,
        workspace.users.support,
        `show ${ref}`,
        floor ? "/customer-floor" : "/customer",
      );
      return {
        body: sent.body,
        contentType: sent.contentType,
        checkAck: emptyAck,
        completion: answerOn(context, sent.responseUrl, (body) =>
          textOf(body).includes(customer.customerId)
            ? null
            : `show ${ref}: unexpected answer “${textOf(body).slice(0, 100)}”`,
        ),
      };
    },
  };
}

function listScenario(
  context: ScenarioContext,
  name: "list" | "list-text" | "search-prefix",
  textFor: (sequence: number) => string,
): Scenario {
  let sequence = 0;
  return {
    name,
    target: "app",
    completes: "the first page posted to the command's response_url",
    next() {
      sequence += 1;
      const text = textFor(sequence);
      const sent = command(context.slack, workspace.users.support, text);
      return {
        body: sent.body,
        contentType: sent.contentType,
        checkAck: emptyAck,
        completion: answerOn(context, sent.responseUrl, (body) =>
          /^Customers: [1-9][\d,]*\+? match, page 1\b/.test(textOf(body))
            ? null
            : `${text}: unexpected answer “${textOf(body).slice(0, 100)}”`,
        ),
      };
    },
  };
}

export function listAllScenario(context: ScenarioContext): Scenario {
  return listScenario(context, "list", () => "list");
}

export function listTextScenario(context: ScenarioContext): Scenario {
  return listScenario(
    context,
    "list-text",
    (sequence) => `list ${searchWords[sequence % searchWords.length]}`,
  );
}

/** `/customer list PREFIX` of a word prefix that matches many customers (issue 15). */
export function searchPrefixScenario(context: ScenarioContext): Scenario {
  return listScenario(
    context,
    "search-prefix",
    (sequence) => `list ${prefixWords[sequence % prefixWords.length]}`,
  );
}

/** `viewIdPrefix`: view IDs (which make a submission's idempotency key) differ from other runs'. */
export function balanceRefillScenario(context: ScenarioContext, viewIdPrefix = "VBENCH"): Scenario {
  let sequence = 0;
  return {
    name: "balance-refill",
    target: "app",
    completes: "the before → after answer posted to the form's response_url",
    next() {
      sequence += 1;
      const customer = context.customers[spread(sequence, context.customers.length)] as Customer;
      const responseUrl = context.slack.responseUrl();
      const metadata = JSON.stringify({ customerId: customer.customerId, responseUrl });
      // The modal the card's Manage balance button opens, filled in and submitted by support.
      const modal = buildBalanceModal(customer, currency, metadata);
      const view = {
        ...modal,
        id: `${viewIdPrefix}${process.pid}x${sequence}`,
        callback_id: viewIds.balance,
        private_metadata: metadata,
        state: {
          values: stateFor(modal.blocks, {
            direction: "refill",
            amount: `${1 + (sequence % 9)}.25`,
            reason: "benchmark refill",
          }),
        },
      };
      return {
        body: interactionBody(viewSubmissionPayload({ userId: workspace.users.support, view })),
        contentType: formContentType,
        checkAck: emptyAck,
        completion: answerOn(context, responseUrl, (body) =>
          textOf(body).includes(`Balance of ${customer.account}`)
            ? null
            : `balance ${customer.customerId}: unexpected answer “${textOf(body).slice(0, 100)}”`,
        ),
      };
    },
  };
}

/** Runs `/customer TEXT` against the app and waits for its answer (for preparations, not timed). */
async function askFor(
  context: ScenarioContext,
  userId: string,
  text: string,
): Promise<RecordedResponse["body"]> {
  const sent = command(context.slack, userId, text);
  const ack = await context.appSender.post(sent.body, sent.contentType);
  if (ack.status !== 200) throw new Error(`/customer ${text} answered HTTP ${ack.status}`);
  const answer = await context.slack.waitForResponse(
    sent.responseUrl,
    undefined,
    context.completionTimeoutMs,
  );
  return answer.body;
}

async function ask(context: ScenarioContext, userId: string, text: string): Promise<string> {
  return textOf(await askFor(context, userId, text));
}

/**
 * A click of `button` (by support unless `by` says who, and where), its answer checked by `check`
 * (a problem, or null).
 */
function clickOf(
  context: ScenarioContext,
  button: FoundButton,
  check: (body: RecordedResponse["body"]) => string | null,
  by: { userId: string; channelId?: string } = { userId: workspace.users.support },
): Operation & { responseUrl: string; triggerId: string } {
  const responseUrl = context.slack.responseUrl();
  const payload = blockActionsPayload({
    ...by,
    responseUrl,
    action: {
      action_id: button.action_id,
      block_id: button.block_id,
      value: button.value,
      type: "button",
    },
  });
  return {
    body: interactionBody(payload),
    contentType: formContentType,
    checkAck: emptyAck,
    completion: answerOn(context, responseUrl, check),
    responseUrl,
    triggerId: String(payload.trigger_id),
  };
}

/** Clicks `button` and waits for the answer (for preparations, not timed). */
async function clickFor(
  context: ScenarioContext,
  button: FoundButton,
): Promise<RecordedResponse["body"]> {
  const click = clickOf(context, button, () => null);
  const ack = await context.appSender.post(click.body, click.contentType);
  if (ack.status !== 200) throw new Error(`${button.action_id} answered HTTP ${ack.status}`);
  const answer = await context.slack.waitForResponse(
    click.responseUrl,
    undefined,
    context.completionTimeoutMs,
  );
  return answer.body;
}

function nextButtonOf(body: RecordedResponse["body"], what: string): FoundButton {
  const next = allButtons(body.blocks).find((button) => button.text === "Next");
  if (!next) throw new Error(`${what} has no Next button: “${textOf(body).slice(0, 100)}”`);
  return next;
}

/** Expects an answer whose text includes `page N` (N as a whole word). */
function pageCheck(what: string, page: number) {
  const shown = new RegExp(`\\bpage ${page}\\b`);
  return (body: RecordedResponse["body"]) =>
    shown.test(textOf(body)) ? null : `${what}: unexpected answer “${textOf(body).slice(0, 100)}”`;
}

/** The page `list-page-50` shows: reached from `/customer list` by 49 clicks of Next. */
export const listPageTarget = 50;

/**
 * The 50th page of `/customer list` through Next: the preparation walks `list` and 49 Next clicks
 * once (each click's answer carries the next cursor); every timed operation is a click of the Next
 * button of page 49, answered with page 50 — the same keyset query each time.
 */
export function listPage50Scenario(context: ScenarioContext): Scenario {
  let button: FoundButton | undefined;
  return {
    name: "list-page-50",
    target: "app",
    completes: `page ${listPageTarget} posted to the click's response_url (the Next of page ${listPageTarget - 1})`,
    async prepare() {
      let answer = await askFor(context, workspace.users.support, "list");
      for (let page = 2; page <= listPageTarget; page += 1) {
        button = nextButtonOf(answer, `list page ${page - 1}`);
        answer = await clickFor(context, button);
        const problem = pageCheck(`list page ${page}`, page)(answer);
        if (problem) throw new Error(problem);
      }
    },
    next() {
      if (!button) throw new Error("list-page-50 was not prepared");
      return clickOf(
        context,
        button,
        pageCheck(`list Next to page ${listPageTarget}`, listPageTarget),
      );
    },
  };
}

function heavyOf(context: ScenarioContext, name: ScenarioName): HeavyCustomer {
  if (!context.heavy)
    throw new Error(`${name} needs the heavy customer: run with --scale or --entries N`);
  return context.heavy;
}

/** `/customer billing REF` of the heavy customer: the first page of its billing details. */
export function billingHeavyScenario(context: ScenarioContext): Scenario {
  const heavy = heavyOf(context, "billing-heavy");
  return {
    name: "billing-heavy",
    target: "app",
    completes: `page 1 of the heavy customer's billing details (${heavy.entries.toLocaleString("en-US")} ledger entries) posted to the command's response_url`,
    next() {
      const sent = command(context.slack, workspace.users.support, `billing ${heavy.customerId}`);
      return {
        body: sent.body,
        contentType: sent.contentType,
        checkAck: emptyAck,
        completion: answerOn(context, sent.responseUrl, pageCheck("billing page 1", 1)),
      };
    },
  };
}

/**
 * A page half-way down the heavy customer's ledger through Next: page 1's real Next button with
 * the value Next carries on the page before it (encodeEntryPage of the entry that page ends with),
 * so the click runs the same keyset query a walk of thousands of Next clicks would reach.
 */
export function billingHeavyDeepScenario(context: ScenarioContext): Scenario {
  const heavy = heavyOf(context, "billing-heavy-deep");
  const { deep } = heavy;
  let button: FoundButton | undefined;
  return {
    name: "billing-heavy-deep",
    target: "app",
    completes: `page ${deep.page.toLocaleString("en-US")} of the heavy customer's billing details posted to the click's response_url`,
    async prepare() {
      const first = await askFor(context, workspace.users.support, `billing ${heavy.customerId}`);
      const next = nextButtonOf(first, "billing page 1");
      const value = encodeEntryPage({
        customerId: heavy.customerId,
        cursor: { at: deep.at, id: deep.id, toward: "older", page: deep.page },
      });
      button = { ...next, value };
    },
    next() {
      if (!button) throw new Error("billing-heavy-deep was not prepared");
      return clickOf(context, button, pageCheck(`billing page ${deep.page}`, deep.page));
    },
  };
}

/** An Approve form the app opened (views.open), to be submitted. */
interface OpenedApproveForm {
  view: { callback_id: string; private_metadata: string; blocks: AnyBlock[] };
  responseUrl: string;
}

export function approvalClickScenario(context: ScenarioContext): Scenario {
  const forms: OpenedApproveForm[] = [];
  let used = 0;
  return {
    name: "approval-click",
    target: "app",
    completes:
      "the approver's answer on the request message's response_url once the Approve form (opened by the Approve button, untimed) is submitted; the message update and DM follow through the outbox",
    async prepare(operations) {
      if (operations > context.customers.length)
        throw new Error(
          `approval-click needs ${operations} customers (one pending request each) but only ${context.customers.length} are seeded: lower --count or raise --customers`,
        );
      const pool = await ask(context, workspace.users.admin, "pool set 1000000");
      if (!pool.startsWith("Credit pool:")) throw new Error(`pool set answered “${pool}”`);
      // Credit requests by support, one per customer (current 0 → target $1), 8 at a time.
      let next = 0;
      const requestOne = async () => {
        while (next < operations) {
          const customer = context.customers[next] as Customer;
          next += 1;
          const receipt = await ask(
            context,
            workspace.users.support,
            `credits ${customer.customerId} 1 bench`,
          );
          if (!receipt.startsWith("Approval requested"))
            throw new Error(`credits ${customer.customerId} answered “${receipt}”`);
          if (next % 100 === 0 && process.stderr.isTTY)
            process.stderr.write(`\r  ${next}/${operations} requests`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, requestOne));
      process.stderr.write(
        `${process.stderr.isTTY ? "\r" : ""}  ${operations}/${operations} requests\n`,
      );
      // The posts come from the app's outbox, after the receipts: wait for them (up to 60 s).
      const posted = () =>
        context.slack
          .callsTo("chat.postMessage")
          .filter((call) => call.args.channel === workspace.approvalsChannel);
      for (let waited = 0; posted().length < operations && waited < 60_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const buttons: FoundButton[] = [];
      for (const call of posted()) {
        const approve = allButtons(call.args.blocks).find((button) => button.text === "Approve");
        if (approve) buttons.push(approve);
      }
      if (buttons.length < operations)
        throw new Error(
          `expected ${operations} approval requests in the approvals channel, found ${buttons.length}`,
        );
      // The manager clicks each Approve button (untimed, 8 at a time): the app opens its form.
      let clicked = 0;
      const openOne = async () => {
        while (clicked < operations) {
          const button = buttons[clicked] as FoundButton;
          clicked += 1;
          forms.push(await openApproveForm(context, button));
        }
      };
      await Promise.all(Array.from({ length: 8 }, openOne));
    },
    next() {
      const form = forms[used];
      used += 1;
      if (!form) throw new Error("approval-click ran out of prepared approval requests");
      const view = {
        ...form.view,
        id: `VBENCHAPPROVE${process.pid}x${used}`,
        state: { values: stateFor(form.view.blocks, { comment: "" }) },
      };
      return {
        body: interactionBody(viewSubmissionPayload({ userId: workspace.users.manager, view })),
        contentType: formContentType,
        checkAck: emptyAck,
        completion: answerOn(context, form.responseUrl, (body) =>
          textOf(body).includes("Approved")
            ? null
            : `approve: unexpected answer “${textOf(body).slice(0, 100)}”`,
        ),
      };
    },
  };
}

/** The manager's click of an Approve button, and the form the app opened for it (untimed). */
async function openApproveForm(
  context: ScenarioContext,
  button: FoundButton,
): Promise<OpenedApproveForm> {
  const click = clickOf(context, button, () => null, {
    userId: workspace.users.manager,
    channelId: workspace.approvalsChannel,
  });
  const ack = await context.appSender.post(click.body, click.contentType);
  if (ack.status !== 200) throw new Error(`Approve answered HTTP ${ack.status}`);
  const opened = await context.slack.waitForCall(
    "views.open",
    (call) => call.args.trigger_id === click.triggerId,
    context.completionTimeoutMs,
  );
  const view = opened.args.view as OpenedApproveForm["view"] | undefined;
  if (!view || view.callback_id !== viewIds.approve)
    throw new Error(`Approve ${button.value} opened no Approve form`);
  return { view, responseUrl: click.responseUrl };
}

/** The storm: what Slack answers the methods the app calls in the background, for as long as it lasts. */
export const storm = {
  retryAfterSeconds: 5,
  methods: ["chat.postMessage", "chat.update", "views.publish", "usergroups.users.list"],
  /** Where every committed change is posted (AUDIT_CHANNEL_ID of the storm app). */
  auditChannel: "CBENCHAUDIT1",
  /**
   * A support user group (SUPPORT_USERGROUP_IDS of the storm app, unless the benchmark runs with
   * --storm-without-usergroups): role checks read its members with usergroups.users.list.
   */
  supportGroup: "SBENCHSUP1",
  supportGroupMembers: ["UBENCHSUP2", "UBENCHSUP3"],
  /** Background requests in flight at once, each worker pausing this long between two. */
  backgroundWorkers: 2,
  backgroundPauseMs: 100,
} as const;

/** The settings the storm app adds to the app's (the show requester stays a direct support user). */
export function stormAppEnv(withUsergroups: boolean): Record<string, string> {
  return {
    AUDIT_CHANNEL_ID: storm.auditChannel,
    ...(withUsergroups ? { SUPPORT_USERGROUP_IDS: storm.supportGroup } : {}),
  };
}

function appHomeOpened(userId: string): Operation {
  return {
    body: eventBody({ type: "app_home_opened", user: userId, channel: "DBENCHHOME1", tab: "home" }),
    contentType: "application/json",
    checkAck: (status) => (status === 200 ? null : `app_home_opened answered HTTP ${status}`),
  };
}

/**
 * `/customer show REF` (as `show`) to the storm app while the fake Slack answers 429 with
 * Retry-After on every background method, and balance refills (each posts an audit-channel line)
 * and App Home openings (each publishes the Home) keep the app calling those methods.
 */
export function showStormScenario(context: ScenarioContext): Scenario {
  const show = showScenario(context);
  const refills = balanceRefillScenario(context, "VSTORM");
  let sequence = 0;
  return {
    name: "show-429-storm",
    target: "storm-app",
    completes: `${show.completes}, while ${storm.methods.join(", ")} answer 429 (Retry-After ${storm.retryAfterSeconds} s)`,
    next: () => show.next(),
    faults: storm.methods.map((method) => ({
      method,
      fault: { kind: "ratelimited", retryAfterSeconds: storm.retryAfterSeconds },
    })),
    background() {
      sequence += 1;
      if (sequence % 2 === 0) return appHomeOpened(workspace.users.support);
      // Only the ack matters here: the refill's answer is not waited for.
      const { completion: _completion, ...refill } = refills.next();
      return refill;
    },
  };
}

/**
 * What people type into the customer picker: the first 2–6 characters of a customer's account (a
 * few matches) alternating with prefixes of common words (a search-key range of many customers).
 */
function typedPrefix(context: ScenarioContext, sequence: number): string {
  if (sequence % 2 === 0) {
    const word = searchWords[(sequence / 2) % searchWords.length] as string;
    return word.slice(0, 2 + (sequence % Math.max(1, word.length - 1)));
  }
  const customer = context.customers[spread(sequence, context.customers.length)] as Customer;
  return customer.account.slice(0, 2 + (sequence % 5));
}

/** Typing into the customer picker (issue 16): the options are the ack itself. */
export function typeaheadScenario(context: ScenarioContext): Scenario {
  let sequence = 0;
  return {
    name: "typeahead",
    target: "app",
    completes: "the options in the ack (up to 20 customers)",
    next() {
      sequence += 1;
      const value = typedPrefix(context, sequence);
      const payload = blockSuggestionPayload({
        userId: workspace.users.support,
        value,
        actionId: actionIds.customerPicker,
        blockId: viewIds.customer,
      });
      return {
        body: interactionBody(payload),
        contentType: formContentType,
        checkAck: (status, body) => {
          if (status !== 200) return `“${value}”: HTTP ${status}`;
          const options = (JSON.parse(body || "{}") as { options?: unknown[] }).options;
          return Array.isArray(options) && options.length > 0
            ? null
            : `“${value}”: no options (${body.slice(0, 100)})`;
        },
      };
    },
  };
}

export function makeScenario(name: ScenarioName, context: ScenarioContext): Scenario {
  switch (name) {
    case "baseline":
      return baselineScenario(context);
    case "show":
      return showScenario(context);
    case "show-floor":
      return showScenario(context, true);
    case "list":
      return listAllScenario(context);
    case "list-text":
      return listTextScenario(context);
    case "balance-refill":
      return balanceRefillScenario(context);
    case "approval-click":
      return approvalClickScenario(context);
    case "show-429-storm":
      return showStormScenario(context);
    case "search-prefix":
      return searchPrefixScenario(context);
    case "list-page-50":
      return listPage50Scenario(context);
    case "billing-heavy":
      return billingHeavyScenario(context);
    case "billing-heavy-deep":
      return billingHeavyDeepScenario(context);
    case "typeahead":
      return typeaheadScenario(context);
  }
}
