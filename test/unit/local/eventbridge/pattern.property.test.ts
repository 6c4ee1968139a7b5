import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesPattern, validatePattern } from "../../../../local/eventbridge/pattern.ts";

// A small key set, shared by patterns and events, so generated patterns often meet real fields.
const key = fc.constantFrom("a", "b", "c", "detail", "source");
const finiteNumber = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
const text = fc.string({ maxLength: 6 });
const primitive = fc.oneof(text, finiteNumber, fc.boolean(), fc.constant(null));

const wildcard = fc
  .array(text, { minLength: 1, maxLength: 4 })
  .map((parts) =>
    parts.map((part) => part.replaceAll("\\", "\\\\").replaceAll("*", "\\*")).join("*"),
  )
  .filter((value) => !value.includes("**"));

const numericSpec = fc.oneof(
  finiteNumber.map((value) => ["=", value]),
  fc
    .tuple(fc.constantFrom("<", "<=", ">", ">="), finiteNumber)
    .map(([operator, value]) => [operator, value]),
  fc
    .tuple(fc.constantFrom(">", ">="), finiteNumber, fc.constantFrom("<", "<="), finiteNumber)
    .map(([lowOp, first, highOp, second]) => {
      const low = Math.min(first, second);
      const high = Math.max(first, second);
      return [lowOp, low, highOp, high > low ? high : low + 1];
    }),
);

const anythingBut = fc.oneof(
  text,
  finiteNumber,
  fc.array(text, { minLength: 1, maxLength: 3 }),
  fc.array(finiteNumber, { minLength: 1, maxLength: 3 }),
  text.map((prefix) => ({ prefix })),
  text.map((suffix) => ({ suffix })),
  text.map((value) => ({ "equals-ignore-case": value })),
  wildcard.map((value) => ({ wildcard: value })),
);

const cidr = fc
  .tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefix]) => `${address}/${prefix}`);

const condition = fc.oneof(
  primitive,
  text.map((prefix) => ({ prefix })),
  text.map((suffix) => ({ suffix })),
  text.map((value) => ({ prefix: { "equals-ignore-case": value } })),
  text.map((value) => ({ "equals-ignore-case": value })),
  wildcard.map((value) => ({ wildcard: value })),
  anythingBut.map((value) => ({ "anything-but": value })),
  numericSpec.map((spec) => ({ numeric: spec })),
  fc.boolean().map((exists) => ({ exists })),
  cidr.map((block) => ({ cidr: block })),
);

const conditionList = fc.array(condition, { minLength: 1, maxLength: 3 });

// Bounded so a run stays fast; three levels cover nesting, $or inside fields and arrays.
const patternDepth = { depthIdentifier: "pattern", maxDepth: 3, depthSize: "small" } as const;

const { pattern } = fc.letrec<{ pattern: Record<string, unknown> }>((tie) => ({
  pattern: fc
    .tuple(
      fc.dictionary(key, fc.oneof(patternDepth, conditionList, tie("pattern")), {
        minKeys: 1,
        maxKeys: 3,
      }),
      fc.oneof(
        patternDepth,
        fc.constant(undefined),
        fc.array(tie("pattern"), { minLength: 2, maxLength: 2 }),
      ),
    )
    .map(([fields, branches]) => (branches ? { ...fields, $or: branches } : fields)),
}));

const { keyedJson } = fc.letrec<{ keyedJson: unknown }>((tie) => ({
  keyedJson: fc.oneof(
    { depthSize: "small" },
    primitive,
    fc.constantFrom("10.0.0.1", "192.168.1.20", "a", "A", ""),
    fc.array(tie("keyedJson"), { maxLength: 3 }),
    fc.dictionary(key, tie("keyedJson"), { maxKeys: 4 }),
  ),
}));

const event = fc.oneof(fc.jsonValue(), keyedJson);
const objectEvent = fc.dictionary(key, keyedJson, { maxKeys: 5 });

describe("matchesPattern properties", () => {
  it("generates only patterns that validatePattern accepts", () => {
    // Prepare
    const property = fc.property(pattern, (candidate) => validatePattern(candidate).length === 0);

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });

  it("never throws and always answers a boolean for valid patterns and any JSON event", () => {
    // Prepare
    const property = fc.property(pattern, event, (candidate, json) => {
      const matched = matchesPattern(candidate, json);
      return typeof matched === "boolean";
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 2000 });

    // Assess
    expect(run).not.toThrow();
  });

  it("matches exactly one of exists true and exists false for a top-level field", () => {
    // Prepare
    const property = fc.property(objectEvent, key, (json, field) => {
      const present = matchesPattern({ [field]: [{ exists: true }] }, json);
      const absent = matchesPattern({ [field]: [{ exists: false }] }, json);
      return present !== absent;
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });

  it("matches a field's own primitive value, and anything-but that value does not", () => {
    // Prepare
    const property = fc.property(key, fc.oneof(text, finiteNumber), (field, value) => {
      const json = { [field]: value };
      const exact = matchesPattern({ [field]: [value] }, json);
      const excluded = matchesPattern({ [field]: [{ "anything-but": value }] }, json);
      return exact && !excluded;
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });

  it("answers the same for a pattern and the same pattern wrapped in a two-branch $or", () => {
    // Prepare
    const property = fc.property(pattern, objectEvent, (candidate, json) => {
      const never = { [`never-${Object.keys(candidate).length}`]: ["\u0000never"] };
      return matchesPattern(candidate, json) === matchesPattern({ $or: [candidate, never] }, json);
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });
});
