import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instanceSpec, UnknownInstanceTypeError } from "../../../../local/sagemaker/catalog.ts";
import {
  benchmarkRealTime,
  benchmarkServerless,
  defaultCandidateTypes,
  type LatencyLimit,
  type ModelProfile,
  type RealTimeBenchmark,
  type ServerlessBenchmark,
} from "../../../../local/sagemaker/performance.ts";
import { INSTANCE_TYPES, type InstanceType } from "../../../../src/spec/instance-types.ts";

const XGBOOST: ModelProfile = {
  seed: "churn-job/model-package/churn-xgb/3",
  framework: "XGBOOST",
  domain: "MACHINE_LEARNING",
  task: "CLASSIFICATION",
  nearestModelName: "xgboost",
};

const BERT: ModelProfile = {
  seed: "reviews-job/model/bert-reviews",
  framework: "PYTORCH",
  domain: "NATURAL_LANGUAGE_PROCESSING",
  task: "FILL_MASK",
  nearestModelName: "bert-base-cased",
};

const SEEDS = ["job-a/model-1", "job-b/model-2", "job-c/model-3"];

/** Metrics the API documents as possibly NaN. */
const MAY_BE_NAN = new Set(["cpuUtilization", "memoryUtilization", "modelSetupTime"]);

/** Numeric fields that are not finite, other than the utilizations AWS may report as NaN. */
function unexpectedNonFinite(result: RealTimeBenchmark | ServerlessBenchmark): string[] {
  return Object.entries(result)
    .filter(([field, value]) => typeof value === "number" && !MAY_BE_NAN.has(field))
    .filter(([, value]) => !Number.isFinite(value))
    .map(([field]) => field);
}

function isPercentOrNaN(value: number): boolean {
  return Number.isNaN(value) || (value >= 0 && value <= 100);
}

const profileArbitrary: fc.Arbitrary<ModelProfile> = fc.record(
  {
    seed: fc.string(),
    framework: fc.constantFrom(
      "TENSORFLOW",
      "PYTORCH",
      "XGBOOST",
      "SAGEMAKER-SCIKIT-LEARN",
      "MXNET",
    ),
    domain: fc.constantFrom("COMPUTER_VISION", "NATURAL_LANGUAGE_PROCESSING", "MACHINE_LEARNING"),
    task: fc.constantFrom(
      "IMAGE_CLASSIFICATION",
      "OBJECT_DETECTION",
      "TEXT_GENERATION",
      "FILL_MASK",
      "OTHER",
    ),
    nearestModelName: fc.oneof(
      fc.constantFrom("resnet50", "bert-base-uncased", "xgboost", "mobilenet-v2", "llama-2-7b"),
      fc.string(),
    ),
  },
  { requiredKeys: ["seed"] },
);

const latencyLimitArbitrary: fc.Arbitrary<LatencyLimit> = fc.record({
  percentile: fc.constantFrom("P95" as const, "P99" as const),
  valueInMilliseconds: fc.integer({ min: 1, max: 5_000 }),
});

describe("benchmarkRealTime", () => {
  it("gives deep-equal results for the same inputs", () => {
    // Prepare
    const options = { environment: { OMP_NUM_THREADS: "2" }, maxInvocationsCap: 50_000 };

    // Act
    const first = INSTANCE_TYPES.map((type) => benchmarkRealTime(BERT, type, options));
    const second = INSTANCE_TYPES.map((type) =>
      benchmarkRealTime({ ...BERT }, type, { ...options }),
    );

    // Assess
    expect(second).toEqual(first);
  });

  it("gives different figures for a different seed", () => {
    // Prepare
    const other: ModelProfile = { ...XGBOOST, seed: "another-job/model-package/churn-xgb/3" };
    const types: InstanceType[] = ["ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge"];

    // Act
    const figures = (profile: ModelProfile) =>
      types.map((type) => {
        const { maxInvocations, modelLatency } = benchmarkRealTime(profile, type);
        return [maxInvocations, modelLatency];
      });

    // Assess
    expect(figures(other)).not.toEqual(figures(XGBOOST));
    for (const [index, [invocations]] of figures(other).entries()) {
      expect(invocations).not.toBe(figures(XGBOOST)[index]?.[0]);
    }
  });

  it("reports the catalog price and costPerInference = costPerHour / (maxInvocations × 60)", () => {
    // Prepare
    const profiles = [XGBOOST, BERT];

    // Act
    const results = profiles.flatMap((profile) =>
      INSTANCE_TYPES.map((type) => benchmarkRealTime(profile, type)),
    );

    // Assess
    for (const result of results) {
      expect(result.costPerHour).toBe(instanceSpec(result.instanceType).pricePerHourUsd);
      expect(result.costPerInference).toBe(result.costPerHour / (result.maxInvocations * 60));
    }
  });

  it("reports ModelLatency in microseconds: a latency limit in ms bounds it a thousandfold", () => {
    // Prepare: a P95 bound (ms) at the unbounded mean latency (reported in us).
    const free = benchmarkRealTime(BERT, "ml.c5.xlarge");
    const limitMs = free.modelLatency / 1000;

    // Act
    const limited = benchmarkRealTime(BERT, "ml.c5.xlarge", {
      latencyLimit: { percentile: "P95", valueInMilliseconds: limitMs },
    });

    // Assess: the mean stays well under the bound (P95 is at least 1.45 x the mean).
    expect(limited.modelLatency).toBeLessThanOrEqual((limitMs * 1000) / 1.45 + 1);
    expect(limited.modelLatency).toBeGreaterThan(1000);
  });

  it("lowers maxInvocations under a latency limit, P99 at least as much as P95", () => {
    // Prepare
    const free = benchmarkRealTime(BERT, "ml.c5.xlarge");
    const limit = (free.modelLatency / 1000) * 1.6;

    // Act
    const p95 = benchmarkRealTime(BERT, "ml.c5.xlarge", {
      latencyLimit: { percentile: "P95", valueInMilliseconds: limit },
    });
    const p99 = benchmarkRealTime(BERT, "ml.c5.xlarge", {
      latencyLimit: { percentile: "P99", valueInMilliseconds: limit },
    });

    // Assess
    expect(p95.maxInvocations).toBeLessThan(free.maxInvocations);
    expect(p99.maxInvocations).toBeLessThan(p95.maxInvocations);
    expect(p95.modelLatency).toBeLessThan(free.modelLatency);
    expect(p99.costPerInference).toBe(p99.costPerHour / (p99.maxInvocations * 60));
  });

  it("never lets P99 allow more invocations than P95 for the same limit", () => {
    fc.assert(
      fc.property(
        profileArbitrary,
        fc.constantFrom(...INSTANCE_TYPES),
        fc.integer({ min: 1, max: 2_000 }),
        (profile, type, limit) => {
          // Prepare
          const at = (percentile: LatencyLimit["percentile"]) =>
            benchmarkRealTime(profile, type, {
              latencyLimit: { percentile, valueInMilliseconds: limit },
            }).maxInvocations;

          // Act
          const [free, p95, p99] = [
            benchmarkRealTime(profile, type).maxInvocations,
            at("P95"),
            at("P99"),
          ];

          // Assess
          expect(p99).toBeLessThanOrEqual(p95);
          expect(p95).toBeLessThanOrEqual(free);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("honours maxInvocationsCap", () => {
    // Prepare
    const free = benchmarkRealTime(XGBOOST, "ml.c5.xlarge");

    // Act
    const capped = benchmarkRealTime(XGBOOST, "ml.c5.xlarge", { maxInvocationsCap: 100 });

    // Assess
    expect(free.maxInvocations).toBeGreaterThan(100);
    expect(capped.maxInvocations).toBe(100);
    expect(capped.modelLatency).toBeLessThanOrEqual(free.modelLatency);
    expect(capped.costPerInference).toBe(capped.costPerHour / (100 * 60));
  });

  it("reports NaN only in the utilization fields, for a small share of instances", () => {
    // Prepare
    const profiles = SEEDS.map((seed) => ({ ...BERT, seed }));

    // Act
    const results = profiles.flatMap((profile) =>
      INSTANCE_TYPES.map((type) => benchmarkRealTime(profile, type)),
    );

    // Assess
    const withNaN = results.filter(
      (result) => Number.isNaN(result.cpuUtilization) || Number.isNaN(result.memoryUtilization),
    );
    expect(results.flatMap(unexpectedNonFinite)).toEqual([]);
    expect(withNaN.length).toBeGreaterThan(0);
    expect(withNaN.length).toBeLessThan(results.length * 0.15);
  });

  it("serves xgboost on ml.c5.xlarge at thousands per minute within tens of milliseconds", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        // Prepare
        const profile = { ...XGBOOST, seed };

        // Act
        const result = benchmarkRealTime(profile, "ml.c5.xlarge");

        // Assess
        expect(result.maxInvocations).toBeGreaterThanOrEqual(1_000);
        expect(result.maxInvocations).toBeLessThan(100_000);
        expect(result.modelLatency).toBeLessThan(100_000);
      }),
    );
  });

  it("serves bert on CPU far slower than xgboost, and faster on a GPU", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        // Prepare
        const bert = { ...BERT, seed };
        const xgboost = { ...XGBOOST, seed };

        // Act
        const onCpu = benchmarkRealTime(bert, "ml.c5.xlarge");
        const onGpu = benchmarkRealTime(bert, "ml.g4dn.xlarge");
        const tabular = benchmarkRealTime(xgboost, "ml.c5.xlarge");

        // Assess
        expect(onCpu.maxInvocations * 3).toBeLessThan(tabular.maxInvocations);
        expect(onCpu.modelLatency).toBeGreaterThanOrEqual(10_000);
        expect(onCpu.modelLatency).toBeLessThan(1_000_000);
        expect(onGpu.maxInvocations).toBeGreaterThan(onCpu.maxInvocations * 2);
        expect(onGpu.modelLatency).toBeLessThan(onCpu.modelLatency);
      }),
    );
  });

  it("gains little from a GPU for xgboost, and serves it faster on newer Graviton", () => {
    // Prepare
    const cpuPrice = instanceSpec("ml.c5.xlarge").pricePerHourUsd;

    // Act
    const c5 = benchmarkRealTime(XGBOOST, "ml.c5.xlarge");
    const g4dn = benchmarkRealTime(XGBOOST, "ml.g4dn.xlarge");
    const c7g = benchmarkRealTime(XGBOOST, "ml.c7g.xlarge");

    // Assess
    expect(g4dn.maxInvocations).toBeLessThan(c5.maxInvocations * 1.2);
    expect(g4dn.costPerHour).toBeGreaterThan(cpuPrice);
    expect(c7g.maxInvocations).toBeGreaterThan(c5.maxInvocations);
  });

  it("shifts throughput slightly and deterministically with the environment", () => {
    // Prepare
    const base = benchmarkRealTime(XGBOOST, "ml.m5.xlarge");

    // Act
    const withEnvironment = benchmarkRealTime(XGBOOST, "ml.m5.xlarge", {
      environment: { MODEL_SERVER_WORKERS: "4", LOG_LEVEL: "info" },
    });
    const reordered = benchmarkRealTime(XGBOOST, "ml.m5.xlarge", {
      environment: { LOG_LEVEL: "info", MODEL_SERVER_WORKERS: "4" },
    });

    // Assess
    expect(reordered).toEqual(withEnvironment);
    expect(withEnvironment.maxInvocations).not.toBe(base.maxInvocations);
    expect(Math.abs(withEnvironment.maxInvocations / base.maxInvocations - 1)).toBeLessThan(0.06);
  });

  it("slows a deep model on CPU when OMP_NUM_THREADS gives a request fewer threads", () => {
    // Prepare
    const type: InstanceType = "ml.c5.4xlarge";

    // Act
    const oneThread = benchmarkRealTime(BERT, type, { environment: { OMP_NUM_THREADS: "1" } });
    const eightThreads = benchmarkRealTime(BERT, type, { environment: { OMP_NUM_THREADS: "8" } });

    // Assess
    expect(oneThread.modelLatency).toBeGreaterThan(eightThreads.modelLatency * 2);
  });

  it("rejects an unknown instance type, a non-positive limit and a non-positive cap", () => {
    // Prepare
    const unknown = "ml.z9.huge" as InstanceType;

    // Act
    const withUnknownType = () => benchmarkRealTime(XGBOOST, unknown);
    const withZeroLimit = () =>
      benchmarkRealTime(XGBOOST, "ml.c5.xlarge", {
        latencyLimit: { percentile: "P95", valueInMilliseconds: 0 },
      });
    const withZeroCap = () => benchmarkRealTime(XGBOOST, "ml.c5.xlarge", { maxInvocationsCap: 0 });

    // Assess
    expect(withUnknownType).toThrow(UnknownInstanceTypeError);
    expect(withZeroLimit).toThrow(RangeError);
    expect(withZeroCap).toThrow(RangeError);
  });

  it("keeps every figure finite and in range for arbitrary models and instance types", () => {
    fc.assert(
      fc.property(
        profileArbitrary,
        fc.constantFrom(...INSTANCE_TYPES),
        fc.option(latencyLimitArbitrary, { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        fc.dictionary(fc.constantFrom("OMP_NUM_THREADS", "TS_DEBUG", "X"), fc.string()),
        (profile, type, latencyLimit, maxInvocationsCap, environment) => {
          // Act
          const result = benchmarkRealTime(profile, type, {
            latencyLimit,
            maxInvocationsCap,
            environment,
          });

          // Assess
          expect(unexpectedNonFinite(result)).toEqual([]);
          expect(result.instanceType).toBe(type);
          expect(Number.isInteger(result.maxInvocations)).toBe(true);
          expect(result.maxInvocations).toBeGreaterThanOrEqual(1);
          expect(result.maxInvocations).toBeLessThanOrEqual(maxInvocationsCap ?? Infinity);
          expect(Number.isInteger(result.modelLatency)).toBe(true);
          expect(result.modelLatency).toBeGreaterThanOrEqual(1);
          expect(result.costPerHour).toBeGreaterThan(0);
          expect(result.costPerInference).toBeGreaterThan(0);
          expect(isPercentOrNaN(result.cpuUtilization)).toBe(true);
          expect(isPercentOrNaN(result.memoryUtilization)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("benchmarkServerless", () => {
  it("gives deep-equal results for the same inputs and reports no CPU utilization", () => {
    // Prepare
    const config = { memorySizeInMB: 2048, maxConcurrency: 10 };

    // Act
    const first = benchmarkServerless(XGBOOST, config);
    const second = benchmarkServerless({ ...XGBOOST }, { ...config });

    // Assess
    expect(second).toEqual(first);
    expect(first.cpuUtilization).toBeNaN();
    expect(first).toMatchObject(config);
  });

  it("charges more per hour and starts slower with more memory", () => {
    // Prepare
    const profiles = SEEDS.map((seed) => ({ ...BERT, seed }));

    // Act
    const pairs = profiles.map((profile) => [
      benchmarkServerless(profile, { memorySizeInMB: 2048, maxConcurrency: 5 }),
      benchmarkServerless(profile, { memorySizeInMB: 6144, maxConcurrency: 5 }),
    ]);

    // Assess
    for (const [small, large] of pairs) {
      expect(large?.costPerHour).toBeGreaterThan(small?.costPerHour ?? Infinity);
      // A setup time reported as NaN compares with nothing.
      if (Number.isNaN(small?.modelSetupTime) || Number.isNaN(large?.modelSetupTime)) continue;
      expect(large?.modelSetupTime).toBeGreaterThan(small?.modelSetupTime ?? Infinity);
    }
  });

  it("starts a heavy model slower than a light one", () => {
    // Prepare
    const config = { memorySizeInMB: 4096, maxConcurrency: 5 };

    // Act
    // A seed whose setup time is reported (a small share of seeds report NaN).
    const light = benchmarkServerless({ ...XGBOOST, seed: "cold-start" }, config);
    const heavy = benchmarkServerless({ ...BERT, seed: "cold-start" }, config);

    // Assess
    expect(heavy.modelSetupTime).toBeGreaterThan(light.modelSetupTime);
    expect(heavy.modelLatency).toBeGreaterThan(light.modelLatency);
  });

  it("reports ModelSetupTime as NaN for a small share of configurations, as the API allows", () => {
    // Prepare
    const profiles = Array.from({ length: 400 }, (_, index) => ({ ...BERT, seed: `s${index}` }));

    // Act
    const setupTimes = profiles.map(
      (profile) =>
        benchmarkServerless(profile, { memorySizeInMB: 2048, maxConcurrency: 5 }).modelSetupTime,
    );

    // Assess
    const missing = setupTimes.filter((value) => Number.isNaN(value));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(setupTimes.length * 0.1);
    // Cold starts of seconds, in microseconds.
    for (const value of setupTimes.filter((item) => !Number.isNaN(item))) {
      expect(value).toBeGreaterThan(1_000_000);
      expect(value).toBeLessThan(60_000_000);
    }
  });

  it("applies the latency limit and the cap", () => {
    // Prepare
    const config = { memorySizeInMB: 1024, maxConcurrency: 20 };
    const free = benchmarkServerless(BERT, config);

    // Act
    const limited = benchmarkServerless(BERT, config, {
      latencyLimit: { percentile: "P99", valueInMilliseconds: (free.modelLatency / 1000) * 1.6 },
    });
    const capped = benchmarkServerless(BERT, config, { maxInvocationsCap: 10 });

    // Assess
    expect(limited.maxInvocations).toBeLessThan(free.maxInvocations);
    expect(capped.maxInvocations).toBe(10);
    expect(capped.costPerInference).toBe(capped.costPerHour / (10 * 60));
  });

  it("rejects a configuration without positive memory and concurrency", () => {
    // Prepare
    const zeroMemory = { memorySizeInMB: 0, maxConcurrency: 5 };
    const zeroConcurrency = { memorySizeInMB: 1024, maxConcurrency: 0 };

    // Act
    const run = (config: { memorySizeInMB: number; maxConcurrency: number }) => () =>
      benchmarkServerless(XGBOOST, config);

    // Assess
    expect(run(zeroMemory)).toThrow(RangeError);
    expect(run(zeroConcurrency)).toThrow(RangeError);
  });

  it("keeps every figure finite and in range for arbitrary models and configurations", () => {
    fc.assert(
      fc.property(
        profileArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 200 }),
        fc.option(latencyLimitArbitrary, { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        (profile, gigabytes, maxConcurrency, latencyLimit, maxInvocationsCap) => {
          // Act
          const result = benchmarkServerless(
            profile,
            { memorySizeInMB: gigabytes * 1024, maxConcurrency },
            { latencyLimit, maxInvocationsCap },
          );

          // Assess
          expect(unexpectedNonFinite(result)).toEqual([]);
          expect(Number.isInteger(result.maxInvocations)).toBe(true);
          expect(result.maxInvocations).toBeGreaterThanOrEqual(1);
          expect(result.maxInvocations).toBeLessThanOrEqual(maxInvocationsCap ?? Infinity);
          expect(Number.isInteger(result.modelLatency)).toBe(true);
          expect(result.modelLatency).toBeGreaterThanOrEqual(1);
          if (!Number.isNaN(result.modelSetupTime)) {
            expect(Number.isInteger(result.modelSetupTime)).toBe(true);
            expect(result.modelSetupTime).toBeGreaterThanOrEqual(1);
          }
          expect(result.costPerHour).toBeGreaterThan(0);
          expect(result.costPerInference).toBe(result.costPerHour / (result.maxInvocations * 60));
          expect(isPercentOrNaN(result.memoryUtilization)).toBe(true);
          expect(result.cpuUtilization).toBeNaN();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("defaultCandidateTypes", () => {
  it("returns the requested number of distinct catalog types, the same every time", () => {
    // Prepare
    const counts = [0, 1, 5, 20, 100];

    // Act
    const lists = counts.map((count) => defaultCandidateTypes(BERT, count));

    // Assess
    for (const [index, list] of lists.entries()) {
      expect(list).toHaveLength(counts[index] ?? -1);
      expect(new Set(list).size).toBe(list.length);
      expect(list.every((type) => INSTANCE_TYPES.includes(type))).toBe(true);
    }
    expect(defaultCandidateTypes(BERT, 20)).toEqual(lists[3]);
    expect(lists[4]?.slice(0, 20)).toEqual(lists[3]);
  });

  it("stops at the size of the catalog", () => {
    // Prepare
    const tooMany = INSTANCE_TYPES.length + 10;

    // Act
    const list = defaultCandidateTypes(XGBOOST, tooMany);

    // Assess
    expect(new Set(list)).toEqual(new Set(INSTANCE_TYPES));
  });

  it("picks CPU instances for tabular models", () => {
    // Prepare
    const scikit: ModelProfile = { seed: "job/sk", framework: "SAGEMAKER-SCIKIT-LEARN" };

    // Act
    const lists = [defaultCandidateTypes(XGBOOST, 8), defaultCandidateTypes(scikit, 8)];

    // Assess
    for (const type of lists.flat()) {
      expect(instanceSpec(type).accelerator, type).toBeUndefined();
    }
  });

  it("includes GPU and Inferentia instances for large vision and language models", () => {
    // Prepare
    const vision: ModelProfile = {
      seed: "job/detector",
      framework: "PYTORCH",
      domain: "COMPUTER_VISION",
      task: "OBJECT_DETECTION",
      nearestModelName: "yolov5",
    };

    // Act
    const kinds = [BERT, vision].map((profile) =>
      defaultCandidateTypes(profile, 6).map(
        (type) => instanceSpec(type).accelerator?.kind ?? "cpu",
      ),
    );

    // Assess
    for (const list of kinds) {
      expect(list).toContain("gpu");
      expect(list).toContain("inferentia");
      expect(list).toContain("cpu");
    }
  });
});
