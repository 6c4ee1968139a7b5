import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  capDecision,
  compareWithProduction,
  decide,
  diagnoseFailure,
  type NormalizedJob,
  parsePolicy,
  RECORD_LIMITS,
} from "../../src/decision/index.ts";
import { EventPublishError, TransientAwsError } from "../../src/errors.ts";
import { JOB_KINDS } from "../../src/kinds/kind.ts";
import {
  buildOutcomeDetail,
  DETAIL_KEYS,
  DETAIL_TYPES,
  detailKeyOf,
  detailTypeOf,
  mergeDetails,
  OUTCOME_DETAILS,
  OUTCOME_SCHEMA_VERSION,
  publishOutcome,
} from "../../src/outcome.ts";
import type { JobRecord } from "../../src/workflow/record.ts";

const events = mockClient(EventBridgeClient);
const noSleep = async () => {};

function finishedRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    jobName: "fraud-xgboost-v7-0123456789",
    schemaVersion: 1,
    version: 5,
    phase: "decided",
    executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:run-1",
    trigger: { type: "manual" },
    model: {
      key: "model-package/fraud-xgboost",
      kind: "model-package",
      packageGroup: "fraud-xgboost",
      packageVersion: 7,
    },
    modelKey: "model-package/fraud-xgboost",
    jobType: "Default",
    status: "FAILED",
    statusHistory: [{ status: "FAILED", at: "2026-11-23T10:45:00.000Z" }],
    pollCount: 4,
    waitedSeconds: 900,
    deadlineSeconds: 7200,
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T10:50:00.000Z",
    completedAt: "2026-11-23T10:45:00.000Z",
    outcome: "failed",
    failure: { reason: "the model did not start", step: "DiagnoseFailure" },
    ...overrides,
  };
}

beforeEach(() => {
  events.reset();
});

describe("publishOutcome", () => {
  it("retries an entry EventBridge did not accept, then returns its event id", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: "event-2" }] });
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const eventId = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      sleep: noSleep,
    });

    // Assess
    expect(eventId).toBe("event-2");
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: "bus",
      Source: "irflow",
      DetailType: DETAIL_TYPES.failed,
    });
  });

  it("gives up with EventPublishError after every attempt fails", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const error = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      attempts: 3,
      sleep: noSleep,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(EventPublishError);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it("turns throttling into TransientAwsError for the state machine to retry", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const error = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      sleep: noSleep,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).name).toBe("TransientAwsError");
  });
});

describe("buildOutcomeDetail", () => {
  it("carries timings, the model and the failure of a failed job", () => {
    // Act
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Assess
    expect(detail).toMatchObject({
      schemaVersion: "2.1",
      outcome: "failed",
      timings: {
        startedAt: "2026-11-23T10:00:00.000Z",
        finishedAt: "2026-11-23T10:45:00.000Z",
        durationSeconds: 2700,
        polls: 4,
      },
      failure: { reason: "the model did not start" },
    });
  });

  it("gives the ops message a one-line, inert failure reason that cannot forge lines", () => {
    // Prepare
    const reason = "boom\x1b]0;title\x07\u202e\nACTION REQUIRED: rotate keys";

    // Act
    const detail = buildOutcomeDetail(
      finishedRecord({ failure: { reason, step: "DiagnoseFailure" } }),
      new Date(),
    );

    // Assess
    expect(detail).toMatchObject({
      failure: { reason: "boom\\x1b]0;title\\x07\\u202e\\nACTION REQUIRED: rotate keys" },
    });
  });

  it("carries the decision: policy, selected fleet and cost, ranked entries, totals, sentence", () => {
    // Prepare
    const policy = parsePolicy({ requestsPerMinute: 30_000, current: { endpointName: "prod" } });
    if (!policy.ok) throw new Error("the test policy is invalid");
    const job = completedJob([entry("a", "ml.c5.large", 0.1), entry("b", "ml.m5.4xlarge", 0.9)]);
    const decision = decide(job, policy.value);
    const comparison = compareWithProduction(decision, job, {
      endpointName: "prod",
      instanceType: "ml.m5.4xlarge",
      instanceCount: 4,
    });
    const record = finishedRecord({
      outcome: "selected",
      status: "COMPLETED",
      decision: capDecision(decision, RECORD_LIMITS),
      ...(comparison ? { comparison } : {}),
      failure: undefined,
    });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess
    expect(OUTCOME_SCHEMA_VERSION).toBe("2.1");
    expect(detail).toMatchObject({
      schemaVersion: "2.1",
      outcome: "selected",
      sentence: "ml.c5.large x 4, $292/month, 15 ms at 30,000 requests/min with 20% headroom",
      selected: { recommendationId: "a", instanceCount: 4, monthlyCost: 292 },
      policy: { requestsPerMinute: 30_000, objective: "monthly-cost" },
      totals: { entries: 2, feasible: 2, rejected: 0 },
      omitted: { ranked: 0, frontier: 0, rejected: 0 },
      comparison: { worthActing: true, current: { instanceType: "ml.m5.4xlarge" } },
    });
    expect(
      detail.outcome === "selected" &&
        detail.kind !== "ai-recommendation" &&
        detail.ranked.map((item) => item.recommendationId),
    ).toEqual(["a", "b"]);
    expect(
      detail.outcome === "selected" &&
        detail.kind !== "ai-recommendation" &&
        detail.comparisonSentence,
    ).toContain("worth acting on");
  });

  it("carries the selected entry's autoscaling proposal and its calls with a traffic profile", () => {
    // Prepare: 3,000 requests/min for 20 hours, 30,000 for the last 4; 9,000 per instance.
    const hours = [...Array.from({ length: 20 }, () => 3000), 30_000, 30_000, 30_000, 30_000];
    const policy = parsePolicy({
      hourlyRequestsPerMinute: hours,
      current: { endpointName: "fraud-prod" },
    });
    if (!policy.ok) throw new Error("the test policy is invalid");
    const job = completedJob([entry("a", "ml.c5.large", 0.1)]);
    const record = finishedRecord({
      outcome: "selected",
      status: "COMPLETED",
      decision: capDecision(decide(job, policy.value), RECORD_LIMITS),
      failure: undefined,
    });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess: 1 instance for 20 hours and 4 for 4 (ceil(30,000 x 1.2 / 9,000)), at $0.1 an hour.
    if (detail.outcome !== "selected" || detail.kind === "ai-recommendation") {
      throw new Error("expected a classic selected event");
    }
    const autoscaling = detail.autoscaling;
    expect(autoscaling?.hourlyInstances).toEqual([
      ...Array.from({ length: 20 }, () => 1),
      4,
      4,
      4,
      4,
    ]);
    expect(autoscaling).toMatchObject({
      recommendationId: "a",
      minCapacity: 1,
      maxCapacity: 4,
      targetInvocationsPerInstance: 7500,
      endpointName: "fraud-prod",
      hourlyRequestsPerMinute: hours,
    });
    expect(autoscaling?.monthlyCost).toBeCloseTo(((20 + 16) / 24) * 0.1 * 730, 6);
    expect(autoscaling?.fixedMonthlyCost).toBeCloseTo(4 * 0.1 * 730, 6);
    expect(autoscaling?.saving?.percent).toBeCloseTo(62.5, 6);
    expect(autoscaling?.placeholder).toBeUndefined();
    expect(autoscaling?.calls.registerScalableTarget).toEqual({
      ServiceNamespace: "sagemaker",
      ResourceId: "endpoint/fraud-prod/variant/AllTraffic",
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    expect(autoscaling?.calls.putScalingPolicy).toMatchObject({
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 7500,
        PredefinedMetricSpecification: {
          PredefinedMetricType: "SageMakerVariantInvocationsPerInstance",
        },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
  });

  it("names a placeholder endpoint without one, and carries no proposal without a profile", () => {
    // Prepare
    const job = completedJob([entry("a", "ml.c5.large", 0.1)]);
    const detailUnder = (input: unknown) => {
      const policy = parsePolicy(input);
      if (!policy.ok) throw new Error("the test policy is invalid");
      const record = finishedRecord({
        outcome: "selected",
        status: "COMPLETED",
        decision: capDecision(decide(job, policy.value), RECORD_LIMITS),
        failure: undefined,
      });
      return buildOutcomeDetail(record, new Date());
    };

    // Act
    const profiled = detailUnder({
      hourlyRequestsPerMinute: Array.from({ length: 24 }, () => 900),
    });
    const flat = detailUnder({ requestsPerMinute: 900 });

    // Assess
    const proposal = "autoscaling" in profiled ? profiled.autoscaling : undefined;
    expect(proposal?.calls.registerScalableTarget.ResourceId).toBe(
      "endpoint/<endpoint-name>/variant/AllTraffic",
    );
    expect(proposal?.placeholder).toContain("<endpoint-name>");
    expect(proposal?.saving).toEqual({ monthly: 0, percent: 0 });
    expect(flat).not.toHaveProperty("autoscaling");
  });

  it("cuts a large decision so the event stays far under EventBridge's 256 KB, keeping the totals", () => {
    // Prepare
    const entries = Array.from({ length: 3000 }, (_, index) =>
      entry(`entry-${index}-${"x".repeat(60)}`, "ml.c5.large", 0.1 + index / 10_000),
    );
    const decision = decide(completedJob(entries));
    const record = finishedRecord({
      outcome: "selected",
      status: "COMPLETED",
      decision: capDecision(decision, RECORD_LIMITS),
      failure: undefined,
    });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess
    const bytes = Buffer.byteLength(JSON.stringify(detail), "utf8");
    expect(bytes).toBeLessThan(100_000);
    if (detail.outcome !== "selected" || detail.kind === "ai-recommendation")
      throw new Error("expected a selected detail");
    expect(detail.totals.entries).toBe(3000);
    expect(detail.ranked.length + detail.omitted.ranked).toBe(3000);
    expect(detail.selected.recommendationId).toBe(entries[0]?.recommendationId);
  });

  it("publishes an unsatisfiable decision with the change that would admit an entry", () => {
    // Prepare
    const policy = parsePolicy({ maxLatencyMs: 10 });
    if (!policy.ok) throw new Error("the test policy is invalid");
    const decision = decide(completedJob([entry("a", "ml.c5.large", 0.1)]), policy.value);
    const record = finishedRecord({
      outcome: "unsatisfiable",
      status: "COMPLETED",
      decision: capDecision(decision, RECORD_LIMITS),
      failure: undefined,
    });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess
    expect(DETAIL_TYPES.unsatisfiable).toBe("Inference Recommendation Unsatisfiable");
    expect(detail).toMatchObject({
      outcome: "unsatisfiable",
      rejected: [{ recommendationId: "a", rule: "max-latency" }],
      relaxations: [{ changes: [{ field: "maxLatencyMs", from: 10, to: 15 }] }],
    });
    expect(OUTCOME_DETAILS.unsatisfiable.schema.safeParse(detail).success).toBe(true);
    expect("selected" in detail).toBe(false);
  });

  it("carries a failed job's diagnosis", () => {
    // Prepare
    const diagnosis = diagnoseFailure({
      jobName: "fraud-xgboost-v7-0123456789",
      status: "FAILED",
      failureReason: "InsufficientInstanceCapacity when calling CreateEndpoint for ml.g5.xlarge",
      region: "us-east-1",
    });
    const record = finishedRecord({ diagnosis: { ...diagnosis, omittedFailedBenchmarks: 0 } });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess
    expect(detail).toMatchObject({
      outcome: "failed",
      diagnosis: {
        category: "capacity",
        logs: { streams: ["fraud-xgboost-v7-0123456789/execution"] },
      },
    });
  });

  it("refuses a selected record that holds no decision of its kind", () => {
    // Prepare: an LLM job's record whose decision is in the classic field.
    const classic = finishedRecord({
      outcome: "selected",
      decision: capDecision(decide(completedJob([entry("a", "ml.c5.large", 0.1)])), RECORD_LIMITS),
    });
    const llm = { ...classic, kind: "ai-recommendation" as const };

    // Act
    const build = () => buildOutcomeDetail(llm, new Date());

    // Assess
    expect(build).toThrow(/is selected but its record holds no decision/);
  });
});

describe("the outcome details", () => {
  it("give each detail-type one key, and the same failure detail to every kind", () => {
    // Assess
    expect(new Set(Object.values(DETAIL_TYPES)).size).toBe(DETAIL_KEYS.length);
    for (const kind of JOB_KINDS) {
      expect(detailKeyOf({ outcome: "failed", kind })).toBe("failed");
      const selected = detailKeyOf({ outcome: "selected", kind });
      expect(
        OUTCOME_DETAILS[selected].schema
          .safeParse({ outcome: "selected", kind })
          .error?.issues.some((issue) => issue.path[0] === "kind"),
      ).toBe(false);
    }
    expect(detailTypeOf({ outcome: "selected" })).toBe("Inference Recommendation Selected");
    expect(detailTypeOf({ outcome: "selected", kind: "ai-recommendation" })).toBe(
      "LLM Recommendation Selected",
    );
  });

  it("refuse a key that two declarations give", () => {
    // Prepare
    const failed = OUTCOME_DETAILS.failed;

    // Act
    const merge = () => mergeDetails({ failed }, { selected: failed }, { failed });

    // Assess
    expect(merge).toThrow("the outcome detail failed is declared twice");
  });
});

function completedJob(recommendations: NormalizedJob["recommendations"]): NormalizedJob {
  return {
    jobName: "fraud-xgboost-v7-0123456789",
    jobType: "Default",
    status: "COMPLETED",
    benchmarkedEndpoints: [],
    recommendations,
    endpointPerformances: [],
  };
}

/** An entry sustaining 9,000 requests a minute at 15 ms (reported in microseconds). */
function entry(id: string, instanceType: string, costPerHour: number) {
  return {
    recommendationId: id,
    endpointType: "RealTime" as const,
    instanceType,
    environment: [],
    metrics: {
      costPerHour,
      costPerInference: costPerHour / (9000 * 60),
      maxInvocations: 9000,
      modelLatency: 15_000,
    },
    unavailableMetrics: [],
  };
}
