import type { WebClient } from "@slack/web-api";
import type { Deps } from "../../app/deps.js";
import {
  buildCustomerFormModal,
  buildInviteModal,
  buildTagModal,
} from "../../blocks/customer-form-modal.js";
import { buildBalanceModal, buildCreditsModal } from "../../blocks/money-modals.js";
import type { Customer } from "../../customers/customer.js";
import { encodeModalMetadata } from "../modal-metadata.js";
import { openModal } from "../open-modal.js";

export interface FormOpening {
  client: WebClient;
  triggerId: string | undefined;
  /** Where the result is answered; absent when opened from App Home. */
  responseUrl: string | undefined;
}

/** `/customer create` and the New customer buttons: the create form. */
export async function openCreateForm(opening: FormOpening): Promise<void> {
  const privateMetadata = encodeModalMetadata({ responseUrl: opening.responseUrl });
  await openModal(opening.client, opening.triggerId, buildCustomerFormModal({ privateMetadata }));
}

/** The Invite customer buttons: the invite form (email optional). */
export async function openInviteForm(opening: FormOpening): Promise<void> {
  await openModal(
    opening.client,
    opening.triggerId,
    buildInviteModal(encodeModalMetadata({ responseUrl: opening.responseUrl })),
  );
}

function metadataFor(customer: Customer, opening: FormOpening): string {
  return encodeModalMetadata({
    customerId: customer.customerId,
    updatedAt: customer.updatedAt.getTime(),
    responseUrl: opening.responseUrl,
  });
}

/** The edit form, prefilled, remembering the version it showed. */
export async function openEditForm(customer: Customer, opening: FormOpening): Promise<void> {
  await openModal(
    opening.client,
    opening.triggerId,
    buildCustomerFormModal({ customer, privateMetadata: metadataFor(customer, opening) }),
  );
}

export async function openTagForm(customer: Customer, opening: FormOpening): Promise<void> {
  await openModal(
    opening.client,
    opening.triggerId,
    buildTagModal({ customer, privateMetadata: metadataFor(customer, opening) }),
  );
}

export async function openBalanceForm(
  deps: Deps,
  customer: Customer,
  opening: FormOpening,
): Promise<void> {
  const metadata = encodeModalMetadata({
    customerId: customer.customerId,
    responseUrl: opening.responseUrl,
  });
  await openModal(
    opening.client,
    opening.triggerId,
    buildBalanceModal(customer, deps.config.currency, metadata),
  );
}

export async function openCreditsForm(
  deps: Deps,
  customer: Customer,
  opening: FormOpening,
): Promise<void> {
  const metadata = encodeModalMetadata({
    customerId: customer.customerId,
    responseUrl: opening.responseUrl,
  });
  const left = await deps.pool.left();
  await openModal(
    opening.client,
    opening.triggerId,
    buildCreditsModal(customer, left, deps.config.currency, metadata),
  );
}
