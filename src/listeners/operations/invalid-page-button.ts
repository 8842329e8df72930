import { AppError } from "../../errors/app-error.js";

/** A page button that is forged, damaged or names an entry that is not the customer's. */
export function invalidPageButton(command: string): AppError {
  return new AppError(
    "invalid_input",
    `That page button is not valid. Run \`${command}\` again to start over.`,
  );
}
