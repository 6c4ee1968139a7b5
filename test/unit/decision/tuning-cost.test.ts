import { describe, expect, it } from "vitest";
import { estimateTuningCost, jobPrices } from "../../../src/decision/tuning-cost.ts";
import { job, realTime } from "./support.ts";

const benchmark = (instanceType: string | undefined, start: string, end: string, count = 1) => ({
  StepType: "BENCHMARK",
  Status: "COMPLETED",
  InferenceBenchmark: {
    InvocationStartTime: start,
    InvocationEndTime: end,
    EndpointConfiguration: {
      EndpointName: `e-${instanceType}`,
      VariantName: "v",
      ...(instanceType ? { InstanceType: instanceType, InitialInstanceCount: count } : {}),
    },
  },
});

describe("what a job cost", () => {
  it("prices each benchmark's window plus the provisioning allowance at the job's own price", () => {
    // Prepare
    const prices = jobPrices(
      job([
        realTime("a", "ml.c5.xlarge", { costPerHour: 0.204 }),
        realTime("b", "ml.m5.xlarge", { costPerHour: 0.46 }, { jobInstanceCount: 2 }),
      ]),
    );

    // Act
    const cost = estimateTuningCost(
      [
        benchmark("ml.c5.xlarge", "2026-11-23T10:00:00Z", "2026-11-23T10:20:00Z"),
        benchmark("ml.m5.xlarge", "2026-11-23T10:00:00Z", "2026-11-23T10:10:00Z", 2),
        benchmark("ml.g5.xlarge", "2026-11-23T10:00:00Z", "2026-11-23T10:10:00Z"),
      ],
      prices,
    );

    // Assess: 1,200 s + 420 s at $0.204/h, and 2 x (600 s + 420 s) at $0.23/h per instance.
    expect(cost.parts.map((part) => [part.instanceType, part.seconds, part.dollars])).toEqual([
      ["ml.c5.xlarge", 1620, 0.0918],
      ["ml.m5.xlarge", 1020, 0.1303],
      ["ml.g5.xlarge", 1020, undefined],
    ]);
    expect(cost).toMatchObject({ dollars: 0.2221, unpriced: 1, provisioningSeconds: 420 });
  });

  it("leaves a benchmark with no window out of the total, and counts it", () => {
    // Act
    const cost = estimateTuningCost(
      [
        {
          StepType: "BENCHMARK",
          InferenceBenchmark: { EndpointConfiguration: { InstanceType: "ml.c5.xlarge" } },
        },
      ],
      new Map([["ml.c5.xlarge", 0.204]]),
    );

    // Assess
    expect(cost).toMatchObject({ dollars: 0, unpriced: 1 });
  });
});
