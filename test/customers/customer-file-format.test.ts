import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CustomerFileError,
  type CustomerFileFormat,
  type CustomerRow,
  formatFromPath,
  readCustomerRows,
  writeCustomers,
} from "../../src/customers/customer-file-format.js";
import { aCustomer } from "../support/customer-fixtures.js";

async function rowsOf(text: string, format: CustomerFileFormat): Promise<CustomerRow[]> {
  const rows: CustomerRow[] = [];
  for await (const row of readCustomerRows(text, format)) rows.push(row);
  return rows;
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "customer-file-format-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("reading CSV", () => {
  it("understands console-style headers in any case and ignores columns it does not know", async () => {
    const text = [
      "Account,TEAM_NAME,team_type,Company,Tag,balanceMinor,constructor",
      "ana@example.com,Acme Data,enterprise,Acme,vip,1200,x",
    ].join("\n");
    expect(await rowsOf(text, "csv")).toEqual([
      {
        line: 2,
        values: {
          account: "ana@example.com",
          teamName: "Acme Data",
          teamType: "enterprise",
          companyName: "Acme",
          tag: "vip",
        },
      },
    ]);
    const spelled = await rowsOf(
      "account,teamName,teamType,company_name\nb@example.com,B,default,\n",
      "csv",
    );
    expect(spelled).toEqual([
      {
        line: 2,
        values: { account: "b@example.com", teamName: "B", teamType: "default", companyName: "" },
      },
    ]);
  });

  it("numbers rows by their line in the file, past blank lines, CRLF endings and quoted line breaks", async () => {
    const text =
      '\uFEFFaccount,teamName,teamType\r\n\r\na@example.com,"Two\r\nlines",default\r\nb@example.com,"Say ""hi""",default\r\n';
    expect(await rowsOf(text, "csv")).toEqual([
      {
        line: 3,
        values: { account: "a@example.com", teamName: "Two\nlines", teamType: "default" },
      },
      { line: 5, values: { account: "b@example.com", teamName: 'Say "hi"', teamType: "default" } },
    ]);
  });

  it("rejects a broken line with its line number and a reason, and reads the rest of the file", async () => {
    const text = [
      "account,teamName,teamType",
      'a@example.com,Team "Blue" x,default',
      'b@example.com,"Blue"x,default',
      '"c@example.com,Never closed,default',
      "d@example.com,Fine,default",
      "e@example.com,Too,many,values",
      "f@example.com,Too few",
      ",,",
      "g@example.com,Also fine,individual",
    ].join("\n");
    const rows = await rowsOf(text, "csv");
    expect(rows).toEqual([
      {
        line: 2,
        problem: expect.stringMatching(
          /^not valid CSV: a quote inside an unquoted value \(value 2\)/,
        ),
      },
      {
        line: 3,
        problem: expect.stringMatching(/^not valid CSV: text after a closing quote \(value 2\)/),
      },
      { line: 4, problem: "not valid CSV: a quoted value is never closed" },
      { line: 5, values: { account: "d@example.com", teamName: "Fine", teamType: "default" } },
      {
        line: 6,
        account: "e@example.com",
        problem: "not valid CSV: the line has 4 values but the header has 3 columns",
      },
      {
        line: 7,
        account: "f@example.com",
        problem: "not valid CSV: the line has 2 values but the header has 3 columns",
      },
      {
        line: 9,
        values: { account: "g@example.com", teamName: "Also fine", teamType: "individual" },
      },
    ]);
  });

  it.each([
    ["an empty file", "", /the file is empty: a CSV import needs a header row/],
    ["a header without account", "email,teamName,teamType\n", /has no account column/],
    [
      "a header without team columns",
      "account\na@example.com\n",
      /has no teamName, teamType columns/,
    ],
    [
      "a semicolon-separated file",
      "account;teamName;teamType\n",
      /the file must be comma-separated/,
    ],
    [
      "two columns meaning the same",
      "account,company,companyName,teamName,teamType\n",
      /both "company" and "companyName"/,
    ],
  ])("refuses %s as a whole", async (_what, text, message) => {
    await expect(rowsOf(text, "csv")).rejects.toThrow(CustomerFileError);
    await expect(rowsOf(text, "csv")).rejects.toThrow(message);
  });
});

describe("reading JSON lines", () => {
  it("reads one object a line with the same key spellings; null means empty; blank lines are skipped", async () => {
    const text = [
      '{"account":"a@example.com","team_name":"A","teamType":"individual","companyName":null,"extra":1}',
      "",
      '{"ACCOUNT":"b@example.com","teamName":"B","team_type":"enterprise","company":"Acme","tag":"vip"}',
    ].join("\n");
    expect(await rowsOf(text, "jsonl")).toEqual([
      { line: 1, values: { account: "a@example.com", teamName: "A", teamType: "individual" } },
      {
        line: 3,
        values: {
          account: "b@example.com",
          teamName: "B",
          teamType: "enterprise",
          companyName: "Acme",
          tag: "vip",
        },
      },
    ]);
  });

  it("rejects a line that is not JSON, not an object, or holds a number where text belongs", async () => {
    const text = [
      "{not json",
      '["a@example.com"]',
      '{"account":"c@example.com","teamName":42,"teamType":"default"}',
      '{"account":"d@example.com","teamName":"D","teamType":"default"}',
    ].join("\n");
    expect(await rowsOf(text, "jsonl")).toEqual([
      { line: 1, problem: expect.stringMatching(/^not valid JSON: /) },
      { line: 2, problem: expect.stringMatching(/^not a JSON object/) },
      {
        line: 3,
        account: "c@example.com",
        problem: '"teamName" must be text (a JSON string), not a number',
      },
      { line: 4, values: { account: "d@example.com", teamName: "D", teamType: "default" } },
    ]);
  });
});

describe("writing customers", () => {
  const customers = [
    aCustomer({
      account: "ana@example.com",
      teamName: 'Acme, "Data"',
      teamType: "enterprise",
      companyName: "Acme",
      tag: "vip",
      balance: 1250,
      credits: 300,
      createdAt: new Date("2026-01-02T03:04:05.000Z"),
    }),
    aCustomer({ account: "bo@example.com", teamName: "Bo", status: "off" }),
  ];

  it("writes CSV with a header row, money in minor units, ISO dates and empty cells for none", async () => {
    const path = join(folder, "out.csv");
    const written = await writeCustomers(customers, "csv", createWriteStream(path));
    expect(written).toBe(2);
    const lines = (await readFile(path, "utf8")).split("\n");
    expect(lines[0]).toBe(
      "customerId,account,teamName,teamType,companyName,balanceMinor,creditsMinor,status,tag,createdAt",
    );
    expect(lines[1]).toBe(
      `${customers[0]?.customerId},ana@example.com,"Acme, ""Data""",enterprise,Acme,1250,300,on,vip,2026-01-02T03:04:05.000Z`,
    );
    expect(lines[2]).toMatch(/^CUS-\w{8},bo@example.com,Bo,individual,,0,0,off,,\d{4}-\d\d-\d\dT/);
  });

  it("writes JSON lines with null for none and never a password hash", async () => {
    const path = join(folder, "out.jsonl");
    const withHash = {
      ...customers[1],
      passwordHash: "$argon2id$v=19$secret",
    } as (typeof customers)[number];
    await writeCustomers([withHash], "jsonl", createWriteStream(path));
    const text = await readFile(path, "utf8");
    expect(text).not.toContain("argon2");
    expect(JSON.parse(text)).toEqual({
      customerId: customers[1]?.customerId,
      account: "bo@example.com",
      teamName: "Bo",
      teamType: "individual",
      companyName: null,
      balanceMinor: 0,
      creditsMinor: 0,
      status: "off",
      tag: null,
      createdAt: customers[1]?.createdAt.toISOString(),
    });
  });

  it.each(["csv", "jsonl"] as const)(
    "reads back what it wrote as %s, from a file stream",
    async (format) => {
      const path = join(folder, `round-trip.${format}`);
      await writeCustomers(customers, format, createWriteStream(path));
      const rows: CustomerRow[] = [];
      for await (const row of readCustomerRows(createReadStream(path, "utf8"), format))
        rows.push(row);
      expect(rows.map((row) => ("values" in row ? row.values : row))).toEqual([
        {
          account: "ana@example.com",
          teamName: 'Acme, "Data"',
          teamType: "enterprise",
          companyName: "Acme",
          tag: "vip",
        },
        format === "csv"
          ? {
              account: "bo@example.com",
              teamName: "Bo",
              teamType: "individual",
              companyName: "",
              tag: "",
            }
          : { account: "bo@example.com", teamName: "Bo", teamType: "individual" },
      ]);
    },
  );

  it("tells the format from the file name", async () => {
    expect(["a.csv", "B.CSV", "c.jsonl", "d.ndjson", "e.json", "f"].map(formatFromPath)).toEqual([
      "csv",
      "csv",
      "jsonl",
      "jsonl",
      null,
      null,
    ]);
  });

  it("fails reading a file that cannot be read instead of returning no rows", async () => {
    const missing = createReadStream(join(folder, "missing.csv"), "utf8");
    const reading = (async () => {
      for await (const _row of readCustomerRows(missing, "csv")) {
        // nothing
      }
    })();
    await expect(reading).rejects.toThrow(/ENOENT/);
  });
});

describe("formula cells (CSV injection)", () => {
  const teamNamesIn = async (text: string) =>
    (await rowsOf(text, "csv")).map((row) => ("values" in row ? row.values.teamName : row));

  it("writes a cell starting with = + - @ tab, CR or ' behind one more ', quoted, and reads it back as it was", async () => {
    const teamNames = ["=1+2", "+1", "-1", "@A1", "\tTab", "\rReturn", "'=quoted", "'quote", "a=b"];
    const customers = teamNames.map((teamName) => aCustomer({ teamName, balance: 0 }));
    const path = join(folder, "formulas.csv");
    await writeCustomers(customers, "csv", createWriteStream(path));
    const text = await readFile(path, "utf8");
    expect(text).toContain(',"\'=1+2",');
    expect(text).toContain(',"\'\tTab",');
    expect(text).toContain(',"\'\rReturn",');
    expect(text).toContain(",\"''quote\",");
    expect(text).toContain(",a=b,");
    expect(await teamNamesIn(text)).toEqual([
      "=1+2",
      "+1",
      "-1",
      "@A1",
      "\tTab",
      // The reader takes a lone CR for a line break (the create form's rules would trim it anyway).
      "\nReturn",
      "'=quoted",
      "'quote",
      "a=b",
    ]);
  });

  it("takes one ' off a hand-written cell only where an export would have put it", async () => {
    const csv = [
      "account,teamName,teamType",
      "a@example.com,'=SUM(A1),individual",
      "b@example.com,'O'Brien,individual",
      "c@example.com,''=both,individual",
      "d@example.com,'-1,individual",
    ].join("\n");
    expect(await teamNamesIn(csv)).toEqual(["=SUM(A1)", "'O'Brien", "'=both", "-1"]);
  });
});
