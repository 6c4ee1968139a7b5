import { describe, expect, it } from "vitest";
import { capText, joinReasons, MAX_REASON_CHARS } from "../../../src/decision/index.ts";

const reason = (index: number) => `benchmark ${index} failed: ${"x".repeat(1000)}`;

describe("joinReasons", () => {
  it("joins every reason when they fit", () => {
    expect(joinReasons(["a", "b", "c"])).toBe("a | b | c");
  });

  it("keeps 300 reasons of 1 KB within its bound, whole reasons only, and says how many more", () => {
    // Prepare
    const reasons = Array.from({ length: 300 }, (_, index) => reason(index));

    // Act
    const joined = joinReasons(reasons);

    // Assess
    expect(joined.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    const parts = joined.split(" | ");
    const kept = parts.slice(0, -1);
    expect(kept).toEqual(reasons.slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(0);
    expect(parts.at(-1)).toBe(`... and ${300 - kept.length} more`);
  });

  it("cuts a single reason longer than the bound, and still counts the others", () => {
    // Act
    const joined = joinReasons(["y".repeat(10_000), "z"], 100);

    // Assess
    expect(joined.length).toBeLessThanOrEqual(100);
    expect(joined).toMatch(/^y+\.\.\. \| \.\.\. and 1 more$/);
  });
});

describe("capText", () => {
  it("keeps a short text whole and says how many characters a long one lost", () => {
    expect(capText("short", 10)).toBe("short");
    expect(capText("a".repeat(25), 10)).toBe(`${"a".repeat(10)}… (15 more characters)`);
  });
});
