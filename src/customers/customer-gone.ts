import { AppError } from "../errors/app-error.js";

/** The answer when a customer a button, form or request named was deleted meanwhile. */
export function customerGone(customerId: string, consequence = ""): AppError {
  return new AppError("not_found", `Customer ${customerId} no longer exists${consequence}.`);
}
