/** Finding secrets: the ones the app hands out (passwords, invite links) and where they must never be. */
import type { Db } from "mongodb";

export interface Secret {
  /** What it is, for the report (never the value itself). */
  label: string;
  value: string;
}

/** Passwords the app showed: the code block of a password section (```PASSWORD```). */
export function passwordsIn(text: string): string[] {
  return [...text.matchAll(/```([^`\s]{12,64})```/g)].map((match) => match[1] as string);
}

/** Invite tokens in registration links (`…/register?invite=TOKEN`). */
export function inviteTokensIn(text: string): string[] {
  return [...text.matchAll(/invite=([A-Za-z0-9_%-]{20,})/g)].map((match) =>
    decodeURIComponent(match[1] as string),
  );
}

/** The ways a value can be written into a log line or a document: as is, JSON-escaped, URL-encoded. */
function spellings(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

/** Labels of the secrets that occur in `text`. */
export function secretsIn(text: string, secrets: Secret[]): string[] {
  return secrets
    .filter((secret) => spellings(secret.value).some((spelling) => text.includes(spelling)))
    .map((secret) => secret.label);
}

const passwordHash = /\$scrypt\$/;

export interface DocumentFinding {
  where: string;
  what: string;
}

/**
 * Walks every document of every collection: each secret found (where), and every password hash
 * found outside `allowedHashPaths` (collection.field).
 */
export async function scanDocuments(
  db: Db,
  secrets: Secret[],
  allowedHashPaths: string[],
): Promise<{ documents: number; hashes: string[]; findings: DocumentFinding[] }> {
  const findings: DocumentFinding[] = [];
  const hashes: string[] = [];
  let documents = 0;
  const visit = (collection: string, path: string, value: unknown) => {
    if (typeof value === "string") {
      for (const label of secretsIn(value, secrets))
        findings.push({ where: `${collection}.${path}`, what: label });
      if (passwordHash.test(value)) {
        hashes.push(`${collection}.${path}`);
        if (!allowedHashPaths.includes(`${collection}.${path}`))
          findings.push({ where: `${collection}.${path}`, what: "a password hash" });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(collection, `${path}[${i}]`, item);
      });
      return;
    }
    if (value && typeof value === "object" && !(value instanceof Date)) {
      if ((value as { _bsontype?: string })._bsontype)
        return visit(collection, path, String(value));
      for (const [key, inner] of Object.entries(value))
        visit(collection, path ? `${path}.${key}` : key, inner);
    }
  };
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const document of await db.collection(name).find({}).toArray()) {
      documents += 1;
      visit(name, "", document);
    }
  }
  return { documents, hashes, findings };
}
