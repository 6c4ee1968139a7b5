import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AiRecommendationJob,
  aiRecommendationJobSchema,
  decideAiRecommendation,
} from "../../../src/kinds/ai-recommendation/decide.ts";
import { readPerformance } from "../../../src/kinds/ai-recommendation/metrics.ts";
import { llmPolicySchema } from "../../../src/kinds/ai-recommendation/policy.ts";

const ROOT = join(import.meta.dirname, "../../..");
const JOB: AiRecommendationJob = aiRecommendationJobSchema.parse(
  JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/describe/ai-recommendation-llama.json"), "utf8"),
  ),
);
const PRICES = {
  "ml.g6e.2xlarge": 2.24,
  "ml.g5.12xlarge": 7.09,
  "ml.p4d.24xlarge": 37.69,
  "ml.g6.12xlarge": 5.75,
};
const policy = (input: object) => llmPolicySchema.parse(input);
const label = (entry: { instanceType: string; instanceCount: number } | undefined) =>
  entry ? `${entry.instanceType} x ${entry.instanceCount}` : undefined;

describe("reading ExpectedPerformance", () => {
  it("reads metric names, stats and units however they are spelled, into ms and per second", () => {
    // Act
    const read = readPerformance([
      { Metric: "time_to_first_token", Stat: "P90", Value: "0.241", Unit: "s" },
      { Metric: "TPOT", Stat: "median", Value: "26100", Unit: "us" },
      { Metric: "Inter Token Latency", Stat: "average", Value: 20, Unit: "milliseconds" },
      { Metric: "e2e", Stat: "p99", Value: "1500" },
      { Metric: "request-throughput", Stat: "mean", Value: "480", Unit: "requests/min" },
      { Metric: "OutputTokenThroughput", Value: "2050", Unit: "tok/s" },
    ]);

    // Assess
    expect(read.figures).toEqual({
      ttft: { p90: 241 },
      interTokenLatency: { p50: 26.1, avg: 20 },
      requestLatency: { p99: 1500 },
      requestThroughput: { avg: 8 },
      outputTokenThroughput: { avg: 2050 },
    });
    expect(read.notes).toEqual([]);
  });

  it("leaves a value that is not a number or a unit it does not know unavailable, with a note", () => {
    // Act
    const read = readPerformance([
      { Metric: "TTFT", Stat: "p90", Value: "NaN", Unit: "ms" },
      { Metric: "TimeToFirstToken", Stat: "p50", Value: "305", Unit: "furlongs" },
      { Metric: "OutputTokenThroughput", Stat: "avg", Value: "12", Unit: "requests/s" },
      { Metric: "GpuUtilization", Stat: "avg", Value: "71", Unit: "%" },
    ]);

    // Assess
    expect(read.figures).toEqual({});
    expect(read.notes).toHaveLength(3);
    expect(read.notes[1]).toContain('unknown unit, "furlongs"');
    expect(read.other).toEqual([{ Metric: "GpuUtilization", Stat: "avg", Value: "71", Unit: "%" }]);
  });
});

describe("the LLM decision", () => {
  it("sizes each configuration for the load, prices it and ranks by monthly cost", () => {
    // Act
    const decision = decideAiRecommendation(JOB, policy({ requestsPerSecond: 10, prices: PRICES }));

    // Assess: 10 req/s with 20% headroom against each configuration's throughput per instance.
    expect(decision.objective).toBe("monthly-cost");
    expect(decision.ranked.map(label)).toEqual([
      "ml.g6e.2xlarge x 4",
      "ml.g5.12xlarge x 2",
      "ml.g6.12xlarge x 3",
      "ml.p4d.24xlarge x 1",
    ]);
    expect(decision.selected).toMatchObject({
      monthlyCost: 6540.8,
      costPerMillionTokens: 0.766,
      copiesPerInstance: 1,
      metrics: { ttftMs: 182.5, interTokenLatencyMs: 21.4, outputTokensPerSecond: 812 },
    });
    expect(decision.ranked[1]?.metrics.ttftMs).toBeCloseTo(241, 9);
  });

  it("rejects what breaks a limit or lacks the metric it needs, naming the rule", () => {
    // Act
    const decision = decideAiRecommendation(
      JOB,
      policy({ requestsPerSecond: 10, prices: PRICES, maxTtftMs: 200 }),
    );

    // Assess
    expect(label(decision.selected)).toBe("ml.g6e.2xlarge x 4");
    expect(decision.rejected.map((item) => [item.entry.instanceType, item.rule])).toEqual([
      ["ml.g5.12xlarge", "max-ttft"],
      ["ml.g6.12xlarge", "missing-metric"],
      ["ml.p4d.24xlarge", "missing-metric"],
    ]);
  });

  it("is unsatisfiable when nothing fits, with the smallest relaxation that admits one", () => {
    // Act
    const decision = decideAiRecommendation(
      JOB,
      policy({ requestsPerSecond: 10, prices: PRICES, maxTtftMs: 150 }),
    );

    // Assess
    expect(decision.outcome).toBe("unsatisfiable");
    expect(decision.relaxations).toEqual([
      { field: "maxTtftMs", value: 182.5, sentence: "maxTtftMs 182.5 would admit a configuration" },
    ]);
  });

  it("never makes up a price: without one, a cost objective rejects every entry as price-unknown", () => {
    // Act
    const costly = decideAiRecommendation(JOB, policy({ requestsPerSecond: 10 }));
    const fastest = decideAiRecommendation(JOB, policy({ objective: "ttft" }));

    // Assess
    expect(costly.outcome).toBe("unsatisfiable");
    expect(new Set(costly.rejected.map((item) => item.rule))).toEqual(new Set(["price-unknown"]));
    expect(fastest.ranked.map((entry) => entry.instanceType)).toEqual([
      "ml.g6e.2xlarge",
      "ml.g5.12xlarge",
    ]);
  });

  it("ranks by throughput, highest first, and by cost per million tokens without a load", () => {
    // Act
    const throughput = decideAiRecommendation(JOB, policy({ objective: "throughput" }));
    const perToken = decideAiRecommendation(JOB, policy({ prices: PRICES }));

    // Assess
    expect(throughput.selected?.instanceType).toBe("ml.p4d.24xlarge");
    expect(perToken.objective).toBe("cost-per-million-tokens");
    expect(perToken.selected?.instanceType).toBe("ml.g6e.2xlarge");
    expect(perToken.selected?.instanceCount).toBe(1);
  });

  it("decides nothing on a job that did not complete", () => {
    // Act
    const decision = decideAiRecommendation(
      {
        ...JOB,
        AIRecommendationJobStatus: "Failed",
        FailureReason: "not enabled for this account",
      },
      policy({}),
    );

    // Assess
    expect(decision.outcome).toBe("failed");
    expect(decision.ranked).toEqual([]);
  });

  it("refuses a load given both ways, naming the rule", () => {
    // Act
    const parsed = llmPolicySchema.safeParse({ requestsPerSecond: 1, outputTokensPerSecond: 2 });

    // Assess
    expect(parsed.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      [
        "outputTokensPerSecond",
        "give the load as requestsPerSecond or as outputTokensPerSecond, not both",
      ],
    ]);
  });

  it("gives the same decision whatever the order of the recommendations, and NaN never wins", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(JOB.Recommendations ?? [], { minLength: 1 }),
        fc.constantFrom("monthly-cost", "ttft", "throughput", "cost-per-million-tokens"),
        (recommendations, objective) => {
          // Prepare
          const chosen = policy({ objective, prices: PRICES, requestsPerSecond: 10 });
          const sorted = [...recommendations].sort((a, b) =>
            JSON.stringify(a) < JSON.stringify(b) ? -1 : 1,
          );

          // Act
          const shuffled = decideAiRecommendation(
            { ...JOB, Recommendations: recommendations },
            chosen,
          );
          const ordered = decideAiRecommendation({ ...JOB, Recommendations: sorted }, chosen);

          // Assess
          expect(shuffled).toEqual(ordered);
          // An entry whose TTFT did not read is never ranked by it, let alone selected.
          if (objective === "ttft") {
            for (const entry of shuffled.ranked) {
              expect(Number.isFinite(entry.metrics.ttftMs)).toBe(true);
            }
          }
        },
      ),
    );
  });
});
