import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ModelProfile } from "../../../../local/sagemaker/performance.ts";
import {
  adjustPlan,
  DEFAULT_MAX_RUN_SECONDS,
  DOCUMENTED_DEFAULT_SECONDS,
  type JobPlan,
  modelKeyOf,
  PENDING_SECONDS,
  planJob,
} from "../../../../local/sagemaker/plan.ts";
import type { JobRequest } from "../../../../src/spec/schema.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow";

function defaultRequest(group: string): JobRequest {
  return {
    JobType: "Default",
    RoleArn: ROLE,
    InputConfig: {
      ModelPackageVersionArn: `arn:aws:sagemaker:us-east-1:111122223333:model-package/${group}/3`,
    },
  } as JobRequest;
}

function advancedRequest(options: {
  phases: number[];
  tests: number;
  parallel: number;
  jobDurationSeconds?: number;
}): JobRequest {
  const types = ["ml.c5.xlarge", "ml.m5.xlarge", "ml.c6i.xlarge", "ml.m6i.xlarge", "ml.c5.2xlarge"];
  return {
    JobType: "Advanced",
    RoleArn: ROLE,
    InputConfig: {
      ModelPackageVersionArn: "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud/7",
      JobDurationInSeconds: options.jobDurationSeconds ?? 18_000,
      TrafficPattern: {
        TrafficType: "PHASES",
        Phases: options.phases.map((DurationInSeconds) => ({
          InitialNumberOfUsers: 1,
          SpawnRate: 1,
          DurationInSeconds,
        })),
      },
      ResourceLimit: { MaxNumberOfTests: options.tests, MaxParallelOfTests: options.parallel },
      EndpointConfigurations: types.slice(0, options.tests).map((InstanceType) => ({
        InstanceType,
      })),
    },
  } as JobRequest;
}

const XGBOOST: Omit<ModelProfile, "seed"> = { framework: "XGBOOST", nearestModelName: "xgboost" };

function planDefault(jobName: string, group = "fraud-xgboost", model = XGBOOST): JobPlan {
  return planJob(defaultRequest(group), { seed: `${group}|${jobName}`, ...model }, jobName);
}

function quantile(sorted: number[], fraction: number): number {
  return sorted[Math.floor(fraction * (sorted.length - 1))] ?? Number.NaN;
}

/** Default run times of many light models, one job each. */
function defaultRunTimes(count: number): number[] {
  return Array.from(
    { length: count },
    (_, index) => planDefault(`job-${index}`, `model-${index % 300}`).runSeconds,
  ).sort((a, b) => a - b);
}

describe("emulated job durations: Default", () => {
  it("draws the same run time for the same job name and model, every time", () => {
    // Act
    const first = planDefault("fraud-default-17");
    const again = planDefault("fraud-default-17");

    // Assess
    expect(again).toEqual(first);
  });

  it("varies from job to job, mostly within the documented 45 minutes, with a tail beyond it", () => {
    // Act
    const runs = defaultRunTimes(1500);

    // Assess
    const within = runs.filter((run) => run <= DOCUMENTED_DEFAULT_SECONDS).length / runs.length;
    expect(within).toBeGreaterThan(0.7);
    expect(within).toBeLessThan(0.95);
    expect(quantile(runs, 0.5)).toBeGreaterThan(30 * 60);
    expect(quantile(runs, 0.5)).toBeLessThan(42 * 60);
    expect(quantile(runs, 0.95) / quantile(runs, 0.05)).toBeGreaterThan(1.5);
    expect(quantile(runs, 0.99)).toBeGreaterThan(55 * 60);
    expect(runs.at(-1)).toBeLessThanOrEqual(DEFAULT_MAX_RUN_SECONDS);
  });

  it("keeps one model's jobs closer together than different models' jobs", () => {
    // Act
    const sameModel = Array.from(
      { length: 300 },
      (_, index) => planDefault(`same-${index}`, "one-model").runSeconds,
    );
    const manyModels = defaultRunTimes(300);

    // Assess
    expect(logSpread(sameModel)).toBeLessThan(0.75 * logSpread(manyModels));
  });

  it("takes longer for a large language model than for a tree model", () => {
    // Prepare
    const llm = { framework: "PYTORCH", nearestModelName: "llama-2-7b" };

    // Act
    const median = (model: Omit<ModelProfile, "seed">) =>
      quantile(
        Array.from(
          { length: 400 },
          (_, index) => planDefault(`job-${index}`, `m-${index}`, model).runSeconds,
        ).sort((a, b) => a - b),
        0.5,
      );

    // Assess
    expect(median(llm)).toBeGreaterThan(1.2 * median(XGBOOST));
  });

  it("runs its benchmarks two at a time, inside the run, one after another in each slot", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{2,30}$/), (jobName) => {
        // Act
        const plan = planDefault(jobName);

        // Assess
        expect(plan.pendingSeconds).toBe(PENDING_SECONDS);
        expect(plan.benchmarks.length).toBeGreaterThan(2);
        for (const benchmark of plan.benchmarks) {
          expect(benchmark.startOffset).toBeGreaterThan(0);
          expect(benchmark.endOffset).toBeGreaterThan(benchmark.startOffset);
          expect(benchmark.endOffset).toBeLessThan(plan.runSeconds);
        }
        expect(maxOverlap(plan)).toBe(2);
        const lengths = plan.benchmarks.map((b) => b.endOffset - b.startOffset);
        expect(Math.max(...lengths)).toBeGreaterThan(Math.min(...lengths));
      }),
      { numRuns: 50 },
    );
  });
});

describe("emulated job durations: Advanced", () => {
  it("runs every load test for the whole traffic pattern plus an endpoint setup, MaxParallelOfTests at a time", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 120, max: 900 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.stringMatching(/^[a-z][a-z0-9-]{2,30}$/),
        (phases, tests, parallelWanted, jobName) => {
          // Prepare
          const parallel = Math.min(parallelWanted, tests);
          const request = advancedRequest({ phases, tests, parallel });
          const traffic = phases.reduce((sum, phase) => sum + phase, 0);

          // Act
          const plan = planJob(request, { seed: `fraud|${jobName}`, ...XGBOOST }, jobName);

          // Assess
          expect(plan.benchmarks).toHaveLength(tests);
          expect(maxOverlap(plan)).toBe(parallel);
          for (const benchmark of plan.benchmarks) {
            expect(benchmark.endOffset - benchmark.startOffset).toBeGreaterThan(traffic + 60);
          }
          const waves = Math.ceil(tests / parallel);
          expect(plan.runSeconds).toBeGreaterThan(waves * traffic);
          expect(plan.runSeconds).toBeGreaterThan(
            Math.max(...plan.benchmarks.map((b) => b.endOffset)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("grows with the traffic pattern and the number of waves", () => {
    // Act
    const run = (phases: number[], tests: number, parallel: number) =>
      planJob(
        advancedRequest({ phases, tests, parallel }),
        { seed: "fraud|load", ...XGBOOST },
        "load",
      ).runSeconds;

    // Assess
    expect(run([1800], 2, 2)).toBeGreaterThan(run([600], 2, 2) + 1000);
    expect(run([600], 4, 1)).toBeGreaterThan(run([600], 4, 4) + 3 * 600);
  });

  it("varies from job to job through endpoint setup times", () => {
    // Act
    const runs = Array.from(
      { length: 200 },
      (_, index) =>
        planJob(
          advancedRequest({ phases: [900], tests: 4, parallel: 2 }),
          { seed: `fraud|load-${index}`, ...XGBOOST },
          `load-${index}`,
        ).runSeconds,
    ).sort((a, b) => a - b);

    // Assess
    expect(new Set(runs).size).toBeGreaterThan(100);
    expect(quantile(runs, 0.95) - quantile(runs, 0.05)).toBeGreaterThan(120);
    expect(quantile(runs, 0.05)).toBeGreaterThan(2 * 900);
  });

  it("never runs beyond JobDurationInSeconds", () => {
    // Prepare
    const request = advancedRequest({
      phases: [1800],
      tests: 4,
      parallel: 1,
      jobDurationSeconds: 3600,
    });

    // Act
    const plan = planJob(request, { seed: "fraud|capped", ...XGBOOST }, "capped");

    // Assess
    expect(plan.runSeconds).toBe(3600);
    expect(plan.benchmarks.length).toBeLessThan(4);
    for (const benchmark of plan.benchmarks) expect(benchmark.endOffset).toBeLessThanOrEqual(3600);
  });
});

describe("plan overrides from the faults file", () => {
  it("sets the run time and stretches the benchmarks to fit", () => {
    // Prepare
    const plan = planDefault("fixed-run");

    // Act
    const adjusted = adjustPlan(plan, { runSeconds: plan.runSeconds * 2 });

    // Assess
    expect(adjusted.runSeconds).toBe(plan.runSeconds * 2);
    adjusted.benchmarks.forEach((benchmark, index) => {
      const original = plan.benchmarks[index]!;
      expect(benchmark.startOffset).toBeCloseTo(original.startOffset * 2, -1);
      expect(benchmark.endOffset).toBeCloseTo(original.endOffset * 2, -1);
    });
  });

  it("hides progress: every benchmark spans the whole run", () => {
    // Act
    const adjusted = adjustPlan(planDefault("hidden"), { runSeconds: 1000, progress: false });

    // Assess
    expect(adjusted.benchmarks.length).toBeGreaterThan(0);
    for (const benchmark of adjusted.benchmarks) {
      expect([benchmark.startOffset, benchmark.endOffset]).toEqual([0, 1000]);
    }
  });
});

describe("model identity", () => {
  it("is the model package group for every version, or the model name", () => {
    // Act
    const group = modelKeyOf(defaultRequest("fraud-xgboost"));
    const named = modelKeyOf({
      JobType: "Default",
      RoleArn: ROLE,
      InputConfig: { ModelName: "sentiment" },
    } as JobRequest);

    // Assess
    expect(group).toBe("arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud-xgboost");
    expect(named).toBe("sentiment");
  });
});

function logSpread(values: number[]): number {
  const logs = values.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
  return Math.sqrt(logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / logs.length);
}

/** The most benchmarks running at one instant. */
function maxOverlap(plan: JobPlan): number {
  const events = plan.benchmarks.flatMap((benchmark) => [
    { at: benchmark.startOffset, delta: 1 },
    { at: benchmark.endOffset, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let most = 0;
  for (const event of events) {
    running += event.delta;
    most = Math.max(most, running);
  }
  return most;
}
