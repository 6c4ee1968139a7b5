import { describe, expect, it } from "vitest";
import { compareWithProduction } from "../../../src/decision/compare.ts";
import {
  formatCount,
  formatDollars,
  formatMs,
  formatPercent,
} from "../../../src/decision/format.ts";
import { decide } from "../../../src/decision/select.ts";
import { comparisonSentence, decisionSentence } from "../../../src/decision/sentence.ts";
import { AWS_FIXTURES, fixtureJob, job, policy, realTime, serverless } from "./support.ts";

const c6g = realTime("c6g", "ml.c6g.xlarge", {
  costPerHour: 0.204,
  costPerInference: 0.204 / (5000 * 60),
  maxInvocations: 5000,
  modelLatency: 13,
});

describe("decisionSentence", () => {
  it("says the selected fleet, its cost, its latency against the bound, and the load", () => {
    // Act
    const decision = decide(
      job([c6g]),
      policy({ latencyUnit: "ms", requestsPerMinute: 12000, maxLatencyMs: 20 }),
    );

    // Assess
    expect(decisionSentence(decision)).toBe(
      "ml.c6g.xlarge x 3, $447/month, 13 ms <= 20 ms at 12,000 requests/min with 20% headroom",
    );
  });

  it("leaves out what the policy does not set", () => {
    expect(decisionSentence(decide(job([c6g]), policy({ latencyUnit: "ms" })))).toBe(
      "ml.c6g.xlarge x 1, $149/month, 13 ms",
    );
  });

  it("describes a serverless selection by its memory and concurrency", () => {
    // Prepare
    const sls = serverless("sls", 4096, {
      costPerInference: 2e-6,
      maxInvocations: 1000,
      modelLatency: 40,
    });

    // Act
    const sentence = decisionSentence(
      decide(job([sls]), policy({ latencyUnit: "ms", requestsPerMinute: 600 })),
    );

    // Assess
    expect(sentence).toBe(
      "serverless 4,096 MB (max concurrency 20), $52.56/month, 40 ms at 600 requests/min with 20% headroom",
    );
  });

  it("gives the first relaxation when nothing fits", () => {
    // Act
    const decision = decide(
      job([c6g]),
      policy({ latencyUnit: "ms", requestsPerMinute: 12000, maxLatencyMs: 10 }),
    );

    // Assess
    expect(decisionSentence(decision)).toBe(
      "No entry meets the policy (1 rejected at 12,000 requests/min with 20% headroom); maxLatencyMs 10 -> 13 admits ml.c6g.xlarge x 3 at $447/month",
    );
  });

  it("says what an existing endpoint sustains when the job only measured it", () => {
    // Act
    const decision = decide(
      job([], {
        endpointPerformances: [
          {
            endpointName: "prod",
            maxInvocations: 1200,
            modelLatency: 31000,
            unavailableMetrics: [],
          },
        ],
      }),
      policy({ latencyUnit: "us", maxLatencyMs: 40 }),
    );

    // Assess
    expect(decisionSentence(decision)).toBe(
      "Measured: prod sustains 1,200 requests/min at 31 ms <= 40 ms",
    );
  });

  it("says how a failed job ended", () => {
    expect(
      decisionSentence(
        decide(job([], { status: "FAILED", failureReason: "ModelError" }), policy()),
      ),
    ).toBe("The job ended FAILED: ModelError");
  });
});

describe("comparisonSentence", () => {
  it("states current and proposed cost, the saving and the verdict", () => {
    // Prepare
    const loadTest = fixtureJob(AWS_FIXTURES.advancedJob);
    const decision = decide(
      loadTest,
      policy({
        requestsPerMinute: 3000,
        current: { instanceType: "ml.m5.xlarge", instanceCount: 5 },
      }),
    );
    const comparison = compareWithProduction(decision, loadTest);
    if (!comparison) throw new Error("no comparison");

    // Act
    const sentence = comparisonSentence(comparison);

    // Assess
    expect(sentence).toBe(
      "Production (ml.m5.xlarge x 5) costs $840/month at 118 ms; the proposal costs $447/month, saving $393/month (46.8%): worth acting on",
    );
  });
});

describe("number formats", () => {
  it("write dollars, milliseconds, counts and percentages the same everywhere", () => {
    expect([
      formatDollars(446.76),
      formatDollars(12345.5),
      formatDollars(7.3),
      formatDollars(0.004),
    ]).toEqual(["$447", "$12,346", "$7.30", "<$0.01"]);
    expect([
      formatMs(263.596),
      formatMs(13.4),
      formatMs(2.56),
      formatMs(0.263),
      formatMs(0),
    ]).toEqual(["264 ms", "13 ms", "2.6 ms", "0.26 ms", "0 ms"]);
    expect([
      formatCount(12000),
      formatCount(1.5),
      formatPercent(0.2),
      formatPercent(0.125),
    ]).toEqual(["12,000", "1.5", "20%", "12.5%"]);
  });
});
