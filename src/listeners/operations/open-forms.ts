import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Approval } from "../../approvals/approval.js";
import {
  buildCustomerFormModal,
  buildInviteModal,
  buildTagModal,
} from "../../blocks/customer-form-modal.js";
import {
  buildPickCustomerModal,
  type FormSubject,
  isPicker,
  type PickPurpose,
} from "../../blocks/customer-picker.js";
import {
  buildApproveModal,
  buildBalanceModal,
  buildCreditsModal,
  buildMessageChangeModal,
  buildRejectModal,
  type MoneyFormPrefill,
} from "../../blocks/money-modals.js";
import type { Customer } from "../../customers/customer.js";
import { typedAmount } from "../../money/currency.js";
import type { Deps } from "../deps.js";
import { encodeModalMetadata, type ModalMetadata } from "../modal-metadata.js";
import { type OpenedModal, openModal } from "../open-modal.js";

export interface FormOpening {
  /** The modal client (request scope): its own queue, 2.5 s, no retry. */
  client: WebClient;
  triggerId: string | undefined;
  /** Where the result is answered; absent when opened from App Home. */
  responseUrl: string | undefined;
}

/** Opens a form whose metadata says what it is `about` and where its result is answered. */
async function openForm(
  opening: FormOpening,
  about: Omit<ModalMetadata, "responseUrl">,
  build: (privateMetadata: string) => ModalView,
): Promise<OpenedModal> {
  const privateMetadata = encodeModalMetadata({ ...about, responseUrl: opening.responseUrl });
  return openModal(opening.client, opening.triggerId, build(privateMetadata));
}

/** `/customer create` and the New customer buttons: the create form. */
export async function openCreateForm(opening: FormOpening): Promise<void> {
  await openForm(opening, {}, (privateMetadata) => buildCustomerFormModal({ privateMetadata }));
}

/** The Invite customer buttons: the invite form (email optional). */
export async function openInviteForm(opening: FormOpening): Promise<void> {
  await openForm(opening, {}, buildInviteModal);
}

/** Which customer, and the version the form showed (a save is refused if it changed since). */
function versionOf(customer: Customer) {
  return { customerId: customer.customerId, updatedAt: customer.updatedAt.getTime() };
}

/** The edit form's metadata: the customer, the version it shows, and where to answer. */
export function editFormMetadata(customer: Customer, responseUrl: string | undefined): string {
  return encodeModalMetadata({ ...versionOf(customer), responseUrl });
}

/** The edit form, prefilled, remembering the version it showed. */
export async function openEditForm(customer: Customer, opening: FormOpening): Promise<void> {
  await openForm(opening, versionOf(customer), (privateMetadata) =>
    buildCustomerFormModal({ customer, privateMetadata }),
  );
}

/** What a form's metadata says about its customer: the fixed one, or nothing (it is picked in the form). */
function subjectMetadata(subject: FormSubject, about: (customer: Customer) => ModalMetadata) {
  return isPicker(subject) ? {} : about(subject);
}

export async function openTagForm(subject: FormSubject, opening: FormOpening): Promise<void> {
  await openForm(opening, subjectMetadata(subject, versionOf), (privateMetadata) =>
    buildTagModal({ subject, privateMetadata }),
  );
}

/**
 * The picker alone (Find a customer, and Edit, Reset password, Billing, History, Enable and Disable
 * from the menu or a shortcut): submitting it leads to `purpose` for the picked customer.
 */
export async function openPickCustomerForm(
  purpose: PickPurpose,
  opening: FormOpening,
  preselected?: Customer,
): Promise<void> {
  await openForm(opening, { purpose }, (privateMetadata) =>
    buildPickCustomerModal(purpose, privateMetadata, preselected),
  );
}

/**
 * The message shortcut's form (the picker, refill/deduct/set credits, amount, reason prefilled),
 * remembering the message's permalink when it is already known.
 */
export function openMessageChangeForm(
  deps: Deps,
  opening: FormOpening,
  prefill: MoneyFormPrefill & { sourcePermalink?: string; preselected?: Customer },
): Promise<OpenedModal> {
  const { sourcePermalink, preselected, ...fields } = prefill;
  return openForm(opening, sourcePermalink ? { sourcePermalink } : {}, (privateMetadata) =>
    buildMessageChangeModal(
      { picker: { preselected } },
      deps.config.currency,
      privateMetadata,
      fields,
    ),
  );
}

/**
 * Manage balance or Manage credits, for one customer or with the picker; the credits form says what the pool has left.
 * `amount` (minor units: signed for balance, the target for credits) is filled in when a command gave it.
 */
export async function openMoneyForm(
  kind: "balance" | "credits",
  deps: Deps,
  subject: FormSubject,
  opening: FormOpening,
  amount?: number,
): Promise<void> {
  const { currency } = deps.config;
  const prefill =
    amount === undefined
      ? undefined
      : {
          amount: typedAmount(Math.abs(amount), currency),
          direction: amount < 0 ? ("deduct" as const) : ("refill" as const),
        };
  const poolLeft = kind === "credits" ? await deps.pool.left() : null;
  const about = subjectMetadata(subject, (customer) => ({ customerId: customer.customerId }));
  await openForm(opening, about, (privateMetadata) =>
    poolLeft === null
      ? buildBalanceModal(subject, currency, privateMetadata, prefill)
      : buildCreditsModal(subject, poolLeft, currency, privateMetadata, prefill),
  );
}

/** Reject on a pending request: the form that asks the manager why. */
export async function openRejectForm(
  deps: Deps,
  approval: Approval,
  opening: FormOpening,
): Promise<void> {
  await openForm(opening, { approvalId: approval.approvalId }, (privateMetadata) =>
    buildRejectModal(approval, deps.config.currency, privateMetadata),
  );
}

/** Approve on a pending request: the form that takes the approver's optional comment. */
export async function openApproveForm(
  deps: Deps,
  approval: Approval,
  opening: FormOpening,
): Promise<void> {
  await openForm(opening, { approvalId: approval.approvalId }, (privateMetadata) =>
    buildApproveModal(approval, deps.config.currency, privateMetadata),
  );
}
