import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRepository } from "../../src/audit/audit-repository.js";
import { readCustomerRows } from "../../src/customers/customer-file-format.js";
import { importCustomers } from "../../src/customers/customer-import.js";
import { CustomerRepository } from "../../src/customers/customer-repository.js";
import { collections } from "../../src/db/collections.js";
import { openTestDatabase } from "../support/mongo/test-database.js";
import { runCliTool } from "../support/run-cli.js";

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI as an operator would against a test database. */
function run(
  script: "import" | "export",
  args: string[],
  dbName = "unused_by_this_run",
): Promise<Run> {
  return runCliTool(script, args, dbName);
}

/** The operating-system user the audit trail names (undefined where the system has no entry for it). */
function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** What an import sets of each customer, by account: what an export must carry over exactly. */
function teamDataIn(database: TestDatabase) {
  return database.db
    .collection(collections.customers)
    .find(
      {},
      {
        projection: { _id: 0, account: 1, teamName: 1, teamType: 1, companyName: 1, tag: 1 },
        sort: { account: 1 },
      },
    )
    .toArray();
}

const csv = [
  "Account,Team_Name,Team_Type,Company,Tag,notes",
  "ana@example.com,Acme Data,enterprise,Acme,vip,first",
  "ben@example.com,Ben,individual,,,",
  "nope,Nope,individual,,,",
  "ANA@example.com,Acme again,enterprise,Acme,,",
].join("\n");

let folder: string;
let source: TestDatabase;
let target: TestDatabase;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "import-export-cli-"));
  [source, target] = await Promise.all([openTestDatabase(), openTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([source.drop(), target.drop()]);
  await rm(folder, { recursive: true, force: true });
});

describe("npm run import / npm run export", () => {
  it("imports a CSV file, prints the summary and every rejected row, and writes the full report", async () => {
    const file = join(folder, "customers.csv");
    const reportFile = join(folder, "report.jsonl");
    await writeFile(file, csv);

    const result = await run("import", [file, "--report", reportFile], source.db.databaseName);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Imported customers.csv",
        "  rows read:             4",
        "  created:               2",
        "  rejected (invalid):    1",
        "  rejected (duplicates): 1",
        "",
        "Rejected rows:",
        "  line 4 (nope): Account must be an email address, e.g. ana@example.com",
        "  line 5 (ana@example.com): duplicate of line 2",
        "",
        `Report of the 2 rejected rows: ${reportFile}`,
        "",
      ].join("\n"),
    );
    const report = (await readFile(reportFile, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(report).toEqual([
      {
        line: 4,
        account: "nope",
        reasons: ["Account must be an email address, e.g. ana@example.com"],
      },
      { line: 5, account: "ana@example.com", reasons: ["duplicate of line 2"] },
    ]);
    const stored = await source.db
      .collection(collections.customers)
      .find(
        {},
        {
          projection: {
            _id: 0,
            customerId: 0,
            createdAt: 0,
            updatedAt: 0,
            searchKeys: 0,
            totals: 0,
          },
          sort: { account: 1 },
        },
      )
      .toArray();
    expect(stored).toEqual([
      {
        account: "ana@example.com",
        teamName: "Acme Data",
        teamType: "enterprise",
        companyName: "Acme",
        balance: 0,
        credits: 0,
        status: "on",
        tag: "vip",
      },
      {
        account: "ben@example.com",
        teamName: "Ben",
        teamType: "individual",
        companyName: null,
        balance: 0,
        credits: 0,
        status: "on",
        tag: null,
      },
    ]);
    const event = await source.db
      .collection(collections.auditEvents)
      .findOne({ "target.account": "ana@example.com" });
    expect(event).toMatchObject({
      action: "customer.import",
      actorId: osUser() ? `cli:${osUser()}` : expect.stringMatching(/^cli:\S+$/),
      detail: "imported from customers.csv line 2",
    });
  });

  it("exports what was imported, in a file that imports into an empty database as the same customers", async () => {
    const file = join(folder, "export.csv");
    const exported = await run("export", [file], source.db.databaseName);
    expect(exported).toMatchObject({ code: 0, stdout: `Exported 2 customers to ${file}\n` });
    const text = await readFile(file, "utf8");
    expect(text.split("\n")[0]).toBe(
      "customerId,account,teamName,teamType,companyName,balanceMinor,creditsMinor,status,tag,createdAt",
    );
    expect(text).not.toContain("passwordHash");

    const report = await importCustomers(readCustomerRows(text, "csv"), {
      customers: new CustomerRepository(target.db),
      audit: new AuditRepository(target.db),
      actorId: "cli:tester",
      source: "export.csv",
    });
    expect(report).toMatchObject({ read: 2, created: 2, invalid: 0, duplicates: 0 });
    expect(await teamDataIn(target)).toEqual(await teamDataIn(source));
  });

  it("exports the audit trail for compliance: one JSON line per event, oldest first, no secrets", async () => {
    const file = join(folder, "audit.jsonl");
    const exported = await run("export", ["--audit", file], source.db.databaseName);
    expect(exported).toMatchObject({ code: 0, stdout: `Exported 2 audit events to ${file}\n` });
    const events = (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      action: "customer.import",
      outcome: "done",
      actorRole: null,
      after: { status: "on" },
    });
    expect(events[0].at <= events[1].at).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/passwordHash|\$scrypt/);
  });

  it("writes every rejected row of a large file to the report, the first 200 as printed, with rows/s and an ETA on stderr", async () => {
    const file = join(folder, "large.csv");
    const reportFile = join(folder, "large-report.jsonl");
    const lines = ["account,teamName,teamType,companyName,tag"];
    for (let i = 1; i <= 3000; i += 1) {
      // Every 10th row invalid; every 25th repeats the account of row 1 (the first batch): 360 rejected.
      if (i % 10 === 0) lines.push(`broken-${i},Team,default,,`);
      else if (i % 25 === 0) lines.push(`big1@example.com,Again ${i},default,,`);
      else lines.push(`big${i}@example.com,Team ${i},default,,`);
    }
    await writeFile(file, lines.join("\n"));

    const result = await run("import", [file, "--report", reportFile], target.db.databaseName);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("  created:               2,640\n");
    expect(result.stdout).toContain("  rejected (invalid):      300\n");
    expect(result.stdout).toContain("  rejected (duplicates):    60\n");
    expect(result.stdout).toContain("  … and 160 more\n");
    const report = (await readFile(reportFile, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(report).toHaveLength(360);
    expect(report.map((row) => row.line)).toEqual(
      [...report.map((row) => row.line)].sort((a, b) => a - b),
    );
    expect(report).toContainEqual({
      line: 2976,
      account: "big1@example.com",
      reasons: ["duplicate of line 2"],
    });
    const printed = result.stdout.split("\n").filter((line) => /^ {2}line \d+/.test(line));
    expect(printed).toHaveLength(200);
    expect(printed).toEqual(
      report
        .slice(0, 200)
        .map((row) => `  line ${row.line} (${row.account}): ${row.reasons.join("; ")}`),
    );
    expect(result.stderr).toMatch(
      /3,000 rows · [\d,]+ rows\/s · 100% · ETA 0:00 · 2,640 created · 360 rejected/,
    );
  });

  it.concurrent("refuses bad usage with exit code 2 and the usage, before touching the database", async () => {
    const results = await Promise.all([
      run("import", [join(folder, "customers.csv"), "--unknown"]),
      run("import", []),
      run("export", [join(folder, "customers.xlsx")]),
    ]);
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/Usage: npm run (import|export) -- FILE/);
      expect(result.stdout).toBe("");
    }
    expect(results[0]?.stderr).toContain("Unknown option '--unknown'");
    expect(results[1]?.stderr).toContain("Which file?");
    expect(results[2]?.stderr).toContain("the file name must end in .csv, .jsonl or .ndjson");
  });

  it.concurrent("exits 1 with the reason when the file cannot be read or has no usable header", async () => {
    const headerless = join(folder, "headerless.csv");
    await writeFile(headerless, "email;team\nana@example.com;Ana\n");
    const [missing, unusable] = await Promise.all([
      run("import", [join(folder, "missing.jsonl")]),
      run("import", [headerless]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/import failed: cannot read .*missing\.jsonl: ENOENT/);
    expect(unusable.code).toBe(1);
    expect(unusable.stderr).toMatch(
      /import failed: .*headerless\.csv: the header row \(line 1\) has no account/,
    );
  });
});

describe("formula cells (CSV injection)", () => {
  /** Text a spreadsheet would run as a formula, and text that already starts with the quote that defuses one. */
  const teams = [
    { account: "+ana@example.com", teamName: '=HYPERLINK("http://evil.example","open")' },
    { account: "-bo@example.com", teamName: "+1+2" },
    { account: "cy@example.com", teamName: "-3+4" },
    { account: "di@example.com", teamName: "@SUM(A1:A9)" },
    { account: "ed@example.com", teamName: "'=typed with its quote" },
    { account: "fa@example.com", teamName: "'just a quote" },
    { account: "gu@example.com", teamName: "Plain = safe" },
  ];
  const jsonLines = [
    ...teams.map((team) => JSON.stringify({ ...team, teamType: "individual" })),
    JSON.stringify({
      account: "ho@example.com",
      teamName: "Ho",
      teamType: "enterprise",
      companyName: "=cmd|' /C calc'!A0",
    }),
  ].join("\n");
  const formulaStart = /^[=+\-@\t\r]/;
  let from: TestDatabase;
  let into: TestDatabase;

  beforeAll(async () => {
    [from, into] = await Promise.all([openTestDatabase(), openTestDatabase()]);
    const report = await importCustomers(readCustomerRows(jsonLines, "jsonl"), {
      customers: new CustomerRepository(from.db),
      audit: new AuditRepository(from.db),
      actorId: "cli:tester",
      source: "formulas.jsonl",
    });
    expect(report).toMatchObject({ created: teams.length + 1, invalid: 0 });
  });
  afterAll(async () => {
    await Promise.all([from.drop(), into.drop()]);
  });

  it("exports no cell a spreadsheet would run, and imports the file back as exactly what was typed", async () => {
    const file = join(folder, "formulas.csv");
    expect(await run("export", [file], from.db.databaseName)).toMatchObject({ code: 0 });
    const text = await readFile(file, "utf8");
    const cells = parseCsv(text, { columns: true }) as Record<string, string>[];
    for (const row of cells) {
      for (const cell of Object.values(row)) expect(cell).not.toMatch(formulaStart);
    }
    const byAccount = new Map(cells.map((row) => [row.account, row]));
    expect(byAccount.get("'+ana@example.com")?.teamName).toBe(
      `'=HYPERLINK("http://evil.example","open")`,
    );
    expect(byAccount.get("'-bo@example.com")?.teamName).toBe("'+1+2");
    expect(byAccount.get("di@example.com")?.teamName).toBe("'@SUM(A1:A9)");
    expect(byAccount.get("ed@example.com")?.teamName).toBe("''=typed with its quote");
    expect(byAccount.get("fa@example.com")?.teamName).toBe("''just a quote");
    expect(byAccount.get("gu@example.com")?.teamName).toBe("Plain = safe");
    expect(byAccount.get("ho@example.com")?.companyName).toBe("'=cmd|' /C calc'!A0");
    expect(text).toContain(`,"'@SUM(A1:A9)",`);

    const imported = await run("import", [file], into.db.databaseName);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain(`  created:               ${teams.length + 1}`);
    expect(await teamDataIn(into)).toEqual(await teamDataIn(from));
  });

  it("exports an audit trail whose reasons and names cannot run as formulas", async () => {
    await new AuditRepository(from.db).record({
      at: new Date(),
      actorId: "@mallory",
      actorRole: null,
      action: "customer.tag.set",
      outcome: "refused",
      target: { account: "-bo@example.com" },
      detail: "=2+5",
    });
    const file = join(folder, "formula-audit.csv");
    expect(await run("export", ["--audit", file], from.db.databaseName)).toMatchObject({ code: 0 });
    const rows = parseCsv(await readFile(file, "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    for (const row of rows) {
      for (const cell of Object.values(row)) expect(cell).not.toMatch(formulaStart);
    }
    expect(rows.at(-1)).toMatchObject({
      actorId: "'@mallory",
      account: "'-bo@example.com",
      detail: "'=2+5",
    });
  });
});
