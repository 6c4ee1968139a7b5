import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Candidate, selectRecommendation, toCandidate } from "../../src/selection.ts";

function candidate(id: string, metrics: Candidate["metrics"]): Candidate {
  return {
    recommendationId: id,
    endpointType: "RealTime",
    instanceType: "ml.m5.large",
    instanceCount: 1,
    metrics,
  };
}

const complete = {
  costPerHour: 0.2,
  costPerInference: 1e-6,
  maxInvocations: 1000,
  modelLatencyMs: 20,
};

describe("selectRecommendation", () => {
  it("selects the lowest cost per inference", () => {
    // Prepare
    const candidates = [
      candidate("dear", { ...complete, costPerInference: 3e-6 }),
      candidate("cheap", { ...complete, costPerInference: 1e-6 }),
      candidate("middle", { ...complete, costPerInference: 2e-6 }),
    ];

    // Act
    const selection = selectRecommendation(candidates);

    // Assess
    expect(selection.selected?.recommendationId).toBe("cheap");
    expect(selection.ranked.map((item) => item.recommendationId)).toEqual([
      "cheap",
      "middle",
      "dear",
    ]);
  });

  it("never selects a recommendation with a missing or NaN metric, and says why", () => {
    // Prepare
    const candidates = [
      candidate("nan-cost", { ...complete, costPerInference: Number.NaN }),
      candidate("no-latency", { costPerHour: 0.01, costPerInference: 1e-9, maxInvocations: 10 }),
      candidate("complete", { ...complete, costPerInference: 5e-6 }),
    ];

    // Act
    const selection = selectRecommendation(candidates);

    // Assess
    expect(selection.selected?.recommendationId).toBe("complete");
    expect(selection.rejected).toEqual([
      {
        recommendationId: "nan-cost",
        reason: "incomplete metrics: costPerInference missing or not a number",
      },
      {
        recommendationId: "no-latency",
        reason: "incomplete metrics: modelLatencyMs missing or not a number",
      },
    ]);
  });

  it("selects nothing when no recommendation is complete", () => {
    // Act
    const selection = selectRecommendation([candidate("partial", { costPerHour: 1 })]);

    // Assess
    expect(selection.selected).toBeUndefined();
    expect(selection.ranked).toEqual([]);
  });

  it("breaks ties on cost per hour, latency, throughput and then id", () => {
    // Prepare
    const candidates = [
      candidate("d", { ...complete }),
      candidate("c", { ...complete }),
      candidate("slow", { ...complete, modelLatencyMs: 21 }),
      candidate("pricier", { ...complete, costPerHour: 0.3 }),
      candidate("busier", { ...complete, maxInvocations: 2000 }),
    ];

    // Act
    const ranked = selectRecommendation(candidates).ranked.map((item) => item.recommendationId);

    // Assess
    expect(ranked).toEqual(["busier", "c", "d", "slow", "pricier"]);
  });

  it("chooses the same recommendation whatever order they arrive in", () => {
    const metric = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constant(Number.NaN),
      fc.constant(undefined),
    );
    const candidates = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 6 }),
        costPerHour: metric,
        costPerInference: metric,
        maxInvocations: metric,
        modelLatencyMs: metric,
      }),
      { selector: (item) => item.id, maxLength: 12 },
    );
    fc.assert(
      fc.property(candidates, fc.integer(), (items, seed) => {
        // Prepare
        const list = items.map(({ id, ...metrics }) =>
          candidate(
            id,
            Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined)),
          ),
        );
        const shuffled = [...list].sort(
          (a, b) =>
            ((a.recommendationId.charCodeAt(0) * seed) % 7) -
            ((b.recommendationId.charCodeAt(0) * seed) % 7),
        );

        // Act
        const [first, second] = [selectRecommendation(list), selectRecommendation(shuffled)];

        // Assess
        expect(second.selected?.recommendationId).toBe(first.selected?.recommendationId);
        const winner = first.selected?.metrics;
        if (winner) {
          for (const value of [
            winner.costPerHour,
            winner.costPerInference,
            winner.maxInvocations,
            winner.modelLatencyMs,
          ]) {
            expect(Number.isFinite(value)).toBe(true);
          }
        }
      }),
    );
  });
});

describe("toCandidate", () => {
  it("reads a serverless recommendation and drops NaN metrics", () => {
    // Act
    const result = toCandidate(
      {
        Metrics: {
          CostPerHour: 0.5,
          CostPerInference: 2e-6,
          MaxInvocations: 300,
          ModelLatency: 40,
          CpuUtilization: Number.NaN,
          ModelSetupTime: 900,
        },
        EndpointConfiguration: {
          EndpointName: "e",
          VariantName: "v",
          ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 10 },
        },
        ModelConfiguration: {
          EnvironmentParameters: [{ Key: "OMP_NUM_THREADS", ValueType: "String", Value: "2" }],
        },
      },
      2,
    );

    // Assess
    expect(result).toEqual({
      recommendationId: "recommendation-3",
      endpointType: "Serverless",
      instanceCount: 1,
      serverless: { memorySizeInMB: 2048, maxConcurrency: 10 },
      environment: { OMP_NUM_THREADS: "2" },
      metrics: {
        costPerHour: 0.5,
        costPerInference: 2e-6,
        maxInvocations: 300,
        modelLatencyMs: 40,
        modelSetupTimeMs: 900,
      },
    });
  });
});
