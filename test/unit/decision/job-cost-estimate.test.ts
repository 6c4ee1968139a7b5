import { describe, expect, it } from "vitest";
import { HOSTING_PRICES } from "../../../src/decision/hosting-prices.ts";
import { estimateJobCost } from "../../../src/decision/job-cost-estimate.ts";
import type { TuningCost } from "../../../src/decision/tuning-cost.ts";
import { aiSpecSchema } from "../../../src/kinds/ai-recommendation/spec.ts";
import { jobSpecSchema } from "../../../src/spec/schema.ts";
import { tuningCostsOf } from "../../../src/workflow/tuning-cost.ts";
import { runningRecord } from "../../support/records.ts";
import { sampleSpec, setPath } from "../../support/specs.ts";

const classic = (name: string, changes: Record<string, unknown> = {}) => {
  const raw = sampleSpec(name);
  for (const [path, value] of Object.entries(changes)) setPath(raw, path, value);
  return jobSpecSchema.parse(raw);
};

const cost = (dollars: number, unpriced = 0): TuningCost => ({
  dollars,
  method: "benchmark-windows",
  provisioningSeconds: 420,
  parts: [],
  unpriced,
  benchmarks: 3,
});

const prices = new Map([
  ["ml.c5.xlarge", 0.204],
  ["ml.m5.xlarge", 0.23],
  ["ml.c6i.xlarge", 0.17],
]);

describe("the estimate of a job's cost before it runs", () => {
  it("prices an Advanced job's load tests: each runs its traffic pattern after the provisioning allowance", () => {
    // Act
    const estimate = estimateJobCost({
      spec: classic("advanced-phases.json"),
      history: [],
      prices,
    });

    // Assess: 5 load tests (c5, m5, c6i x 3 OMP values) of 600 + 900 s traffic + 420 s, 3 at once.
    expect(estimate.method).toBe("spec");
    expect(estimate.parts.map((part) => [part.instanceType, part.seconds, part.dollars])).toEqual([
      ["ml.c5.xlarge", 1920, 0.1088],
      ["ml.m5.xlarge", 1920, 0.1227],
      ["ml.c6i.xlarge", 1920, 0.0907],
      ["ml.c6i.xlarge", 1920, 0.0907],
      ["ml.c6i.xlarge", 1920, 0.0907],
    ]);
    expect(estimate).toMatchObject({ dollars: 0.5036, unpriced: 0, jobSeconds: 3840 });
  });

  it("cuts the load tests JobDurationInSeconds ends, and leaves out those it never starts; parallelism changes time, not cost", () => {
    // Act
    const cut = estimateJobCost({
      spec: classic("advanced-phases.json", { "job.InputConfig.JobDurationInSeconds": 3000 }),
      history: [],
      prices,
    });
    const short = estimateJobCost({
      spec: classic("advanced-phases.json", { "job.InputConfig.JobDurationInSeconds": 1900 }),
      history: [],
      prices,
    });
    const serial = estimateJobCost({
      spec: classic("advanced-phases.json", {
        "job.InputConfig.ResourceLimit.MaxParallelOfTests": 5,
      }),
      history: [],
      prices,
    });

    // Assess: the second wave starts at 1,920 s and runs to 3,000 s; at 1,900 s it never starts.
    expect(cut.parts.map((part) => part.seconds)).toEqual([1920, 1920, 1920, 1080, 1080]);
    expect(cut.jobSeconds).toBe(3000);
    expect(short.parts.map((part) => part.seconds)).toEqual([1900, 1900, 1900]);
    expect(short.notes).toContain(
      "2 load tests would start after JobDurationInSeconds and are left out",
    );
    expect(serial.dollars).toBe(0.5036);
    expect(serial.jobSeconds).toBe(1920);
  });

  it("gives a Default job the documented 45 minutes plus the allowance for each instance type it tests", () => {
    // Act
    const named = estimateJobCost({
      spec: classic("default-model-package.json", {
        "job.InputConfig.EndpointConfigurations": [
          { InstanceType: "ml.c5.xlarge" },
          { InstanceType: "ml.m5.xlarge" },
        ],
      }),
      history: [],
      prices,
    });
    const fromPackage = estimateJobCost({
      spec: classic("default-model-package.json").job,
      history: [],
      prices,
      supportedInstanceTypes: ["ml.c5.xlarge"],
    });

    // Assess: (2,700 + 420) s at $0.204/h and at $0.23/h.
    expect(named.parts.map((part) => [part.instanceType, part.seconds, part.dollars])).toEqual([
      ["ml.c5.xlarge", 3120, 0.1768],
      ["ml.m5.xlarge", 3120, 0.1993],
    ]);
    expect(named).toMatchObject({ method: "spec", dollars: 0.3761, jobSeconds: 2700 });
    expect(fromPackage).toMatchObject({ dollars: 0.1768, unpriced: 0 });
  });

  it("has no total for a Default job whose instance types are not known before it runs", () => {
    // Act
    const estimate = estimateJobCost({
      spec: classic("default-model-package.json"),
      history: [],
      prices,
    });

    // Assess
    expect(estimate.dollars).toBeUndefined();
    expect(estimate.parts).toEqual([]);
    expect(estimate.notes?.[0]).toMatch(/names no instance type/);
  });

  it("leaves a type without a price out of the total, and names it", () => {
    // Act
    const estimate = estimateJobCost({
      spec: classic("advanced-stairs.json"),
      history: [],
      prices: new Map([["ml.g4dn.xlarge", 0.7364]]),
    });

    // Assess: 6 x 300 s stairs + 420 s = 2,220 s at $0.7364/h; ml.g5.xlarge unpriced.
    expect(estimate.parts.map((part) => [part.instanceType, part.dollars])).toEqual([
      ["ml.g4dn.xlarge", 0.4541],
      ["ml.g5.xlarge", undefined],
    ]);
    expect(estimate).toMatchObject({ dollars: 0.4541, unpriced: 1 });
    expect(estimate.notes).toContain("no price for ml.g5.xlarge");
  });

  it("costs nothing of its own for a load test of an existing endpoint, and leaves serverless unpriced", () => {
    // Act
    const existing = estimateJobCost({
      spec: classic("existing-endpoint.json"),
      history: [],
      prices,
    });
    const serverless = estimateJobCost({
      spec: classic("serverless-endpoints.json"),
      history: [],
      prices,
    });

    // Assess
    expect(existing).toMatchObject({ dollars: 0, parts: [], unpriced: 0 });
    expect(existing.notes?.[0]).toMatch(/existing endpoint/);
    expect(serverless.dollars).toBeUndefined();
    expect(serverless.parts).toEqual([
      { instanceCount: 1, seconds: 1020 },
      { instanceCount: 1, seconds: 1020 },
    ]);
    expect(serverless.unpriced).toBe(2);
  });

  it("takes the median of the model's earlier wholly priced jobs over the spec", () => {
    // Act
    const estimate = estimateJobCost({
      spec: classic("advanced-phases.json"),
      history: [cost(3), cost(100, 2), cost(1), cost(2.5), cost(4)],
      prices,
    });

    // Assess: 1, 2.5, 3, 4; the job with unpriced benchmarks is left out.
    expect(estimate).toMatchObject({
      method: "history",
      dollars: 2.75,
      parts: [],
      history: { jobs: 4, lowDollars: 1, highDollars: 4 },
    });
  });

  it("falls back on the spec when no earlier job was wholly priced", () => {
    // Act
    const estimate = estimateJobCost({
      spec: classic("advanced-phases.json"),
      history: [cost(7, 1)],
      prices,
    });

    // Assess
    expect(estimate.method).toBe("spec");
  });

  it("prices an AI recommendation job's instance types under its stated assumption", () => {
    // Prepare
    const spec = aiSpecSchema.parse(sampleSpec("ai/llama-3-8b-chat.json"));

    // Act
    const estimate = estimateJobCost({ spec, history: [], prices: HOSTING_PRICES });
    const unnamed = estimateJobCost({
      spec: { ...spec, job: { ...spec.job, ComputeSpec: {} } },
      history: [],
      prices: HOSTING_PRICES,
    });
    const listPriced = estimateJobCost({
      spec: aiSpecSchema.parse({ ...spec, irflow: { ...spec.irflow, policy: {} } }),
      history: [],
      prices: HOSTING_PRICES,
    });

    // Assess: 25 minutes each of ml.g6e.2xlarge, ml.g5.12xlarge, ml.g6.12xlarge, at the policy's
    // prices as the decision takes them ($2.24/h for ml.g6e.2xlarge), else the list's ($2.80/h).
    expect(estimate.parts.map((part) => [part.instanceType, part.seconds])).toEqual([
      ["ml.g6e.2xlarge", 1500],
      ["ml.g5.12xlarge", 1500],
      ["ml.g6.12xlarge", 1500],
    ]);
    expect(estimate.parts[0]?.dollars).toBe(0.9333);
    expect(listPriced.parts[0]?.dollars).toBe(1.1667);
    expect(estimate.unpriced).toBe(0);
    expect(unnamed.dollars).toBeUndefined();
    expect(unnamed.notes?.[0]).toMatch(/SageMaker picks them/);
  });
});

describe("the history an estimate reads", () => {
  it("keeps the model's earlier costs of the same kind and job type, newest first as listed", () => {
    // Prepare
    const records = [
      { ...runningRecord("new"), jobType: "Default" as const, tuningCost: cost(2) },
      { ...runningRecord("advanced"), jobType: "Advanced" as const, tuningCost: cost(9) },
      { ...runningRecord("none"), jobType: "Default" as const },
      { ...runningRecord("old"), jobType: "Default" as const, tuningCost: cost(1) },
    ];

    // Act
    const history = tuningCostsOf(records, { kind: undefined, jobType: "Default" });

    // Assess
    expect(history.map((entry) => entry.dollars)).toEqual([2, 1]);
  });
});
