import { describe, expect, it } from "vitest";
import { newRequestId } from "../../src/listeners/request-scope.js";

describe("request IDs", () => {
  it("are 8 URL-safe characters and do not repeat, also across refills of the random pool", () => {
    const ids = Array.from({ length: 2_000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
