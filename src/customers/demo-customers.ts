import type { TeamType } from "./customer.js";
import { newCustomerId } from "./customer-id.js";

const firstNames = [
  "ana",
  "ben",
  "chen",
  "dara",
  "eli",
  "fatima",
  "gus",
  "hana",
  "ivan",
  "jun",
  "kofi",
  "lena",
  "mateo",
  "nia",
  "omar",
  "priya",
  "quinn",
  "rosa",
  "sven",
  "tariq",
  "uma",
  "viktor",
  "wen",
  "yusuf",
  "zoe",
];
const lastNames = [
  "silva",
  "novak",
  "okafor",
  "tanaka",
  "muller",
  "haddad",
  "kowalski",
  "rossi",
  "nguyen",
  "larsen",
  "ibrahim",
  "garcia",
  "kim",
  "petrov",
  "osei",
  "dubois",
];
const companies = [
  "Acme Robotics",
  "Blue Harbor Logistics",
  "Cobalt Analytics",
  "Delta Foods",
  "Evergreen Health",
  "Fjord Energy",
  "Granite Insurance",
  "Helix Biotech",
  "Iris Media",
  "Juniper Retail",
  "Kestrel Aerospace",
  "Lumen Studios",
  "Meridian Bank",
  "Northwind Traders",
  "Orbit Telecom",
  "Pinecrest Schools",
];
const mailDomains = ["example.com", "example.org", "example.net", "mail.example", "corp.example"];
const tags = ["vip", "trial", "partner", "churn-risk", "beta"];

/** A small deterministic random source, so `--seed` reproduces the same demo data. */
export function seededRandom(seed: number): (max: number) => number {
  let state = seed >>> 0 || 1;
  return (max: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % max;
  };
}

function pick<T>(items: readonly T[], random: (max: number) => number): T {
  return items[random(items.length)] as T;
}

/**
 * Realistic demo customer documents of every team type (enterprise ones with companies). Money starts
 * at zero: balances and credits only ever change through the ledger.
 */
export function demoCustomers(
  count: number,
  options: { now: Date; random: (max: number) => number; batch: string },
) {
  const { now, random } = options;
  const twoYearsMs = 2 * 365 * 24 * 3600 * 1000;
  return Array.from({ length: count }, (_, index) => {
    const first = pick(firstNames, random);
    const last = pick(lastNames, random);
    const roll = random(100);
    const teamType: TeamType = roll < 20 ? "default" : roll < 60 ? "individual" : "enterprise";
    const company = teamType === "enterprise" ? pick(companies, random) : null;
    const domain = company
      ? `${company.toLowerCase().replace(/[^a-z]+/g, "")}.example`
      : pick(mailDomains, random);
    const createdAt = new Date(now.getTime() - random(twoYearsMs / 1000) * 1000);
    return {
      customerId: newCustomerId(random),
      account: `${first}.${last}.${options.batch}${index}@${domain}`,
      teamName: company
        ? `${company} ${pick(["Platform", "Data", "Ops", "Web"], random)}`
        : `${first}-${last}`,
      teamType,
      companyName: company,
      balance: 0,
      credits: 0,
      status: random(10) === 0 ? "off" : "on",
      tag: random(3) === 0 ? pick(tags, random) : null,
      createdAt,
      updatedAt: createdAt,
    };
  });
}
