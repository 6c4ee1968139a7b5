import { describe, expect, it } from "vitest";
import { compareWithProduction } from "../../../src/decision/compare.ts";
import type { PolicyInput } from "../../../src/decision/policy.ts";
import { decide } from "../../../src/decision/select.ts";
import { comparisonSentence } from "../../../src/decision/sentence.ts";
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

  describe("with a traffic profile", () => {
    // 1,500 requests/min for 20 hours, 6,000 for 4; 3,000 per instance at $1 an hour.
    const hours = [...Array.from({ length: 20 }, () => 1500), 6000, 6000, 6000, 6000];
    const profiled = job([
      realTime("a", "ml.c5.xlarge", { costPerHour: 1, maxInvocations: 3000, modelLatency: 20 }),
      realTime("b", "ml.m5.xlarge", { costPerHour: 2, maxInvocations: 3000, modelLatency: 20 }),
    ]);
    const current = { instanceType: "ml.m5.xlarge", instanceCount: 3 };

    it("costs the proposal as it autoscales, and says so; production as it runs", () => {
      // Act
      const decision = decide(profiled, policy({ hourlyRequestsPerMinute: hours, current }));
      const comparison = compareWithProduction(decision, profiled);

      // Assess: 1 instance for 20 hours, 3 for 4 (ceil(6,000 x 1.2 / 3,000)); production 3 x $2.
      const autoscaled = ((20 * 1 + 4 * 3) / 24) * 730;
      expect(comparison?.proposed?.monthlyCost).toBeCloseTo(autoscaled, 9);
      expect(comparison?.proposed?.fixedMonthlyCost).toBeCloseTo(3 * 730, 9);
      expect(comparison?.current.monthlyCost).toBeCloseTo(3 * 2 * 730, 9);
      expect(comparison?.saving?.monthly).toBeCloseTo(3 * 2 * 730 - autoscaled, 9);
      expect(comparison && comparisonSentence(comparison)).toBe(
        "Production (ml.m5.xlarge x 3) costs $4,380/month at 20 ms; the proposal costs $973/month autoscaled, saving $3,407/month (77.8%): worth acting on",
      );
    });

    it("costs a fixed fleet without one, and does not call it autoscaled", () => {
      // Act
      const decision = decide(profiled, policy({ requestsPerMinute: 6000, current }));
      const comparison = compareWithProduction(decision, profiled);

      // Assess
      expect(comparison?.proposed?.monthlyCost).toBeCloseTo(3 * 730, 9);
      expect(comparison?.proposed).not.toHaveProperty("fixedMonthlyCost");
      expect(comparison?.saving?.monthly).toBeCloseTo(3 * 2 * 730 - 3 * 730, 9);
      expect(comparison && comparisonSentence(comparison)).toBe(
        "Production (ml.m5.xlarge x 3) costs $4,380/month at 20 ms; the proposal costs $2,190/month, saving $2,190/month (50%): worth acting on",
      );
    });
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
