import type { z } from "zod";
import type { CustomerQuery } from "../customers/customer-query.js";
import { AppError } from "../errors/app-error.js";
import { listFilterSchemas, searchTextSchema } from "../input/list-query.js";
import { parseOrRefuse } from "./parse-or-refuse.js";

function filterValue<T>(schema: z.ZodType<T>, token: string, value: string): T {
  const parsed = schema.safeParse(value.toLowerCase());
  if (!parsed.success) {
    throw new AppError(
      "invalid_input",
      `\`${token}\` is not a valid filter: ${parsed.error.issues[0]?.message}.`,
    );
  }
  return parsed.data;
}

/** `[text] [type:T] [status:on|off] [tag:T]`, in any order; anything that is not a filter is search text. */
export function parseListQuery(args: string): CustomerQuery {
  const query: CustomerQuery = {};
  const words: string[] = [];
  for (const token of args.split(" ").filter(Boolean)) {
    const [, key = "", value = ""] = /^(type|status|tag):(.*)$/i.exec(token) ?? [];
    switch (key.toLowerCase()) {
      case "type":
        query.teamType = filterValue(listFilterSchemas.type, token, value);
        break;
      case "status":
        query.status = filterValue(listFilterSchemas.status, token, value);
        break;
      case "tag":
        query.tag = filterValue(listFilterSchemas.tag, token, value);
        break;
      default:
        words.push(token);
    }
  }
  const text = parseOrRefuse(searchTextSchema, words.join(" "));
  if (text) query.text = text;
  return query;
}
