import { z } from "zod";
import { accountSchema } from "../customers/customer-input.js";

/** The optional email an invite is bound to, typed in the command or the form: empty means any email. */
export const inviteEmailSchema = z.union([z.literal("").transform(() => null), accountSchema]);
