import { describe, expect, it } from "vitest";
import { clockTime, progressLine, progressText } from "../../src/files/progress-line.js";

describe("the progress line of the import and export", () => {
  it("shows rows, rows/s, the share done and an ETA at the rate so far", () => {
    expect(
      progressText({ rows: 25_000, done: 0.25, detail: "24,990 created · 10 rejected" }, 2500),
    ).toBe("  25,000 rows · 10,000 rows/s · 25% · ETA 0:08 · 24,990 created · 10 rejected");
    expect(progressText({ rows: 1_000_000, done: 1 }, 80_000)).toBe(
      "  1,000,000 rows · 12,500 rows/s · 100% · ETA 0:00",
    );
  });

  it("leaves out the share and the ETA when the whole is unknown", () => {
    expect(progressText({ rows: 500, done: null }, 1000)).toBe("  500 rows · 500 rows/s");
  });

  it("writes long ETAs as hours, minutes and seconds", () => {
    expect(clockTime(59.4)).toBe("0:59");
    expect(clockTime(3725)).toBe("1:02:05");
  });

  it("redraws in place on a terminal at most every 200 ms, and writes a line every 5 s elsewhere", () => {
    let now = 0;
    const terminal: string[] = [];
    const onTerminal = progressLine(
      { isTTY: true, write: (text) => terminal.push(text) },
      () => now,
    );
    const log: string[] = [];
    const inLog = progressLine({ write: (text) => log.push(text) }, () => now);
    for (now = 0; now <= 10_000; now += 100) {
      onTerminal.update({ rows: now, done: null });
      inLog.update({ rows: now, done: null });
    }
    now = 10_000;
    inLog.done({ rows: 10_000, done: 1 });

    expect(terminal).toHaveLength(50);
    expect(terminal.every((text) => text.startsWith("\r") && !text.endsWith("\n"))).toBe(true);
    expect(log).toEqual([
      "  5,000 rows · 1,000 rows/s\n",
      "  10,000 rows · 1,000 rows/s\n",
      "  10,000 rows · 1,000 rows/s · 100% · ETA 0:00\n",
    ]);
  });
});
