import { randomInt } from "node:crypto";
import { customerIdAlphabet } from "./customer.js";

/** A new internal customer ID such as `CUS-7K3M9Q2T` (31^8 ≈ 8.5e11 possibilities; uniqueness is the index's job). */
export function newCustomerId(pick: (max: number) => number = randomInt): string {
  let id = "CUS-";
  for (let i = 0; i < 8; i += 1) id += customerIdAlphabet[pick(customerIdAlphabet.length)];
  return id;
}
