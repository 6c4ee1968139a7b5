import { describe, expect, it } from "vitest";
import { estimateJobCost } from "../../../src/decision/job-cost-estimate.ts";
import type { TuningCost } from "../../../src/decision/tuning-cost.ts";
import { ASSUMED_ENDPOINT_SETUP_SECONDS } from "../../../src/schedule/prior.ts";

const cost = (dollars: number): TuningCost => ({
  dollars,
  method: "benchmark-windows",
  provisioningSeconds: ASSUMED_ENDPOINT_SETUP_SECONDS,
  parts: [],
  unpriced: 0,
  benchmarks: 0,
});

const spec = (types: string[], seconds?: number) => ({
  specVersion: 1,
  job: {
    InputConfig: {
      ...(seconds ? { JobDurationInSeconds: seconds } : {}),
      EndpointConfigurations: types.map((InstanceType) => ({ InstanceType })),
    },
  },
});

describe("the cost estimate before a job", () => {
  it("takes the median of the model's earlier jobs' costs", () => {
    // Act
    const estimate = estimateJobCost({
      spec: spec(["ml.m5.large"]),
      history: [cost(3), cost(1), cost(2), cost(10)],
      prices: new Map(),
    });

    // Assess
    expect(estimate).toMatchObject({ dollars: 2.5, method: "history" });
  });

  it("prices one endpoint per instance type for the job's duration without history", () => {
    // Act
    const estimate = estimateJobCost({
      spec: spec(["ml.m5.large", "ml.c5.xlarge"], 3600 - ASSUMED_ENDPOINT_SETUP_SECONDS),
      history: [],
      prices: new Map([
        ["ml.m5.large", 0.1],
        ["ml.c5.xlarge", 0.2],
      ]),
    });

    // Assess
    expect(estimate.method).toBe("spec");
    expect(estimate.dollars).toBeCloseTo(0.3, 6);
    expect(estimate.parts.map((part) => part.seconds)).toEqual([3600, 3600]);
  });

  it("says the estimate is unknown when a type has no price, rather than guessing", () => {
    // Act
    const estimate = estimateJobCost({
      spec: spec(["ml.m5.large", "ml.g4dn.xlarge"]),
      history: [],
      prices: new Map([["ml.m5.large", 0.1]]),
    });

    // Assess
    expect(estimate.dollars).toBeUndefined();
    expect(estimate.notes).toEqual(["no price for ml.g4dn.xlarge"]);
  });
});
