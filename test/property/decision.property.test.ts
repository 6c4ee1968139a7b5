import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type NormalizedJob, parseDescribeResponse } from "../../src/decision/describe.ts";
import type { DecisionEntry } from "../../src/decision/entry.ts";
import { toMilliseconds } from "../../src/decision/latency-unit.ts";
import {
  inFamily,
  OBJECTIVES,
  type Policy,
  parsePolicy,
  type ResolvedPolicy,
} from "../../src/decision/policy.ts";
import { applyRelaxation } from "../../src/decision/relax.ts";
import { type Decision, decide } from "../../src/decision/select.ts";

const INSTANCE_TYPES = [
  "ml.c5.large",
  "ml.c5.xlarge",
  "ml.c6g.xlarge",
  "ml.c6gd.xlarge",
  "ml.c6i.xlarge",
  "ml.m5.xlarge",
  "ml.g5.xlarge",
  "ml.inf2.xlarge",
];
const FAMILIES = [
  "ml.c5",
  "ml.c6g",
  "ml.c6gd",
  "ml.c6i",
  "ml.m5",
  "ml.g5",
  "ml.inf2",
  "ml.c5.xlarge",
];

/** A metric as a response may carry it: a number, "NaN", NaN, or absent. */
function metric(value: fc.Arbitrary<number>): fc.Arbitrary<number | string | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: value },
    { weight: 1, arbitrary: fc.constantFrom<number | string>("NaN", Number.NaN) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const metrics = fc.record({
  CostPerHour: metric(fc.double({ min: 0.01, max: 40, noNaN: true })),
  CostPerInference: metric(fc.double({ min: 1e-8, max: 1e-3, noNaN: true })),
  MaxInvocations: metric(fc.integer({ min: 1, max: 30000 })),
  ModelLatency: metric(fc.integer({ min: 1, max: 3_000_000 })),
  ModelSetupTime: metric(fc.integer({ min: 0, max: 60_000_000 })),
  CpuUtilization: metric(fc.double({ min: 0, max: 100, noNaN: true })),
});

const endpointConfiguration = fc.oneof(
  fc
    .constantFrom(...INSTANCE_TYPES)
    .map((InstanceType) => ({ InstanceType, InitialInstanceCount: 1 })),
  fc
    .record({
      MemorySizeInMB: fc.constantFrom(1024, 2048, 3072, 4096, 5120, 6144),
      MaxConcurrency: fc.integer({ min: 1, max: 200 }),
    })
    .map((ServerlessConfig) => ({ ServerlessConfig })),
);

const recommendations = fc
  .array(
    fc.record({
      named: fc.boolean(),
      Metrics: metrics,
      EndpointConfiguration: endpointConfiguration,
      environment: fc.constantFrom([], [{ Key: "OMP_NUM_THREADS", Value: "2" }]),
    }),
    { maxLength: 8 },
  )
  .map((entries) =>
    entries.map(({ named, Metrics, EndpointConfiguration, environment }, index) => ({
      ...(named ? { RecommendationId: `rec-${index}` } : {}),
      Metrics,
      EndpointConfiguration,
      ModelConfiguration: { EnvironmentParameters: environment },
    })),
  );

const response = fc.record({
  JobName: fc.constant("property-job"),
  JobType: fc.constantFrom("Default", "Advanced"),
  Status: fc.oneof(
    { weight: 9, arbitrary: fc.constant("COMPLETED") },
    { weight: 1, arbitrary: fc.constant("FAILED") },
  ),
  InputConfig: fc.constantFrom(
    {},
    {
      TrafficPattern: {
        TrafficType: "PHASES",
        Phases: [{ InitialNumberOfUsers: 1, SpawnRate: 2, DurationInSeconds: 300 }],
      },
    },
  ),
  StoppingConditions: fc.constantFrom(
    {},
    { ModelLatencyThresholds: [{ Percentile: "P95", ValueInMilliseconds: 100 }] },
  ),
  InferenceRecommendations: recommendations,
});

/** A policy field: absent three times in four, so that some policies can be met. */
function sometimes<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: value },
  );
}

const policyInput = fc
  .record({
    objective: sometimes(fc.constantFrom(...OBJECTIVES)),
    maxLatencyMs: sometimes(fc.double({ min: 0.5, max: 3000, noNaN: true })),
    requestsPerMinute: fc.option(fc.integer({ min: 1, max: 60000 }), { nil: undefined }),
    headroom: sometimes(fc.constantFrom(0, 0.1, 0.15, 0.2, 0.5, 1)),
    minInstances: sometimes(fc.integer({ min: 1, max: 3 })),
    maxInstances: sometimes(fc.integer({ min: 3, max: 20 })),
    maxMonthlyCost: sometimes(fc.double({ min: 10, max: 50000, noNaN: true })),
    maxCostPerHour: sometimes(fc.double({ min: 0.05, max: 60, noNaN: true })),
    latencyUnit: fc.constantFrom("auto", "us", "ms"),
    instanceFamilies: sometimes(fc.subarray(FAMILIES, { minLength: 1 })),
    excludeInstanceFamilies: sometimes(fc.subarray(FAMILIES)),
    endpointTypes: sometimes(fc.subarray(["RealTime", "Serverless"], { minLength: 1 })),
    maxColdStartMs: sometimes(fc.double({ min: 100, max: 60000, noNaN: true })),
  })
  .map((policy) =>
    Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined)),
  );

function parsedJob(input: unknown): NormalizedJob {
  const parsed = parseDescribeResponse(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

function parsedPolicy(input: unknown): Policy {
  const parsed = parsePolicy(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

/** The objective's figure, oriented so that lower is better. */
function objectiveScore(entry: DecisionEntry, policy: ResolvedPolicy): number | undefined {
  const value = {
    "monthly-cost": entry.monthlyCost,
    "cost-per-inference": entry.costPerInference,
    "cost-per-hour": entry.costPerHour,
    latency: entry.latencyMs,
    throughput: entry.maxInvocations,
  }[policy.objective];
  if (value === undefined) return undefined;
  return policy.objective === "throughput" ? -value : value;
}

/** Every constraint, checked from scratch against the job's own figures. */
function brokenConstraints(entry: DecisionEntry, job: NormalizedJob, decision: Decision): string[] {
  const policy = decision.policy;
  const unit = decision.latencyUnit.unit;
  const source = job.recommendations.find(
    (item) => item.recommendationId === entry.recommendationId,
  );
  if (!source) return ["not in the job"];
  const broken: string[] = [];
  const latency = source.metrics.modelLatency;
  const latencyMs = latency === undefined ? undefined : toMilliseconds(latency, unit);
  if (latencyMs !== entry.latencyMs) broken.push("latency not read in the decided unit");
  if (objectiveScore(entry, policy) === undefined) broken.push("objective figure missing");
  if (policy.endpointTypes && !policy.endpointTypes.includes(entry.endpointType))
    broken.push("type");
  if (entry.endpointType === "RealTime") {
    const type = entry.instanceType;
    if (type === undefined) broken.push("no instance type");
    else {
      if (policy.instanceFamilies && !policy.instanceFamilies.some((f) => inFamily(type, f))) {
        broken.push("family");
      }
      if ((policy.excludeInstanceFamilies ?? []).some((f) => inFamily(type, f)))
        broken.push("excluded");
    }
    if (policy.maxInstances !== undefined && (entry.instanceCount ?? 0) > policy.maxInstances) {
      broken.push("instances");
    }
  }
  if (
    policy.maxLatencyMs !== undefined &&
    !(latencyMs !== undefined && latencyMs <= policy.maxLatencyMs)
  ) {
    broken.push("latency");
  }
  if (policy.requiredPerMinute !== undefined) {
    const capacity =
      entry.endpointType === "RealTime"
        ? (entry.instanceCount ?? 0) * (source.metrics.maxInvocations ?? 0)
        : (source.metrics.maxInvocations ?? 0);
    if (!(capacity >= policy.requiredPerMinute)) broken.push("capacity");
  }
  if (entry.endpointType === "Serverless" && policy.maxColdStartMs !== undefined) {
    const setup = source.metrics.modelSetupTime;
    if (!(setup !== undefined && toMilliseconds(setup, unit) <= policy.maxColdStartMs))
      broken.push("cold start");
  }
  if (
    policy.maxMonthlyCost !== undefined &&
    !(entry.monthlyCost !== undefined && entry.monthlyCost <= policy.maxMonthlyCost)
  ) {
    broken.push("monthly cost");
  }
  if (
    policy.maxCostPerHour !== undefined &&
    !(entry.hourlyCost !== undefined && entry.hourlyCost <= policy.maxCostPerHour)
  ) {
    broken.push("hourly cost");
  }
  return broken;
}

/** An entry with every metric usable and a deployable configuration. */
function complete(job: NormalizedJob): boolean {
  return job.recommendations.some((item) => {
    const m = item.metrics;
    const deployable =
      item.endpointType === "RealTime"
        ? item.instanceType !== undefined
        : item.serverless?.memorySizeInMB !== undefined;
    return (
      deployable &&
      m.costPerHour !== undefined &&
      m.costPerInference !== undefined &&
      m.maxInvocations !== undefined &&
      m.modelLatency !== undefined &&
      (item.endpointType === "RealTime" || m.modelSetupTime !== undefined)
    );
  });
}

const scenario = fc.record({ response, policy: policyInput });

describe("decide (properties)", () => {
  it("selects an entry that satisfies every constraint, with its objective figure", () => {
    fc.assert(
      fc.property(scenario, ({ response: raw, policy: input }) => {
        const job = parsedJob(raw);
        const decision = decide(job, parsedPolicy(input));
        if (decision.outcome !== "selected") return;
        const selected = decision.selected as DecisionEntry;
        expect(brokenConstraints(selected, job, decision)).toEqual([]);
        expect(decision.ranked[0]).toEqual(selected);
      }),
      { numRuns: 300 },
    );
  });

  it("ranks only feasible entries, rejects only infeasible ones, and none beats the selected", () => {
    fc.assert(
      fc.property(scenario, ({ response: raw, policy: input }) => {
        const job = parsedJob(raw);
        const decision = decide(job, parsedPolicy(input));
        for (const entry of decision.ranked)
          expect(brokenConstraints(entry, job, decision)).toEqual([]);
        for (const rejection of decision.rejected) {
          expect(brokenConstraints(rejection.entry, job, decision)).not.toEqual([]);
        }
        const best = decision.selected
          ? objectiveScore(decision.selected, decision.policy)
          : undefined;
        for (const entry of decision.ranked) {
          expect(objectiveScore(entry, decision.policy)).toBeGreaterThanOrEqual(best as number);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never depends on the order of the entries", () => {
    fc.assert(
      fc.property(scenario, fc.integer(), ({ response: raw, policy: input }, seed) => {
        const shuffled = {
          ...raw,
          InferenceRecommendations: shuffle(raw.InferenceRecommendations, seed),
        };
        const policy = parsedPolicy(input);
        expect(decide(parsedJob(shuffled), policy)).toEqual(decide(parsedJob(raw), policy));
      }),
      { numRuns: 200 },
    );
  });

  it("never selects an entry whose objective metric is NaN or missing", () => {
    fc.assert(
      fc.property(scenario, ({ response: raw, policy: input }) => {
        const job = parsedJob(raw);
        const decision = decide(job, parsedPolicy(input));
        const selected = decision.selected;
        if (!selected) return;
        const source = job.recommendations.find(
          (item) => item.recommendationId === selected.recommendationId,
        );
        const key = {
          "monthly-cost":
            selected.endpointType === "Serverless" &&
            decision.policy.requestsPerMinute !== undefined
              ? "costPerInference"
              : "costPerHour",
          "cost-per-inference": "costPerInference",
          "cost-per-hour": "costPerHour",
          latency: "modelLatency",
          throughput: "maxInvocations",
        }[decision.policy.objective] as keyof NormalizedJob["recommendations"][number]["metrics"];
        expect(Number.isFinite(source?.metrics[key])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("sizes every real-time fleet to serve the load with its headroom, and no larger", () => {
    fc.assert(
      fc.property(scenario, ({ response: raw, policy: input }) => {
        const decision = decide(parsedJob(raw), parsedPolicy(input));
        const required = decision.policy.requiredPerMinute;
        for (const entry of [...decision.ranked, ...decision.rejected.map((item) => item.entry)]) {
          if (entry.endpointType !== "RealTime" || entry.instanceCount === undefined) continue;
          if (required === undefined) {
            expect(entry.instanceCount).toBe(decision.policy.minInstances);
            continue;
          }
          const perInstance = entry.maxInvocations as number;
          expect(entry.instanceCount * perInstance).toBeGreaterThanOrEqual(required);
          if (entry.instanceCount > decision.policy.minInstances) {
            expect((entry.instanceCount - 1) * perInstance).toBeLessThan(required);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("comes with relaxations when unsatisfiable, each of which, applied, makes it feasible", () => {
    fc.assert(
      fc.property(scenario, ({ response: raw, policy: input }) => {
        const job = parsedJob(raw);
        const policy = parsedPolicy(input);
        const decision = decide(job, policy);
        if (decision.outcome !== "unsatisfiable") return;
        if (complete(job)) expect(decision.relaxations.length).toBeGreaterThan(0);
        for (const relaxation of decision.relaxations) {
          const relaxed = decide(job, parsedPolicy(applyRelaxation(policy, relaxation.changes)));
          expect(relaxed.outcome).toBe("selected");
          expect(relaxed.ranked.map((entry) => entry.recommendationId)).toContain(
            relaxation.admits.recommendationId,
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** A deterministic shuffle (Fisher-Yates driven by a seed). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let index = out.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const other = state % (index + 1);
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}
