import type { WebClient } from "@slack/web-api";
import type { Deps } from "../../../app/deps.js";
import { buildCustomerFormModal, buildInviteModal } from "../../../blocks/customer-form-modal.js";
import { encodeModalMetadata } from "../../modal-metadata.js";
import { openModal } from "../../open-modal.js";

export interface FormOpening {
  client: WebClient;
  triggerId: string | undefined;
  /** Where the result is answered; absent when opened from App Home. */
  responseUrl: string | undefined;
}

/** `/customer create` and the New customer buttons: the create form. */
export async function openCreateForm(_deps: Deps, opening: FormOpening): Promise<void> {
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
