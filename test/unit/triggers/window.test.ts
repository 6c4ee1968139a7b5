import { describe, expect, it } from "vitest";
import { windowKey } from "../../../src/triggers/schedule.ts";

describe("windowKey", () => {
  it("keys a daily window by the UTC date", () => {
    // Act
    const keys = [
      windowKey(new Date("2026-11-23T00:00:00Z"), "daily"),
      windowKey(new Date("2026-11-23T23:59:59.999Z"), "daily"),
      windowKey(new Date("2026-11-24T00:30:00+02:00"), "daily"),
    ];

    // Assess
    expect(keys).toEqual(["2026-11-23", "2026-11-23", "2026-11-23"]);
  });

  it("keys a weekly window by the ISO week, Monday to Sunday", () => {
    // Act
    const keys = [
      windowKey(new Date("2026-11-22T23:59:59Z"), "weekly"),
      windowKey(new Date("2026-11-23T06:00:00Z"), "weekly"),
      windowKey(new Date("2026-11-29T23:59:59Z"), "weekly"),
      windowKey(new Date("2026-11-30T00:00:00Z"), "weekly"),
    ];

    // Assess
    expect(keys).toEqual(["2026-W47", "2026-W48", "2026-W48", "2026-W49"]);
  });

  it("gives days around the new year the ISO week's year", () => {
    // Act
    const keys = [
      windowKey(new Date("2024-12-30T12:00:00Z"), "weekly"),
      windowKey(new Date("2025-01-01T12:00:00Z"), "weekly"),
      windowKey(new Date("2026-12-31T12:00:00Z"), "weekly"),
      windowKey(new Date("2027-01-03T12:00:00Z"), "weekly"),
      windowKey(new Date("2027-01-04T12:00:00Z"), "weekly"),
      windowKey(new Date("2021-01-03T12:00:00Z"), "weekly"),
    ];

    // Assess
    expect(keys).toEqual(["2025-W01", "2025-W01", "2026-W53", "2026-W53", "2027-W01", "2020-W53"]);
  });

  it("refuses a time that is not one", () => {
    // Act
    const key = () => windowKey(new Date("not a time"), "daily");

    // Assess
    expect(key).toThrow(RangeError);
  });
});
