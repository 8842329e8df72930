/** Reading and validating command fields. */
import { type Document, Long } from "bson";
import { badValue, CommandError, invalidNamespace, typeMismatch, unsupported } from "../errors.js";
import { isPlainObject } from "../values.js";

export function collectionName(command: Document, field: string): string {
  const name = command[field];
  if (typeof name !== "string" || name === "") {
    throw invalidNamespace(`Invalid namespace specified: collection name in '${field}'`);
  }
  return name;
}

export function optionalDocument(command: Document, field: string): Document | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw typeMismatch(`BSON field '${field}' must be an object`);
  return value;
}

export function optionalNumber(command: Document, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value;
  if (value instanceof Long) return value.toNumber();
  throw typeMismatch(`BSON field '${field}' must be a number`);
}

export function requiredArray(command: Document, field: string): unknown[] {
  const value = command[field];
  if (!Array.isArray(value)) throw typeMismatch(`BSON field '${field}' must be an array`);
  return value;
}

export function requiredDocument(value: unknown, what: string): Document {
  if (!isPlainObject(value)) throw typeMismatch(`${what} must be an object`);
  return value;
}

export function requireAdmin(dbName: string, commandName: string): void {
  if (dbName !== "admin") {
    throw new CommandError(
      13,
      "Unauthorized",
      `${commandName} may only be run against the admin database.`,
    );
  }
}

/** Refuses fields of a nested statement (update/delete entries) that we do not implement. */
export function checkStatementFields(
  statement: Document,
  accepted: readonly string[],
  what: string,
): void {
  for (const field of Object.keys(statement)) {
    if (!accepted.includes(field)) throw unsupported(`field '${field}' of ${what}`);
  }
}

/** Validates the `cursor: { batchSize }` option of aggregate and listing commands. */
export function cursorBatchSize(command: Document): number | undefined {
  const cursor = optionalDocument(command, "cursor");
  if (!cursor) return undefined;
  const batchSize = optionalNumber(cursor, "batchSize");
  if (batchSize !== undefined && batchSize < 0) throw badValue("batchSize must be non-negative");
  return batchSize;
}
