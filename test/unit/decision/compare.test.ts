import { describe, expect, it } from "vitest";
import { compareWithProduction } from "../../../src/decision/compare.ts";
import type { PolicyInput } from "../../../src/decision/policy.ts";
import { decide } from "../../../src/decision/select.ts";
import { AWS_FIXTURES, fixtureJob, job, policy, realTime } from "./support.ts";

/** The Advanced example at 3,000 requests/min: ml.c5.xlarge x 3 is selected at $446.76/month. */
function advancedComparison(
  input: PolicyInput,
  deployment?: Parameters<typeof compareWithProduction>[2],
) {
  const loadTest = fixtureJob(AWS_FIXTURES.advancedJob);
  const decision = decide(loadTest, policy({ requestsPerMinute: 3000, ...input }));
  return { decision, comparison: compareWithProduction(decision, loadTest, deployment) };
}

describe("compareWithProduction", () => {
  it("prices production from the job's own recommendation for its instance type", () => {
    // Act
    const { decision, comparison } = advancedComparison({
      current: { instanceType: "ml.m5.xlarge", instanceCount: 5 },
    });

    // Assess
    expect(decision.selected?.recommendationId).toBe("fraud-xgboost-load-test/ml.c5.xlarge");
    expect(comparison?.current).toMatchObject({
      source: "policy",
      instanceType: "ml.m5.xlarge",
      instanceCount: 5,
      costSource: "job-recommendation",
      recommendationId: "fraud-xgboost-load-test/ml.m5.xlarge",
      latencyMs: 118,
      latencySource: "job-recommendation",
      capacityPerMinute: 5100,
      meetsPolicy: "no",
      failures: [{ check: "max-latency", message: "latency 118 ms is above 100 ms" }],
    });
    expect(comparison?.current.monthlyCost).toBeCloseTo(0.23 * 5 * 730, 9);
    expect(comparison?.saving?.monthly).toBeCloseTo(0.23 * 5 * 730 - 0.204 * 3 * 730, 9);
    expect(comparison?.saving?.percent).toBeCloseTo(46.78, 2);
    expect(comparison?.worthActing).toBe(true);
    expect(comparison?.reason).toBe(
      "saves $393/month (46.8%), at least minMonthlySavings $50.00 and minSavingsPercent 10%",
    );
  });

  it("uses the policy's monthlyCost when the job has no price for production's type", () => {
    // Act
    const { comparison } = advancedComparison({
      current: { instanceType: "ml.r5.xlarge", instanceCount: 2, monthlyCost: 480 },
    });

    // Assess
    expect(comparison?.current).toMatchObject({
      monthlyCost: 480,
      costSource: "policy",
      latencySource: "unknown",
      meetsPolicy: "unknown",
    });
    expect(comparison?.current.unknowns.map((item) => item.check)).toEqual(["load", "max-latency"]);
    expect(comparison?.saving?.monthly).toBeCloseTo(480 - 446.76, 9);
    expect(comparison?.worthActing).toBe(false);
    expect(comparison?.reason).toBe(
      "saves $33.24/month (6.9%), below minMonthlySavings $50.00 and below minSavingsPercent 10%",
    );
  });

  it("never invents a price: unknown cost is reported, and not worth acting on", () => {
    // Act
    const { comparison } = advancedComparison({
      current: { instanceType: "ml.r5.xlarge", instanceCount: 2 },
    });

    // Assess
    expect(comparison?.current.monthlyCost).toBeUndefined();
    expect(comparison?.current.costSource).toBe("unknown");
    expect(comparison?.saving).toBeUndefined();
    expect(comparison?.worthActing).toBe(false);
    expect(comparison?.reason).toBe(
      "the current cost is unknown: the job has no price for ml.r5.xlarge and the policy gives no current.monthlyCost",
    );
  });

  it("says a named endpoint's cost is unknown because its instance type was not read, not for want of a price", () => {
    // Act: decided where nothing describes the endpoint, as `irflow decide` does.
    const { comparison } = advancedComparison({ current: { endpointName: "fraud-prod" } });

    // Assess
    expect(comparison?.current.monthlyCost).toBeUndefined();
    expect(comparison?.reason).toBe(
      "the current cost is unknown: endpoint fraud-prod's instance type and count were not read, as only the workflow calls DescribeEndpoint, and the policy gives no current.monthlyCost; give current.instanceType and current.instanceCount, or current.monthlyCost",
    );
  });

  it("reads a named endpoint's type and count from the caller and its latency from the job", () => {
    // Prepare
    const measured = job(
      [
        realTime("c6g", "ml.c6g.xlarge", {
          costPerHour: 0.136,
          costPerInference: 4e-7,
          maxInvocations: 5000,
          modelLatency: 13000,
        }),
      ],
      {
        endpointPerformances: [
          {
            endpointName: "fraud-prod",
            maxInvocations: 2400,
            modelLatency: 31000,
            unavailableMetrics: [],
          },
        ],
        benchmarkedEndpoints: ["fraud-prod"],
      },
    );
    const decision = decide(
      measured,
      policy({
        latencyUnit: "us",
        requestsPerMinute: 2000,
        current: { endpointName: "fraud-prod", monthlyCost: 900 },
      }),
    );

    // Act
    const comparison = compareWithProduction(decision, measured, {
      endpointName: "fraud-prod",
      instanceType: "ml.c5.2xlarge",
      instanceCount: 3,
    });

    // Assess
    expect(comparison?.current).toMatchObject({
      source: "endpoint",
      endpointName: "fraud-prod",
      instanceType: "ml.c5.2xlarge",
      instanceCount: 3,
      monthlyCost: 900,
      costSource: "policy",
      latencyMs: 31,
      latencySource: "endpoint-performance",
      capacityPerMinute: 2400,
      meetsPolicy: "yes",
    });
    expect(comparison?.worthActing).toBe(true);
  });

  it("compares with the endpoint a job benchmarked, even without a policy current", () => {
    // Prepare
    const measured = job([], {
      endpointPerformances: [
        {
          endpointName: "fraud-prod",
          maxInvocations: 2400,
          modelLatency: 31,
          unavailableMetrics: [],
        },
      ],
    });
    const decision = decide(measured, policy({ latencyUnit: "ms", maxLatencyMs: 20 }));

    // Act
    const comparison = compareWithProduction(decision, measured);

    // Assess
    expect(decision.outcome).toBe("measured");
    expect(comparison?.current).toMatchObject({
      source: "endpoint",
      endpointName: "fraud-prod",
      latencyMs: 31,
      meetsPolicy: "no",
      costSource: "unknown",
    });
    expect(comparison?.proposed).toBeUndefined();
    expect(comparison?.worthActing).toBe(false);
    expect(comparison?.reason).toBe("no proposal: the decision is measured");
  });

  it("is not worth acting on when the proposal costs more", () => {
    // Act
    const { comparison } = advancedComparison({
      current: { instanceType: "ml.c5.xlarge", instanceCount: 2 },
    });

    // Assess
    expect(comparison?.saving?.monthly).toBeLessThan(0);
    expect(comparison?.current.failures.map((item) => item.check)).toEqual(["load"]);
    expect(comparison?.worthActing).toBe(false);
    expect(comparison?.reason).toBe("the proposal costs $149/month (50%) more");
  });

  it("is undefined when there is nothing to compare with", () => {
    // Act
    const loadTest = fixtureJob(AWS_FIXTURES.advancedJob);
    const comparison = compareWithProduction(decide(loadTest, policy()), loadTest);

    // Assess
    expect(comparison).toBeUndefined();
  });

  it("checks production against the policy's fleet, cost, family and type rules", () => {
    // Act
    const { comparison } = advancedComparison({
      current: { instanceType: "ml.m5.xlarge", instanceCount: 5 },
      maxInstances: 4,
      maxMonthlyCost: 800,
      maxCostPerHour: 1,
      excludeInstanceFamilies: ["ml.m5"],
    });

    // Assess
    expect(comparison?.current.failures.map((item) => item.check)).toEqual([
      "max-latency",
      "max-instances",
      "max-monthly-cost",
      "max-cost-per-hour",
      "excluded-family",
    ]);
  });
});
