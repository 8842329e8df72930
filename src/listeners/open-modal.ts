import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { AppError } from "../errors/app-error.js";

/** Opens a modal while the trigger is fresh; an expired trigger becomes a clear "try again". */
export async function openModal(
  client: WebClient,
  triggerId: string | undefined,
  view: ModalView,
): Promise<void> {
  if (!triggerId)
    throw new AppError(
      "invalid_input",
      "Slack did not send what is needed to open a form here; use the /customer command instead.",
    );
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === "expired_trigger_id" || code === "invalid_trigger_id") {
      throw new AppError("unavailable", "Slack took too long to open the form. Please try again.", {
        cause: error,
      });
    }
    throw error;
  }
}
