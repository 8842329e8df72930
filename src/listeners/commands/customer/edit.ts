import { buildCustomerFormModal, buildTagModal } from "../../../blocks/customer-form-modal.js";
import type { Customer } from "../../../customers/customer.js";
import { encodeModalMetadata } from "../../modal-metadata.js";
import { openModal } from "../../open-modal.js";
import type { FormOpening } from "./create.js";

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
