import type { Db } from "mongodb";
import { type Customer, customerIdAlphabet } from "../../src/customers/customer.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";

let counter = 0;

/** `CUS-` + the counter written in the ID alphabet, so every fixture ID is valid and distinct. */
function fixtureCustomerId(n: number): string {
  let digits = "";
  for (let rest = n; digits.length < 8; rest = Math.floor(rest / customerIdAlphabet.length)) {
    digits = customerIdAlphabet[rest % customerIdAlphabet.length] + digits;
  }
  return `CUS-${digits}`;
}

/** A customer with sensible values; override what the test is about. */
export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  counter += 1;
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1) + counter * 60_000);
  return {
    customerId: fixtureCustomerId(counter),
    account: `customer${counter}@example.com`,
    teamName: `Team ${counter}`,
    teamType: "individual",
    companyName: null,
    balance: 0,
    credits: 0,
    status: "on",
    tag: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

export async function insertCustomers(db: Db, customers: Customer[]): Promise<void> {
  await new CustomerRepository(db).insertMany(customers.map((customer) => ({ ...customer })));
}
