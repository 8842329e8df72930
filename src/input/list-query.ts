import { z } from "zod";
import { statuses, tagPattern, tagRule, teamTypes } from "../customers/customer.js";

const maxSearchTextLength = 200;

/** The free text of a list: typed after `/customer list`, carried by the list's page buttons. */
export const searchTextSchema = z.string().max(maxSearchTextLength, {
  error: (issue) =>
    `The search text is ${String(issue.input).length} characters long; the most is ${maxSearchTextLength}.`,
});

/** The exact filters of a list (`type:`, `status:`, `tag:`), typed or carried by a page button. */
export const listFilterSchemas = {
  type: z.enum(teamTypes, { error: "type must be one of default, individual, enterprise" }),
  status: z.enum(statuses, { error: "status must be on or off" }),
  tag: z.string().regex(tagPattern, { error: `tag: ${tagRule}` }),
};
