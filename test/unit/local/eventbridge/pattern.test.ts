import { describe, expect, it } from "vitest";
import {
  matchesPattern,
  matchesWildcard,
  validatePattern,
} from "../../../../local/eventbridge/pattern.ts";

const event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "Inference Recommendations Job Completed",
  source: "irflow.recommender",
  account: "000000000000",
  time: "2024-05-01T12:00:00Z",
  region: "us-east-1",
  resources: ["arn:aws:sagemaker:us-east-1:000000000000:inference-recommendations-job/job-1"],
  detail: {
    jobName: "job-1",
    status: "COMPLETED",
    jobType: "Default",
    costPerHour: 1.25,
    instanceCount: 2,
    flags: ["fast", "cheap"],
    note: null,
    emptyText: "",
    sourceIp: "10.0.0.33",
    nested: { level: { deep: "value" } },
    recommendations: [
      { instanceType: "ml.c5.xlarge", latency: 40 },
      { instanceType: "ml.g4dn.xlarge", latency: 12 },
    ],
    noRecommendations: [],
  },
};

/** Each row: a pattern that matches `event`, and a close variant that does not. */
const operatorCases: Array<{ name: string; matching: unknown; failing: unknown }> = [
  {
    name: "exact string values",
    matching: { source: ["other", "irflow.recommender"] },
    failing: { source: ["irflow.other"] },
  },
  {
    name: "exact number values",
    matching: { detail: { instanceCount: [2] } },
    failing: { detail: { instanceCount: ["2"] } },
  },
  {
    name: "null values",
    matching: { detail: { note: [null] } },
    failing: { detail: { jobName: [null] } },
  },
  {
    name: "empty strings",
    matching: { detail: { emptyText: [""] } },
    failing: { detail: { jobName: [""] } },
  },
  {
    name: "values inside event arrays",
    matching: { detail: { flags: ["cheap"] } },
    failing: { detail: { flags: ["slow"] } },
  },
  {
    name: "nested objects",
    matching: { detail: { nested: { level: { deep: ["value"] } } } },
    failing: { detail: { nested: { level: { deep: ["other"] } } } },
  },
  {
    name: "fields inside arrays of objects",
    matching: { detail: { recommendations: { instanceType: ["ml.g4dn.xlarge"] } } },
    failing: { detail: { recommendations: { instanceType: ["ml.p3.2xlarge"] } } },
  },
  {
    name: "prefix",
    matching: { time: [{ prefix: "2024-05-01" }] },
    failing: { time: [{ prefix: "2023" }] },
  },
  {
    name: "prefix ignoring case",
    matching: { detail: { status: [{ prefix: { "equals-ignore-case": "comp" } }] } },
    failing: { detail: { status: [{ prefix: { "equals-ignore-case": "fail" } }] } },
  },
  {
    name: "suffix",
    matching: { source: [{ suffix: ".recommender" }] },
    failing: { source: [{ suffix: ".RECOMMENDER" }] },
  },
  {
    name: "suffix ignoring case",
    matching: { source: [{ suffix: { "equals-ignore-case": ".RECOMMENDER" } }] },
    failing: { source: [{ suffix: { "equals-ignore-case": ".sagemaker" } }] },
  },
  {
    name: "equals-ignore-case",
    matching: { detail: { status: [{ "equals-ignore-case": "completed" }] } },
    failing: { detail: { status: [{ "equals-ignore-case": "complete" }] } },
  },
  {
    name: "wildcard",
    matching: { "detail-type": [{ wildcard: "Inference*Job*" }] },
    failing: { "detail-type": [{ wildcard: "Inference*Failed" }] },
  },
  {
    name: "anything-but a string",
    matching: { detail: { status: [{ "anything-but": "FAILED" }] } },
    failing: { detail: { status: [{ "anything-but": "COMPLETED" }] } },
  },
  {
    name: "anything-but a number",
    matching: { detail: { instanceCount: [{ "anything-but": 3 }] } },
    failing: { detail: { instanceCount: [{ "anything-but": 2 }] } },
  },
  {
    name: "anything-but a list",
    matching: { detail: { status: [{ "anything-but": ["FAILED", "STOPPED"] }] } },
    failing: { detail: { status: [{ "anything-but": ["FAILED", "COMPLETED"] }] } },
  },
  {
    name: "anything-but a prefix",
    matching: { region: [{ "anything-but": { prefix: "eu-" } }] },
    failing: { region: [{ "anything-but": { prefix: "us-" } }] },
  },
  {
    name: "anything-but a suffix",
    matching: { source: [{ "anything-but": { suffix: ".sagemaker" } }] },
    failing: { source: [{ "anything-but": { suffix: ".recommender" } }] },
  },
  {
    name: "anything-but ignoring case",
    matching: { detail: { status: [{ "anything-but": { "equals-ignore-case": ["failed"] } }] } },
    failing: { detail: { status: [{ "anything-but": { "equals-ignore-case": "completed" } }] } },
  },
  {
    name: "anything-but a wildcard",
    matching: { source: [{ "anything-but": { wildcard: "aws.*" } }] },
    failing: { source: [{ "anything-but": { wildcard: "irflow.*" } }] },
  },
  {
    name: "numeric ranges",
    matching: { detail: { costPerHour: [{ numeric: [">", 1, "<=", 1.25] }] } },
    failing: { detail: { costPerHour: [{ numeric: [">", 1.25, "<", 5] }] } },
  },
  {
    name: "numeric equality",
    matching: { detail: { instanceCount: [{ numeric: ["=", 2] }] } },
    failing: { detail: { instanceCount: [{ numeric: ["=", 3] }] } },
  },
  {
    name: "numeric bounds inclusive and exclusive",
    matching: { detail: { instanceCount: [{ numeric: [">=", 2, "<", 3] }] } },
    failing: { detail: { instanceCount: [{ numeric: [">", 2] }] } },
  },
  {
    name: "numeric ranges over arrays of objects",
    matching: { detail: { recommendations: { latency: [{ numeric: ["<", 20] }] } } },
    failing: { detail: { recommendations: { latency: [{ numeric: ["<", 10] }] } } },
  },
  {
    name: "exists true",
    matching: { detail: { jobName: [{ exists: true }] } },
    failing: { detail: { missing: [{ exists: true }] } },
  },
  {
    name: "exists false",
    matching: { detail: { missing: [{ exists: false }] } },
    failing: { detail: { jobName: [{ exists: false }] } },
  },
  {
    name: "cidr",
    matching: { detail: { sourceIp: [{ cidr: "10.0.0.0/24" }] } },
    failing: { detail: { sourceIp: [{ cidr: "10.0.1.0/24" }] } },
  },
  {
    name: "$or across fields",
    matching: { $or: [{ source: ["nope"] }, { detail: { status: ["COMPLETED"] } }] },
    failing: { $or: [{ source: ["nope"] }, { detail: { status: ["FAILED"] } }] },
  },
  {
    name: "$or nested below a field",
    matching: {
      detail: { $or: [{ jobType: ["Advanced"] }, { instanceCount: [{ numeric: [">", 1] }] }] },
    },
    failing: {
      detail: { $or: [{ jobType: ["Advanced"] }, { instanceCount: [{ numeric: [">", 2] }] }] },
    },
  },
];

describe("matchesPattern", () => {
  it.each(operatorCases)("matches $name", ({ matching }) => {
    // Prepare
    const pattern = matching;

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(validatePattern(pattern)).toEqual([]);
    expect(matched).toBe(true);
  });

  it.each(operatorCases)("rejects a non-matching $name pattern", ({ failing }) => {
    // Prepare
    const pattern = failing;

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(validatePattern(pattern)).toEqual([]);
    expect(matched).toBe(false);
  });

  it("requires every field of the pattern to match", () => {
    // Prepare
    const pattern = { source: ["irflow.recommender"], detail: { status: ["FAILED"] } };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  it("keeps fields matched below an array within the same element", () => {
    // Prepare
    const sameElement = {
      detail: { recommendations: { instanceType: ["ml.g4dn.xlarge"], latency: [12] } },
    };
    const acrossElements = {
      detail: { recommendations: { instanceType: ["ml.g4dn.xlarge"], latency: [40] } },
    };

    // Act
    const matchedSame = matchesPattern(sameElement, event);
    const matchedAcross = matchesPattern(acrossElements, event);

    // Assess
    expect(matchedSame).toBe(true);
    expect(matchedAcross).toBe(false);
  });

  it("treats an object value as absent for exists", () => {
    // Prepare
    const existsTrue = { detail: { nested: [{ exists: true }] } };
    const existsFalse = { detail: { nested: [{ exists: false }] } };

    // Act
    const matchedTrue = matchesPattern(existsTrue, event);
    const matchedFalse = matchesPattern(existsFalse, event);

    // Assess
    expect(matchedTrue).toBe(false);
    expect(matchedFalse).toBe(true);
  });

  it("matches exists false below an empty array and a missing parent", () => {
    // Prepare
    const belowEmptyArray = {
      detail: { noRecommendations: { instanceType: [{ exists: false }] } },
    };
    const belowMissingParent = { detail: { absent: { child: [{ exists: false }] } } };

    // Act
    const matchedEmpty = matchesPattern(belowEmptyArray, event);
    const matchedMissing = matchesPattern(belowMissingParent, event);

    // Assess
    expect(matchedEmpty).toBe(true);
    expect(matchedMissing).toBe(true);
  });

  it("does not match anything-but on a missing field", () => {
    // Prepare
    const pattern = { detail: { missing: [{ "anything-but": "x" }] } };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  it("does not apply string operators to numbers", () => {
    // Prepare
    const pattern = { detail: { instanceCount: [{ prefix: "2" }] } };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });

  it("does not apply numeric ranges to numeric strings", () => {
    // Prepare
    const stringEvent = { detail: { count: "5" } };
    const pattern = { detail: { count: [{ numeric: [">", 0] }] } };

    // Act
    const matched = matchesPattern(pattern, stringEvent);

    // Assess
    expect(matched).toBe(false);
  });

  it("matches IPv6 addresses against an IPv6 cidr", () => {
    // Prepare
    const ipv6Event = { detail: { ip: "2001:db8::17" } };

    // Act
    const inside = matchesPattern({ detail: { ip: [{ cidr: "2001:db8::/32" }] } }, ipv6Event);
    const outside = matchesPattern({ detail: { ip: [{ cidr: "2001:db9::/32" }] } }, ipv6Event);

    // Assess
    expect(inside).toBe(true);
    expect(outside).toBe(false);
  });

  it("matches nothing for a pattern that is not an object", () => {
    // Prepare
    const patterns = [null, [], "source", 3];

    // Act
    const results = patterns.map((pattern) => matchesPattern(pattern, event));

    // Assess
    expect(results).toEqual([false, false, false, false]);
  });
});

describe("matchesWildcard", () => {
  it.each([
    ["*", "", true],
    ["a*", "abc", true],
    ["*c", "abc", true],
    ["a*c", "ac", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "acb", false],
    ["ab*ba", "aba", false],
    ["file\\*.txt", "file*.txt", true],
    ["file\\*.txt", "file1.txt", false],
    ["dir\\\\*", "dir\\sub", true],
  ])("matches %j against %j as %s", (wildcard, value, expected) => {
    // Prepare
    const input = { wildcard, value };

    // Act
    const matched = matchesWildcard(input.wildcard, input.value);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe("validatePattern", () => {
  it.each([
    ["a non-object pattern", ["source"]],
    ["an empty pattern", {}],
    ["a scalar field value", { source: "irflow" }],
    ["an empty value list", { source: [] }],
    ["a nested array", { source: [["irflow"]] }],
    ["an unknown operator", { source: [{ contains: "flow" }] }],
    ["an operator object with two operators", { source: [{ prefix: "a", suffix: "b" }] }],
    ["a non-string prefix", { source: [{ prefix: 3 }] }],
    ["consecutive wildcards", { source: [{ wildcard: "a**b" }] }],
    ["a bad wildcard escape", { source: [{ wildcard: "a\\b" }] }],
    ["a mixed anything-but list", { source: [{ "anything-but": ["a", 1] }] }],
    ["anything-but null", { source: [{ "anything-but": null }] }],
    ["anything-but with numeric inside", { source: [{ "anything-but": { numeric: [">", 1] } }] }],
    ["an unknown numeric operator", { n: [{ numeric: ["!=", 1] }] }],
    ["a numeric operator without a number", { n: [{ numeric: [">"] }] }],
    ["two lower bounds", { n: [{ numeric: [">", 1, ">=", 2] }] }],
    ["an inverted range", { n: [{ numeric: [">", 5, "<", 1] }] }],
    ["= combined with a bound", { n: [{ numeric: ["=", 5, "<", 10] }] }],
    ["a non-boolean exists", { n: [{ exists: "yes" }] }],
    ["a bad cidr", { ip: [{ cidr: "10.0.0.0/33" }] }],
    ["a single-branch $or", { $or: [{ source: ["a"] }] }],
    ["a $or branch that is not an object", { $or: [{ source: ["a"] }, "b"] }],
    ["an empty nested object", { detail: {} }],
  ])("reports %s", (_description, pattern) => {
    // Prepare
    const candidate: unknown = pattern;

    // Act
    const problems = validatePattern(candidate);

    // Assess
    expect(problems.length).toBeGreaterThan(0);
  });

  it("names the path of the problem", () => {
    // Prepare
    const pattern = { detail: { status: [{ wildcard: "a**" }] } };

    // Act
    const problems = validatePattern(pattern);

    // Assess
    expect(problems).toEqual([
      "detail.status[0].wildcard: consecutive wildcard characters are not allowed",
    ]);
  });

  it("accepts every documented operator together", () => {
    // Prepare
    const pattern = {
      source: ["irflow", { prefix: "irflow." }, { suffix: ".x" }, { wildcard: "a*b\\*" }],
      detail: {
        a: [null, true, 1.5, ""],
        b: [{ "equals-ignore-case": "X" }, { prefix: { "equals-ignore-case": "y" } }],
        c: [{ "anything-but": ["x", "y"] }, { "anything-but": { prefix: "p" } }],
        d: [{ numeric: [">=", 0, "<", 10] }, { numeric: ["=", 3] }],
        e: [{ exists: false }],
        f: [{ cidr: "2001:db8::/32" }],
        $or: [{ g: ["1"] }, { h: { i: [{ exists: true }] } }],
      },
    };

    // Act
    const problems = validatePattern(pattern);

    // Assess
    expect(problems).toEqual([]);
  });
});
