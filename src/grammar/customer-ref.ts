import { AppError } from "../errors/app-error.js";

const maxLookupLength = 200;

/** The REF of a subcommand that acts on one customer; without one, the subcommand's usage. */
export function requireRef(ref: string, usage: string): string {
  if (ref === "") throw new AppError("invalid_input", `Say which customer: \`${usage}\`.`);
  return ref;
}

/** The REF of `/customer show REF` or a bare `/customer REF`. */
export function lookupRef(text: string): string {
  if (text.length > maxLookupLength) {
    throw new AppError(
      "invalid_input",
      `That reference is ${text.length} characters long; the most is ${maxLookupLength}.`,
    );
  }
  return text;
}
