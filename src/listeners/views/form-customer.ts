import { viewIds } from "../../blocks/action-ids.js";
import { customerRefValue } from "../../blocks/button-values.js";
import type { Customer } from "../../customers/customer.js";
import { AppError } from "../../errors/app-error.js";
import type { Deps } from "../deps.js";
import type { ModalMetadata } from "../modal-metadata.js";
import type { ViewArgs } from "../view-args.js";
import type { FieldErrors } from "./submit-form.js";

/** Who a submitted form is for: fixed by its metadata, or picked in the form (undefined: neither). */
export interface FormCustomer {
  customerId: string | undefined;
  picked: boolean;
}

export const pickFromList = "Pick a customer from the list.";
export const pickedCustomerGone = "That customer no longer exists. Pick another from the list.";

type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * The form's customer: the one its metadata fixes, else the picker's value — only an internal ID
 * passes (a forged or damaged value is an error on the picker).
 */
export function formCustomerOf(
  args: ViewArgs,
  values: Record<string, string>,
  metadata: ModalMetadata,
): Validation<FormCustomer> {
  if (metadata.customerId)
    return { ok: true, value: { customerId: metadata.customerId, picked: false } };
  if (!(viewIds.customer in (args.view.state?.values ?? {})))
    return { ok: true, value: { customerId: undefined, picked: false } };
  const picked = customerRefValue.safeParse(values[viewIds.customer]);
  if (!picked.success) return { ok: false, errors: { [viewIds.customer]: pickFromList } };
  return { ok: true, value: { customerId: picked.data, picked: true } };
}

/** A form's own validation and its customer's, with the errors of both. */
export function withFormCustomer<T>(
  validation: Validation<T>,
  customer: Validation<FormCustomer>,
): Validation<T & { customer: FormCustomer }> {
  if (validation.ok && customer.ok)
    return { ok: true, value: { ...validation.value, customer: customer.value } };
  return {
    ok: false,
    errors: {
      ...(customer.ok ? {} : customer.errors),
      ...(validation.ok ? {} : validation.errors),
    },
  };
}

/** Re-reads a picked customer by its ID (`$eq`): one that no longer exists is an error on the picker. */
export async function pickedCustomer(deps: Deps, customerId: string): Promise<Customer> {
  try {
    return await deps.customers.get(customerId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found")
      throw new AppError("not_found", pickedCustomerGone, {
        field: viewIds.customer,
        cause: error,
      });
    throw error;
  }
}

/**
 * The customer ID a form acts on, the picked one re-read first; `missing` is said when the form
 * names none (damaged metadata).
 */
export async function formCustomerId(
  deps: Deps,
  customer: FormCustomer,
  missing: string,
): Promise<string> {
  if (!customer.customerId) throw new AppError("invalid_input", missing);
  if (customer.picked) await pickedCustomer(deps, customer.customerId);
  return customer.customerId;
}
