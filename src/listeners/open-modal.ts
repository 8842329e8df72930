import type { ModalView } from "@slack/types";
import { ErrorCode, type WebClient } from "@slack/web-api";
import { AppError } from "../errors/app-error.js";

/** Slack refused the trigger as too old, or did not answer within the modal client's timeout. */
function triggerRanOut(error: unknown): boolean {
  const { code, data, original } = error as {
    code?: string;
    data?: { error?: string };
    original?: { name?: string };
  };
  if (data?.error === "expired_trigger_id" || data?.error === "invalid_trigger_id") return true;
  return code === ErrorCode.RequestError && original?.name === "TimeoutError";
}

/** The modal Slack opened: what a later views.update names it by. */
export interface OpenedModal {
  viewId: string | undefined;
  hash: string | undefined;
}

/**
 * Opens a modal while the trigger is fresh, through the modal client (2.5 s, no retry); an expired
 * trigger or a Slack that does not answer in time becomes a clear "try again".
 */
export async function openModal(
  client: WebClient,
  triggerId: string | undefined,
  view: ModalView,
): Promise<OpenedModal> {
  if (!triggerId)
    throw new AppError(
      "invalid_input",
      "Slack did not send what is needed to open a form here; use the /customer command instead.",
    );
  try {
    const opened = await client.views.open({ trigger_id: triggerId, view });
    return { viewId: opened.view?.id, hash: opened.view?.hash };
  } catch (error) {
    if (triggerRanOut(error)) {
      throw new AppError("unavailable", "Slack took too long to open the form. Please try again.", {
        cause: error,
      });
    }
    throw error;
  }
}
