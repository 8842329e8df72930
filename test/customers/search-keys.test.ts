import { describe, expect, it } from "vitest";
import {
  normaliseSearchText,
  searchKeysOf,
  searchWordsOf,
} from "../../src/customers/search-keys.js";

describe("search keys", () => {
  it("are the account whole, its local part and its pieces, the domain and each label", () => {
    const keys = searchKeysOf({
      account: "ana.silva+ops@mail.acme.example",
      customerId: "CUS-7K3M9Q2T",
    });
    expect(keys).toEqual(
      expect.arrayContaining([
        "ana.silva+ops@mail.acme.example",
        "ana.silva+ops",
        "ana",
        "silva",
        "ops",
        "mail.acme.example",
        "mail",
        "acme",
        "example",
      ]),
    );
  });

  it("are the internal ID lower-cased, with and without its CUS- prefix", () => {
    const keys = searchKeysOf({ account: "a@b.c", customerId: "CUS-7K3M9Q2T" });
    expect(keys).toEqual(expect.arrayContaining(["cus-7k3m9q2t", "7k3m9q2t"]));
  });

  it("are the words of team and company names, as typed between spaces and split at punctuation", () => {
    const keys = searchKeysOf({
      account: "a@b.c",
      customerId: "CUS-22222222",
      teamName: "O'Brien & Sons",
      companyName: "Acme-Robotics, Inc.",
    });
    expect(keys).toEqual(
      expect.arrayContaining([
        "o'brien",
        "o",
        "brien",
        "&",
        "sons",
        "acme-robotics,",
        "acme",
        "robotics",
        "inc.",
        "inc",
      ]),
    );
  });

  it("split names in any script at what is neither letter nor digit, as ASCII names are", () => {
    const keys = searchKeysOf({
      account: "a@b.c",
      customerId: "CUS-22222222",
      teamName: "Σοφία-Labs Ω_2",
    });
    expect(keys).toEqual(expect.arrayContaining(["σοφια-labs", "σοφια", "labs", "ω_2", "ω", "2"]));
    expect(keys).not.toContain("σοφια-");
  });

  it("are lower-case, NFKC and accent-folded, sorted, without duplicates", () => {
    const keys = searchKeysOf({
      account: "jose@acme.example",
      customerId: "CUS-22222222",
      teamName: "Équipe ＡＣＭＥ Núñez",
      companyName: "Acme",
    });
    expect(keys).toEqual(expect.arrayContaining(["equipe", "acme", "nunez"]));
    expect(keys).toEqual([...new Set(keys)].sort());
    expect(keys.filter((key) => key === "acme")).toHaveLength(1);
  });

  it("tolerate what the console may leave out: no team, no company, no @ in the account", () => {
    expect(
      searchKeysOf({ account: "legacy_login", customerId: "CUS-22222222", teamName: null }),
    ).toEqual(["22222222", "cus-22222222", "legacy", "legacy_login", "login"]);
  });
});

describe("search words", () => {
  it("are the text normalised like the keys and split at spaces (punctuation kept, duplicates dropped)", () => {
    expect(searchWordsOf("  Ｎúñez   ana@ACME acme ana@acme ")).toEqual([
      "nunez",
      "ana@acme",
      "acme",
    ]);
    expect(normaliseSearchText("ÅNGSTRÖM")).toBe("angstrom");
  });
});
