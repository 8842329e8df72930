import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import type { Approval } from "../../approvals/approval.js";
import {
  buildCustomerFormModal,
  buildInviteModal,
  buildTagModal,
} from "../../blocks/customer-form-modal.js";
import {
  buildBalanceModal,
  buildCreditsModal,
  buildRejectModal,
} from "../../blocks/money-modals.js";
import type { Customer } from "../../customers/customer.js";
import { typedAmount } from "../../money/currency.js";
import type { Deps } from "../deps.js";
import { encodeModalMetadata, type ModalMetadata } from "../modal-metadata.js";
import { openModal } from "../open-modal.js";

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
): Promise<void> {
  const privateMetadata = encodeModalMetadata({ ...about, responseUrl: opening.responseUrl });
  await openModal(opening.client, opening.triggerId, build(privateMetadata));
}

/** `/customer create` and the New customer buttons: the create form. */
export function openCreateForm(opening: FormOpening): Promise<void> {
  return openForm(opening, {}, (privateMetadata) => buildCustomerFormModal({ privateMetadata }));
}

/** The Invite customer buttons: the invite form (email optional). */
export function openInviteForm(opening: FormOpening): Promise<void> {
  return openForm(opening, {}, buildInviteModal);
}

/** Which customer, and the version the form showed (a save is refused if it changed since). */
function versionOf(customer: Customer) {
  return { customerId: customer.customerId, updatedAt: customer.updatedAt.getTime() };
}

/** The edit form, prefilled, remembering the version it showed. */
export function openEditForm(customer: Customer, opening: FormOpening): Promise<void> {
  return openForm(opening, versionOf(customer), (privateMetadata) =>
    buildCustomerFormModal({ customer, privateMetadata }),
  );
}

export function openTagForm(customer: Customer, opening: FormOpening): Promise<void> {
  return openForm(opening, versionOf(customer), (privateMetadata) =>
    buildTagModal({ customer, privateMetadata }),
  );
}

/**
 * Manage balance or Manage credits for one customer; the credits form says what the pool has left.
 * `amount` (minor units: signed for balance, the target for credits) is filled in when a command gave it.
 */
export async function openMoneyForm(
  kind: "balance" | "credits",
  deps: Deps,
  customer: Customer,
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
  await openForm(opening, { customerId: customer.customerId }, (privateMetadata) =>
    poolLeft === null
      ? buildBalanceModal(customer, currency, privateMetadata, prefill)
      : buildCreditsModal(customer, poolLeft, currency, privateMetadata, prefill),
  );
}

/** Reject on a pending request: the form that asks the manager why. */
export function openRejectForm(
  deps: Deps,
  approval: Approval,
  opening: FormOpening,
): Promise<void> {
  return openForm(opening, { approvalId: approval.approvalId }, (privateMetadata) =>
    buildRejectModal(approval, deps.config.currency, privateMetadata),
  );
}
