import { describe, expect, it } from "vitest";
import { toDecisionIssues } from "../../../src/decision/issues.ts";
import {
  familyOf,
  inFamily,
  MAX_POLICY_FAMILIES,
  parsePolicy,
  policySchema,
  requiredPerMinute,
  resolvePolicy,
} from "../../../src/decision/policy.ts";
import { policy } from "./support.ts";

describe("parsePolicy", () => {
  it("fills the defaults of an empty or absent policy", () => {
    // Act
    const empty = parsePolicy({});
    const absent = parsePolicy(undefined);

    // Assess
    const defaults = {
      headroom: 0.2,
      minInstances: 1,
      latencyUnit: "auto",
      minSavingsPercent: 10,
      minMonthlySavings: 50,
    };
    expect(empty).toEqual({ ok: true, value: defaults });
    expect(absent).toEqual({ ok: true, value: defaults });
  });

  it("accepts every documented field", () => {
    // Prepare
    const input = {
      objective: "latency",
      maxLatencyMs: 20,
      requestsPerMinute: 12000,
      headroom: 0.3,
      minInstances: 2,
      maxInstances: 8,
      maxMonthlyCost: 2000,
      maxCostPerHour: 3,
      latencyUnit: "us",
      instanceFamilies: ["ml.c6g", "ml.inf2.xlarge"],
      excludeInstanceFamilies: [],
      endpointTypes: ["RealTime", "Serverless"],
      maxColdStartMs: 5000,
      current: { instanceType: "ml.c5.2xlarge", instanceCount: 4, monthlyCost: 1200 },
      minSavingsPercent: 15,
      minMonthlySavings: 100,
    };

    // Act
    const parsed = parsePolicy(input);

    // Assess
    expect(parsed).toEqual({ ok: true, value: input });
  });

  it("rejects unknown fields, at the top and inside current", () => {
    // Act
    const parsed = parsePolicy({ maxLatency: 20, current: { endpointName: "prod", region: "x" } });

    // Assess
    expect(parsed).toEqual({
      ok: false,
      issues: [
        { path: "current.region", rule: "unknown-field", message: "is not a field of this object" },
        { path: "maxLatency", rule: "unknown-field", message: "is not a field of this object" },
      ],
    });
  });

  it("names the field and the rule of every mistake at once", () => {
    // Act
    const parsed = parsePolicy({
      objective: "cheapest",
      maxLatencyMs: 0,
      requestsPerMinute: "lots",
      headroom: 11,
      minInstances: 1.5,
      latencyUnit: "ns",
      instanceFamilies: [],
      excludeInstanceFamilies: ["c6g"],
      endpointTypes: ["Async"],
      minSavingsPercent: 120,
    });

    // Assess
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues;
    expect(issues.map(({ path, rule }) => `${path} ${rule}`)).toEqual([
      "endpointTypes[0] enum",
      "excludeInstanceFamilies[0] pattern",
      "headroom range",
      "instanceFamilies items",
      "latencyUnit enum",
      "maxLatencyMs range",
      "minInstances type",
      "minSavingsPercent range",
      "objective enum",
      "requestsPerMinute type",
    ]);
    expect(issues.find((issue) => issue.path === "objective")?.message).toBe(
      'must be one of monthly-cost, cost-per-inference, cost-per-hour, latency, throughput; got "cheapest"',
    );
    expect(issues.find((issue) => issue.path === "requestsPerMinute")?.message).toBe(
      "must be a finite number; got a string",
    );
    expect(issues.find((issue) => issue.path === "headroom")?.message).toBe("must be from 0 to 10");
  });

  it("refuses a maxInstances below minInstances", () => {
    // Act
    const parsed = parsePolicy({ minInstances: 3, maxInstances: 2 });

    // Assess
    expect(parsed).toEqual({
      ok: false,
      issues: [
        { path: "maxInstances", rule: "min-max", message: "must be at least minInstances (3)" },
      ],
    });
  });

  it("takes current as an instance type with its count, or as an endpoint name", () => {
    // Act
    const byType = parsePolicy({ current: { instanceType: "ml.m5.xlarge", instanceCount: 2 } });
    const byEndpoint = parsePolicy({ current: { endpointName: "fraud-prod", monthlyCost: 300 } });
    const neither = parsePolicy({ current: { monthlyCost: 300 } });
    const both = parsePolicy({
      current: { instanceType: "ml.m5.xlarge", instanceCount: 1, endpointName: "fraud-prod" },
    });
    const noCount = parsePolicy({ current: { instanceType: "ml.m5.xlarge" } });
    const countWithEndpoint = parsePolicy({ current: { endpointName: "prod", instanceCount: 2 } });

    // Assess
    expect(byType.ok).toBe(true);
    expect(byEndpoint.ok).toBe(true);
    expect(neither).toEqual({
      ok: false,
      issues: [
        {
          path: "current",
          rule: "current-target",
          message: "needs instanceType (with instanceCount) or endpointName",
        },
      ],
    });
    expect(both.ok ? [] : both.issues.map((issue) => issue.rule)).toEqual(["current-target"]);
    expect(noCount).toEqual({
      ok: false,
      issues: [
        {
          path: "current.instanceCount",
          rule: "required",
          message: "is required with instanceType",
        },
      ],
    });
    expect(countWithEndpoint.ok ? [] : countWithEndpoint.issues.map((issue) => issue.path)).toEqual(
      ["current.instanceCount"],
    );
  });

  it("reports a policy that is not an object", () => {
    // Act
    const parsed = parsePolicy([]);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: "(policy)", rule: "type", message: "must be an object; got an array" }],
    });
  });

  it("gives a JSON Schema that refuses unknown fields", () => {
    // Act
    const schema = policySchema.toJSONSchema() as { additionalProperties?: boolean };

    // Assess
    expect(schema.additionalProperties).toBe(false);
  });
});

describe("resolvePolicy", () => {
  it("optimizes monthly cost when a load is given, cost per inference otherwise", () => {
    // Act
    const withLoad = resolvePolicy(policy({ requestsPerMinute: 600 }));
    const withoutLoad = resolvePolicy(policy({}));
    const explicit = resolvePolicy(policy({ requestsPerMinute: 600, objective: "latency" }));

    // Assess
    expect([withLoad.objective, withLoad.objectiveSource]).toEqual(["monthly-cost", "default"]);
    expect([withoutLoad.objective, withoutLoad.objectiveSource]).toEqual([
      "cost-per-inference",
      "default",
    ]);
    expect([explicit.objective, explicit.objectiveSource]).toEqual(["latency", "policy"]);
  });

  it("takes the latency bound from the job's threshold when the policy has none", () => {
    // Prepare
    const job = { latencyThreshold: { percentile: "P95", valueInMilliseconds: 100 } };

    // Act
    const fromJob = resolvePolicy(policy({}), job);
    const fromPolicy = resolvePolicy(policy({ maxLatencyMs: 40 }), job);

    // Assess
    expect(fromJob).toMatchObject({
      maxLatencyMs: 100,
      maxLatencySource: "job-threshold",
      latencyPercentile: "P95",
    });
    expect(fromPolicy).toMatchObject({ maxLatencyMs: 40, maxLatencySource: "policy" });
    expect(fromPolicy.latencyPercentile).toBeUndefined();
  });

  it("states the capacity the load needs with its headroom", () => {
    // Act
    const resolved = resolvePolicy(policy({ requestsPerMinute: 1000, headroom: 0.1 }));

    // Assess
    expect(resolved.requiredPerMinute).toBe(1100);
  });
});

describe("requiredPerMinute", () => {
  it("is free of floating-point dust", () => {
    expect(700 * (1 + 0.1)).not.toBe(770);
    expect(requiredPerMinute(700, 0.1)).toBe(770);
    expect(requiredPerMinute(100, 0.15)).toBe(115);
    expect(requiredPerMinute(12000, 0.2)).toBe(14400);
    expect(requiredPerMinute(7, 0)).toBe(7);
  });
});

describe("instance families", () => {
  it("match whole segments, never a longer family", () => {
    expect(inFamily("ml.c6g.xlarge", "ml.c6g")).toBe(true);
    expect(inFamily("ml.c6gd.xlarge", "ml.c6g")).toBe(false);
    expect(inFamily("ml.c6g.xlarge", "ml.c6g.xlarge")).toBe(true);
    expect(inFamily("ml.c6g.2xlarge", "ml.c6g.xlarge")).toBe(false);
    expect(familyOf("ml.p6-b200.48xlarge")).toBe("ml.p6-b200");
  });
});

describe("policy issues inside another schema", () => {
  it("keep their rules when parsed without reportInput, as an embedding schema may be", () => {
    // Act
    const result = policySchema.safeParse({
      current: { instanceType: "ml.m5.large" },
      headroom: "x",
    });

    // Assess
    expect(result.success).toBe(false);
    const issues = result.success ? [] : toDecisionIssues(result.error);
    expect(issues.map(({ path, rule }) => `${path} ${rule}`)).toEqual([
      "current.instanceCount required",
      "headroom type",
    ]);
  });

  it("refuses policy lists longer than the decision may carry, naming the field and the rule", () => {
    // Act
    const parsed = parsePolicy({
      instanceFamilies: Array.from({ length: MAX_POLICY_FAMILIES + 1 }, (_, i) => `ml.c${i}`),
      endpointTypes: ["RealTime", "Serverless", "RealTime"],
    });

    // Assess
    const issues = parsed.ok ? [] : parsed.issues;
    expect(issues.map(({ path, rule, message }) => `${path} ${rule}: ${message}`)).toEqual([
      "endpointTypes items: must list at most 2 endpoint types",
      `instanceFamilies items: must list at most ${MAX_POLICY_FAMILIES} families`,
    ]);
  });
});
