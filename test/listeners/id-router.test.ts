import { describe, expect, it } from "vitest";
import { IdRouter } from "../../src/listeners/id-router.js";

describe("IdRouter", () => {
  const router = new IdRouter<string>()
    .on("customer_history", "open history")
    .onPrefix("customer_history_page:", "history page")
    .onPrefix("customers_list_page", "list page")
    .on("approval_approve", "approve");

  it("finds exact ids and ids that carry a value after a known prefix", () => {
    expect(router.find("customer_history")).toBe("open history");
    expect(router.find("customer_history_page:2")).toBe("history page");
    expect(router.find("customers_list_page:next")).toBe("list page");
    expect(router.find("approval_approve")).toBe("approve");
  });

  it("finds nothing for an id it does not know, or one that only resembles a known one", () => {
    expect(router.find("approval_approve2")).toBeUndefined();
    expect(router.find("customer_history_page")).toBeUndefined();
    expect(router.find("")).toBeUndefined();
  });

  it("refuses two handlers for the same id", () => {
    expect(() => new IdRouter<string>().on("a", "one").on("a", "two")).toThrow(
      "two handlers for a",
    );
  });
});
