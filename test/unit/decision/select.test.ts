import { describe, expect, it } from "vitest";
import type { NormalizedRecommendation } from "../../../src/decision/describe.ts";
import { evaluateRecommendation, instancesFor } from "../../../src/decision/entry.ts";
import { type PolicyInput, resolvePolicy } from "../../../src/decision/policy.ts";
import { decide, paretoFrontier } from "../../../src/decision/select.ts";
import { AWS_FIXTURES, fixtureJob, job, policy, realTime, serverless } from "./support.ts";

/** A complete real-time entry; latency in milliseconds (the jobs below read "ms"). */
function instance(
  id: string,
  instanceType: string,
  costPerHour: number,
  maxInvocations: number,
  latencyMs: number,
): NormalizedRecommendation {
  return realTime(id, instanceType, {
    costPerHour,
    costPerInference: costPerHour / (maxInvocations * 60),
    maxInvocations,
    modelLatency: latencyMs,
  });
}

function decideMs(entries: NormalizedRecommendation[], input: PolicyInput = {}) {
  return decide(job(entries), policy({ latencyUnit: "ms", ...input }));
}

function evaluate(entry: NormalizedRecommendation, input: PolicyInput) {
  return evaluateRecommendation(entry, resolvePolicy(policy(input)), "ms");
}

describe("fleet sizing", () => {
  it("sizes a real-time fleet for the load with headroom, and prices it by the month", () => {
    // Prepare: 12,000/min x 1.2 = 14,400 -> ceil(14,400 / 5,000) = 3 instances.
    const entry = instance("c6i", "ml.c6i.xlarge", 0.204, 5000, 13);

    // Act
    const { entry: judged, violations } = evaluate(entry, { requestsPerMinute: 12000 });

    // Assess
    expect(violations).toEqual([]);
    expect(judged.instanceCount).toBe(3);
    expect(judged.capacityPerMinute).toBe(15000);
    expect(judged.monthlyCost).toBeCloseTo(3 * 0.204 * 730, 9);
    expect(judged.hourlyCost).toBeCloseTo(3 * 0.204, 12);
  });

  it("never goes below minInstances, and uses minInstances without a load", () => {
    // Prepare
    const entry = instance("big", "ml.c6i.4xlarge", 0.8, 50000, 5);

    // Act
    const loaded = evaluate(entry, { requestsPerMinute: 100, minInstances: 2 }).entry;
    const unloaded = evaluate(entry, { minInstances: 3 }).entry;

    // Assess
    expect(loaded.instanceCount).toBe(2);
    expect(unloaded.instanceCount).toBe(3);
    expect(unloaded.monthlyCost).toBeCloseTo(3 * 0.8 * 730, 9);
  });

  it("does not add an instance for floating-point dust", () => {
    // 700 x 1.1 is 770.0000000000001 in floating point; 770 per instance serves it with one.
    const entry = instance("exact", "ml.m5.large", 0.1, 770, 10);
    expect(evaluate(entry, { requestsPerMinute: 700, headroom: 0.1 }).entry.instanceCount).toBe(1);
  });

  it("rejects a fleet larger than maxInstances, with the numbers", () => {
    // Act
    const { violations } = evaluate(instance("small", "ml.c5.large", 0.1, 1000, 10), {
      requestsPerMinute: 3000,
      maxInstances: 3,
    });

    // Assess
    expect(violations).toEqual([
      {
        rule: "max-instances",
        message: "needs 4 instances for 3,600 requests/min; maxInstances is 3",
        actual: 4,
        limit: 3,
      },
    ]);
  });

  it("computes instances as max(minInstances, ceil(required / MaxInvocations))", () => {
    expect(instancesFor(14400, 5000, 1)).toBe(3);
    expect(instancesFor(15000, 5000, 1)).toBe(3);
    expect(instancesFor(15001, 5000, 1)).toBe(4);
    expect(instancesFor(10, 5000, 2)).toBe(2);
  });
});

describe("serverless entries", () => {
  const entry = serverless("sls-4g", 4096, {
    costPerHour: 0.2,
    costPerInference: 2e-6,
    maxInvocations: 1000,
    modelLatency: 40,
    modelSetupTime: 7000,
  });

  it("cost requestsPerMinute x 60 x 730 x CostPerInference at a load", () => {
    // Act
    const judged = evaluate(entry, { requestsPerMinute: 600 }).entry;

    // Assess
    expect(judged.monthlyCost).toBeCloseTo(600 * 60 * 730 * 2e-6, 9);
    expect(judged.instanceCount).toBeUndefined();
  });

  it("cost CostPerHour x 730 without a load", () => {
    expect(evaluate(entry, {}).entry.monthlyCost).toBeCloseTo(0.2 * 730, 9);
  });

  it("are infeasible when the load with headroom exceeds their MaxInvocations", () => {
    // Act
    const { violations } = evaluate(entry, { requestsPerMinute: 900 });

    // Assess
    expect(violations).toEqual([
      {
        rule: "serverless-capacity",
        message: "sustains 1,000 requests/min; the load with headroom is 1,080",
        actual: 1080,
        limit: 1000,
      },
    ]);
  });

  it("are held to maxColdStartMs by their ModelSetupTime", () => {
    // Act
    const { violations } = evaluate(entry, { maxColdStartMs: 5000 });

    // Assess
    expect(violations.map((item) => [item.rule, item.actual, item.limit])).toEqual([
      ["max-cold-start", 7000, 5000],
    ]);
  });

  it("are not held to instance families, which name instance types", () => {
    expect(evaluate(entry, { instanceFamilies: ["ml.c6g"] }).violations).toEqual([]);
  });
});

describe("constraints", () => {
  const c6g = instance("c6g", "ml.c6g.xlarge", 0.136, 4000, 13);

  it("compare latency in milliseconds after reading the job's unit", () => {
    // Prepare: 13,000 microseconds is 13 ms.
    const inMicroseconds = realTime("c6g", "ml.c6g.xlarge", {
      costPerInference: 1e-6,
      modelLatency: 13000,
    });
    const resolved = resolvePolicy(policy({ maxLatencyMs: 12 }));

    // Act
    const asUs = evaluateRecommendation(inMicroseconds, resolved, "us");

    // Assess
    expect(asUs.entry.latencyMs).toBe(13);
    expect(asUs.violations).toEqual([
      { rule: "max-latency", message: "latency 13 ms is above 12 ms", actual: 13, limit: 12 },
    ]);
  });

  it("take the latency bound from the job's own threshold", () => {
    // Act
    const decision = decide(
      job([c6g], { latencyThreshold: { percentile: "P95", valueInMilliseconds: 10 } }),
      policy({ latencyUnit: "ms" }),
    );

    // Assess
    expect(decision.outcome).toBe("unsatisfiable");
    expect(decision.rejected[0]?.rule).toBe("max-latency");
    expect(decision.policy.maxLatencySource).toBe("job-threshold");
  });

  it("cap the monthly and the hourly cost", () => {
    // Act
    const { violations } = evaluate(c6g, { maxMonthlyCost: 90, maxCostPerHour: 0.1 });

    // Assess
    expect(violations.map((item) => item.rule)).toEqual(["max-monthly-cost", "max-cost-per-hour"]);
    expect(violations[0]?.message).toBe("$99.28/month is above $90.00/month");
  });

  it("allow and exclude instance families by whole segments", () => {
    // Act
    const allowed = evaluate(c6g, { instanceFamilies: ["ml.c6gd", "ml.inf2"] }).violations;
    const excluded = evaluate(c6g, { excludeInstanceFamilies: ["ml.c6g"] }).violations;
    const typeOnly = evaluate(c6g, { instanceFamilies: ["ml.c6g.xlarge"] }).violations;

    // Assess
    expect(allowed.map((item) => item.rule)).toEqual(["instance-family"]);
    expect(excluded).toEqual([
      {
        rule: "excluded-family",
        message: "ml.c6g.xlarge is excluded by excludeInstanceFamilies [ml.c6g]",
        actual: "ml.c6g.xlarge",
        limit: ["ml.c6g"],
      },
    ]);
    expect(typeOnly).toEqual([]);
  });

  it("restrict endpoint types", () => {
    expect(evaluate(c6g, { endpointTypes: ["Serverless"] }).violations[0]).toMatchObject({
      rule: "endpoint-type",
      actual: "RealTime",
      limit: ["Serverless"],
    });
  });

  it("reject an entry missing a metric the objective or a constraint needs, saying what needs it", () => {
    // Prepare
    const noLatency = realTime(
      "x",
      "ml.m5.large",
      { costPerHour: 0.1, maxInvocations: 100 },
      {
        unavailableMetrics: ["ModelLatency"],
      },
    );

    // Act
    const { violations } = evaluate(noLatency, { maxLatencyMs: 50, objective: "latency" });

    // Assess
    expect(violations).toEqual([
      {
        rule: "missing-metric",
        metric: "ModelLatency",
        message:
          "ModelLatency is NaN (not available); the objective latency and maxLatencyMs need it",
        neededBy: ["the objective latency", "maxLatencyMs"],
      },
    ]);
  });

  it("do not require metrics nothing needs", () => {
    // Prepare: no latency, no CPU, but the default objective only needs CostPerInference.
    const entry = realTime(
      "x",
      "ml.m5.large",
      { costPerInference: 1e-6 },
      {
        unavailableMetrics: ["CpuUtilization", "ModelLatency"],
      },
    );

    // Act
    const { violations } = evaluate(entry, {});

    // Assess
    expect(violations).toEqual([]);
  });

  it("need MaxInvocations to size a fleet, and refuse a zero", () => {
    // Act
    const { violations } = evaluate(
      realTime("x", "ml.m5.large", { costPerHour: 0.1, maxInvocations: 0 }),
      {
        requestsPerMinute: 100,
      },
    );

    // Assess
    expect(violations.map((item) => item.message)).toEqual([
      "MaxInvocations is not usable (0); requestsPerMinute (sizing) needs it",
    ]);
  });

  it("reject an entry that cannot be deployed", () => {
    expect(
      evaluate(realTime("x", "ml.m5.large", {}, { instanceType: undefined }), {}).violations[0]
        ?.rule,
    ).toBe("incomplete-configuration");
  });
});

describe("decide", () => {
  const c6g = instance("c6g", "ml.c6g.xlarge", 0.136, 5000, 13);
  const c6i = instance("c6i", "ml.c6i.xlarge", 0.204, 5000, 9);
  const g5 = instance("g5", "ml.g5.xlarge", 1.408, 30000, 4);
  const slow = instance("m5", "ml.m5.xlarge", 0.23, 2000, 45);

  it("selects the cheapest fleet that meets the SLO at the load, and ranks the rest", () => {
    // Act
    const decision = decideMs([g5, slow, c6i, c6g], { requestsPerMinute: 12000, maxLatencyMs: 20 });

    // Assess
    expect(decision.outcome).toBe("selected");
    expect(decision.policy.objective).toBe("monthly-cost");
    expect(decision.selected).toMatchObject({ recommendationId: "c6g", instanceCount: 3 });
    expect(decision.selected?.monthlyCost).toBeCloseTo(3 * 0.136 * 730, 9);
    expect(decision.ranked.map((entry) => entry.recommendationId)).toEqual(["c6g", "c6i", "g5"]);
    expect(decision.rejected.map((item) => [item.recommendationId, item.rule])).toEqual([
      ["m5", "max-latency"],
    ]);
    expect(decision.totals).toEqual({ entries: 4, feasible: 3, rejected: 1 });
  });

  it("ranks by each objective", () => {
    const order = (objective: PolicyInput["objective"]) =>
      decideMs([g5, slow, c6i, c6g], { objective }).ranked.map((entry) => entry.recommendationId);
    expect(order("latency")).toEqual(["g5", "c6i", "c6g", "m5"]);
    expect(order("throughput")).toEqual(["g5", "c6g", "c6i", "m5"]);
    expect(order("cost-per-hour")).toEqual(["c6g", "c6i", "m5", "g5"]);
    expect(order("cost-per-inference")).toEqual(["c6g", "c6i", "g5", "m5"]);
  });

  it("breaks ties deterministically: equal entries rank by id, whatever the input order", () => {
    // Prepare
    const twinA = instance("twin-a", "ml.c6g.xlarge", 0.136, 5000, 13);
    const twinB = instance("twin-b", "ml.c6g.xlarge", 0.136, 5000, 13);

    // Act
    const forward = decideMs([twinA, twinB]);
    const backward = decideMs([twinB, twinA]);

    // Assess
    expect(forward.selected?.recommendationId).toBe("twin-a");
    expect(backward).toEqual(forward);
  });

  it("breaks a tie on the objective by monthly cost, then latency", () => {
    // Prepare: same cost per inference; b is cheaper per month, c is faster.
    const a = realTime("a", "ml.m5.large", {
      costPerInference: 1e-6,
      costPerHour: 0.2,
      modelLatency: 10,
    });
    const b = realTime("b", "ml.m5.large", {
      costPerInference: 1e-6,
      costPerHour: 0.1,
      modelLatency: 10,
    });
    const c = realTime("c", "ml.m5.large", {
      costPerInference: 1e-6,
      costPerHour: 0.2,
      modelLatency: 5,
    });

    // Act
    const decision = decideMs([a, b, c]);

    // Assess
    expect(decision.ranked.map((entry) => entry.recommendationId)).toEqual(["b", "c", "a"]);
  });

  it("lists the Pareto frontier of monthly cost against latency, cheapest first", () => {
    // Act
    const decision = decideMs([g5, slow, c6i, c6g], { requestsPerMinute: 12000 });

    // Assess: m5 (4 x $0.23, 45 ms) is beaten by c6g (3 x $0.136, 13 ms).
    expect(decision.frontier.map((point) => point.recommendationId)).toEqual(["c6g", "c6i", "g5"]);
  });

  it("keeps entries tied on both axes on the frontier", () => {
    expect(
      paretoFrontier([
        {
          recommendationId: "a",
          endpointType: "RealTime",
          environment: [],
          monthlyCost: 1,
          latencyMs: 1,
        },
        {
          recommendationId: "b",
          endpointType: "RealTime",
          environment: [],
          monthlyCost: 1,
          latencyMs: 1,
        },
        {
          recommendationId: "c",
          endpointType: "RealTime",
          environment: [],
          monthlyCost: 2,
          latencyMs: 1,
        },
      ]).map((point) => point.recommendationId),
    ).toEqual(["a", "b"]);
  });

  it("never selects an entry whose objective metric is NaN or missing", () => {
    // Prepare: the NaN entry would be cheapest if it counted.
    const nan = realTime(
      "nan",
      "ml.c5.large",
      { costPerHour: 0.01, maxInvocations: 9000, modelLatency: 1 },
      {
        unavailableMetrics: ["CostPerInference"],
      },
    );

    // Act
    const decision = decideMs([nan, c6g]);

    // Assess
    expect(decision.selected?.recommendationId).toBe("c6g");
    expect(decision.rejected).toMatchObject([{ recommendationId: "nan", rule: "missing-metric" }]);
  });

  it("ends failed when the job did not complete", () => {
    // Act
    const decision = decide(
      job([c6g], { status: "FAILED", failureReason: "ModelError when calling InvokeEndpoint" }),
      policy(),
    );

    // Assess
    expect(decision).toMatchObject({
      outcome: "failed",
      job: { status: "FAILED", failureReason: "ModelError when calling InvokeEndpoint" },
      ranked: [],
      rejected: [],
    });
    expect(decision.selected).toBeUndefined();
  });

  it("ends measured when the job only measured an existing endpoint", () => {
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
      policy({ latencyUnit: "us", maxLatencyMs: 40, requestsPerMinute: 1100 }),
    );

    // Assess
    expect(decision.outcome).toBe("measured");
    expect(decision.measured).toEqual([
      {
        endpointName: "prod",
        maxInvocations: 1200,
        latencyMs: 31,
        meetsLatency: true,
        servesLoad: false,
      },
    ]);
  });

  it("decides by every default when there is no policy", () => {
    // Act
    const decision = decide(fixtureJob(AWS_FIXTURES.defaultJob));

    // Assess: cost per inference, no load, one instance each.
    expect(decision.policy).toMatchObject({ objective: "cost-per-inference", minInstances: 1 });
    expect(decision.selected).toMatchObject({
      recommendationId: "ml.c5.2xlarge",
      instanceCount: 1,
    });
  });

  it("is unsatisfiable without recommendations, and says so", () => {
    // Act
    const decision = decideMs([]);

    // Assess
    expect(decision.outcome).toBe("unsatisfiable");
    expect(decision.relaxations).toEqual([]);
    expect(decision.notes).toEqual(["the job completed without recommendations"]);
  });

  it("gives the AWS examples' decisions in microseconds, and in milliseconds once divided", () => {
    // Act
    const defaultJob = decide(
      fixtureJob(AWS_FIXTURES.defaultJob),
      policy({ requestsPerMinute: 600 }),
    );
    const defaultJobInMs = decide(
      fixtureJob(AWS_FIXTURES.defaultJobInMs),
      policy({ requestsPerMinute: 600 }),
    );
    const advancedJob = decide(fixtureJob(AWS_FIXTURES.advancedJob), policy());
    const advancedJobInMs = decide(fixtureJob(AWS_FIXTURES.advancedJobInMs), policy());

    // Assess: ml.c5.xlarge serves 600 x 1.2 = 720/min with 2 instances at 263.6 ms.
    expect(defaultJob.latencyUnit.unit).toBe("us");
    expect(defaultJob.selected).toMatchObject({
      recommendationId: "ml.c5.xlarge",
      instanceCount: 2,
    });
    expect(defaultJob.selected?.latencyMs).toBeCloseTo(263.596, 9);
    expect(defaultJobInMs.latencyUnit.unit).toBe("ms");
    expect(defaultJobInMs.selected?.latencyMs).toBe(264);
    // The job's own P95 threshold (100 ms) rules out ml.m5.xlarge at 118 ms.
    expect(advancedJob.latencyUnit.unit).toBe("us");
    expect(advancedJob.policy).toMatchObject({
      maxLatencyMs: 100,
      maxLatencySource: "job-threshold",
    });
    expect(advancedJob.selected?.recommendationId).toBe("fraud-xgboost-load-test/ml.c6i.xlarge");
    expect(advancedJob.selected?.latencyMs).toBe(72);
    expect(advancedJob.rejected.map((item) => [item.recommendationId, item.actual])).toEqual([
      ["fraud-xgboost-load-test/ml.m5.xlarge", 118],
    ]);
    expect(advancedJobInMs.latencyUnit.unit).toBe("ms");
    expect(advancedJobInMs.selected?.latencyMs).toBe(72);
  });
});

describe("relaxations", () => {
  it("gives the smallest latency bound that admits an entry, as data and as a sentence", () => {
    // Prepare
    const c6i = instance("c6i", "ml.c6i.xlarge", 0.204, 5000, 22.4);
    const c5 = instance("c5", "ml.c5.xlarge", 0.17, 3000, 31);

    // Act
    const decision = decideMs([c5, c6i], { requestsPerMinute: 12000, maxLatencyMs: 20 });

    // Assess
    expect(decision.outcome).toBe("unsatisfiable");
    expect(decision.relaxations).toHaveLength(1);
    expect(decision.relaxations[0]?.changes).toEqual([{ field: "maxLatencyMs", from: 20, to: 23 }]);
    expect(decision.relaxations[0]?.sentence).toBe(
      "maxLatencyMs 20 -> 23 admits ml.c6i.xlarge x 3 at $447/month",
    );
    expect(decision.closest.map((item) => item.recommendationId)).toEqual(["c6i", "c5"]);
  });

  it("gives one relaxation per blocking constraint that alone admits an entry", () => {
    // Prepare: a is too slow, b needs too many instances, c costs too much.
    const a = instance("a", "ml.c6i.xlarge", 0.2, 5000, 30);
    const b = instance("b", "ml.c5.large", 0.085, 1000, 15);
    const c = instance("c", "ml.g5.xlarge", 1.4, 20000, 5);

    // Act
    const decision = decideMs([a, b, c], {
      requestsPerMinute: 6000,
      maxLatencyMs: 20,
      maxInstances: 4,
      maxMonthlyCost: 900,
    });

    // Assess
    expect(decision.relaxations.map((item) => item.changes)).toEqual([
      [{ field: "maxLatencyMs", from: 20, to: 30 }],
      [{ field: "maxInstances", from: 4, to: 8 }],
      [{ field: "maxMonthlyCost", from: 900, to: 1022 }],
    ]);
  });

  it("combines changes when no single change is enough", () => {
    // Prepare: the only entry is both too slow and too large a fleet.
    const a = instance("a", "ml.c5.large", 0.085, 1000, 30);

    // Act
    const decision = decideMs([a], { requestsPerMinute: 3000, maxLatencyMs: 20, maxInstances: 2 });

    // Assess
    expect(decision.relaxations).toHaveLength(1);
    expect(decision.relaxations[0]?.sentence).toBe(
      "maxLatencyMs 20 -> 30 and maxInstances 2 -> 4 admit ml.c5.large x 4 at $248/month",
    );
  });

  it("widens lists: an endpoint type, a family, an exclusion", () => {
    // Prepare
    const c6i = instance("c6i", "ml.c6i.xlarge", 0.204, 5000, 9);

    // Act
    const types = decideMs([c6i], { endpointTypes: ["Serverless"] }).relaxations;
    const families = decideMs([c6i], { instanceFamilies: ["ml.c6g"] }).relaxations;
    const excluded = decideMs([c6i], { excludeInstanceFamilies: ["ml.c6i", "ml.m5"] }).relaxations;

    // Assess
    expect(types[0]?.changes).toEqual([
      { field: "endpointTypes", from: ["Serverless"], to: ["RealTime", "Serverless"] },
    ]);
    expect(families[0]?.sentence).toBe(
      "instanceFamilies [ml.c6g] -> [ml.c6g, ml.c6i] admits ml.c6i.xlarge x 1 at $149/month",
    );
    expect(excluded[0]?.changes).toEqual([
      { field: "excludeInstanceFamilies", from: ["ml.c6i", "ml.m5"], to: ["ml.m5"] },
    ]);
  });

  it("lowers the headroom, or else the load, for a serverless endpoint that is too small", () => {
    // Prepare: sustains 1,000/min.
    const sls = serverless("sls", 4096, {
      costPerInference: 2e-6,
      maxInvocations: 1000,
      modelLatency: 40,
    });

    // Act
    const headroom = decideMs([sls], { requestsPerMinute: 900 }).relaxations;
    const load = decideMs([sls], { requestsPerMinute: 1500 }).relaxations;

    // Assess
    expect(headroom[0]?.changes).toEqual([{ field: "headroom", from: 0.2, to: 0.11 }]);
    expect(load[0]?.changes).toEqual([{ field: "requestsPerMinute", from: 1500, to: 833 }]);
  });

  it("changes the objective when only the objective's metric is missing", () => {
    // Prepare
    const noCost = realTime(
      "x",
      "ml.m5.large",
      { maxInvocations: 600, modelLatency: 12 },
      {
        unavailableMetrics: ["CostPerInference", "CostPerHour"],
      },
    );

    // Act
    const decision = decideMs([noCost]);

    // Assess
    expect(decision.relaxations[0]?.changes).toEqual([
      { field: "objective", from: "cost-per-inference", to: "latency" },
    ]);
  });

  it("offers nothing when no change of the policy could admit an entry", () => {
    // Prepare: the latency bound needs ModelLatency, which the entry does not have.
    const noLatency = realTime("x", "ml.m5.large", { costPerInference: 1e-6 });

    // Act
    const decision = decideMs([noLatency], { maxLatencyMs: 10 });

    // Assess
    expect(decision.relaxations).toEqual([]);
    expect(decision.closest.map((item) => item.recommendationId)).toEqual(["x"]);
    expect(decision.notes).toEqual([
      "no change of the policy's bounds, lists or objective admits an entry",
    ]);
  });
});
