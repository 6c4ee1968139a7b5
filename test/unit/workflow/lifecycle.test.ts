import { describe, expect, it } from "vitest";
import {
  decide,
  diagnoseFailure,
  MAX_REASON_CHARS,
  type NormalizedJob,
  parsePolicy,
  RECORD_LIMITS,
} from "../../../src/decision/index.ts";
import { classicSelection } from "../../../src/kinds/inference-recommendation/selection.ts";
import {
  created,
  diagnosed,
  mayStillRun,
  polled,
  published,
  rejected,
  replayedPoll,
  selectionMade,
  stopped,
  undecidedFailure,
} from "../../../src/workflow/lifecycle.ts";
import {
  type JobRecord,
  jobRecordSchema,
  type RecordChange,
} from "../../../src/workflow/record.ts";
import {
  runningRecord,
  TEST_START,
  validatedAiRecord,
  validatedRecord,
} from "../../support/records.ts";

const later = (seconds: number) => new Date(TEST_START.getTime() + seconds * 1000);

/** The record after a transition, checked against the schema as the store checks it. */
function apply(record: JobRecord, change: RecordChange | undefined): JobRecord {
  return jobRecordSchema.parse({ ...record, ...change, version: record.version + 1 });
}

/** A completed job with these entries: latencies in microseconds, as SageMaker reports them. */
function completedJob(
  recommendations: NormalizedJob["recommendations"],
  extra: Partial<NormalizedJob> = {},
): NormalizedJob {
  return {
    jobName: "j",
    jobType: "Default",
    status: "COMPLETED",
    benchmarkedEndpoints: [],
    recommendations,
    endpointPerformances: [],
    ...extra,
  };
}

function entry(id: string, costPerHour: number, latencyUs: number) {
  return {
    recommendationId: id,
    endpointType: "RealTime" as const,
    instanceType: `ml.c5.${id}`,
    environment: [],
    metrics: {
      costPerHour,
      costPerInference: costPerHour / (900 * 60),
      maxInvocations: 900,
      modelLatency: latencyUs,
    },
    unavailableMetrics: [],
  };
}

const chosen = decide(completedJob([entry("large", 0.1, 20_000)]));

describe("the job lifecycle", () => {
  it("moves a validated record to running when SageMaker accepts the job", () => {
    // Act
    const record = apply(
      validatedRecord("j"),
      created(validatedRecord("j"), { jobArn: "arn:job/j", historySeconds: [] }, later(60)),
    );

    // Assess
    expect(record).toMatchObject({
      phase: "running",
      jobArn: "arn:job/j",
      jobStartedAt: later(60).toISOString(),
      status: "PENDING",
    });
    expect(record.statusHistory.map((change) => change.status)).toEqual(["VALIDATED", "PENDING"]);
  });

  it("writes nothing when the job was already recorded as created", () => {
    expect(
      created(runningRecord("j"), { jobArn: "arn:job/other", historySeconds: [] }, later(60)),
    ).toBeUndefined();
  });

  it("appends a status to the history only when it changes", () => {
    // Prepare
    const record = runningRecord("j");

    // Act
    const first = apply(record, polled(record, { status: "IN_PROGRESS" }, later(30)).change);
    const second = apply(first, polled(first, { status: "IN_PROGRESS" }, later(90)).change);

    // Assess
    expect(second.statusHistory.map((change) => change.status)).toEqual([
      "VALIDATED",
      "PENDING",
      "IN_PROGRESS",
    ]);
    expect(second.pollCount).toBe(2);
  });

  it("recognises a retried poll by its ticket and gives back the recorded answer", () => {
    // Prepare
    const record = runningRecord("j");
    const { change, poll } = polled(record, { status: "IN_PROGRESS" }, later(30));
    const after = apply(record, change);

    // Act
    const retried = replayedPoll(after, 0);
    const next = replayedPoll(after, 1);

    // Assess
    expect(retried).toEqual(poll);
    expect(next).toBeUndefined();
  });

  it("reports the deadline once the job has run longer than it allows", () => {
    // Prepare
    const record = runningRecord("j", { deadlineSeconds: 600 });

    // Act
    const { poll } = polled(record, { status: "IN_PROGRESS" }, later(601));

    // Assess
    expect(poll).toMatchObject({ deadlinePassed: true, waitSeconds: 0 });
  });

  it("takes the decision's outcome: selected, unsatisfiable or measured", () => {
    // Prepare
    const record = runningRecord("j", {
      status: "COMPLETED",
      completedAt: later(60).toISOString(),
    });
    const strict = parsePolicy({ maxLatencyMs: 5 });
    if (!strict.ok) throw new Error("the test policy is invalid");
    const measuredJob = completedJob([], {
      endpointPerformances: [
        {
          endpointName: "prod",
          maxInvocations: 12_000,
          modelLatency: 14_000,
          unavailableMetrics: [],
        },
      ],
    });

    // Act
    const selected = apply(record, selectionMade(record, classicSelection(chosen), later(61)));
    const unsatisfiable = apply(
      record,
      selectionMade(
        record,
        classicSelection(decide(completedJob([entry("large", 0.1, 20_000)]), strict.value)),
        later(61),
      ),
    );
    const measured = apply(
      record,
      selectionMade(record, classicSelection(decide(measuredJob)), later(61)),
    );

    // Assess
    expect(selected).toMatchObject({
      phase: "decided",
      outcome: "selected",
      decision: { selected: { recommendationId: "large", instanceCount: 1 } },
    });
    expect(unsatisfiable).toMatchObject({
      outcome: "unsatisfiable",
      decision: { rejected: [{ recommendationId: "large", rule: "max-latency" }] },
    });
    expect(unsatisfiable.failure).toBeUndefined();
    expect(measured).toMatchObject({
      outcome: "measured",
      decision: { measured: [{ endpointName: "prod", latencyMs: 14 }] },
    });
  });

  it("keeps the decision of a job with many entries far under DynamoDB's item limit", () => {
    // Prepare: 2,000 entries with long environments.
    const environment = Array.from({ length: 8 }, (_, index) => ({
      key: `PARAMETER_${index}`,
      value: "x".repeat(40),
    }));
    const entries = Array.from({ length: 2000 }, (_, index) => ({
      ...entry(`e${index}`, 0.1 + index / 1000, 5_000 + index * 10),
      environment,
    }));
    const record = runningRecord("j", { status: "COMPLETED" });

    // Act
    const after = apply(
      record,
      selectionMade(record, classicSelection(decide(completedJob(entries))), later(61)),
    );

    // Assess
    const bytes = Buffer.byteLength(JSON.stringify(after), "utf8");
    expect(bytes).toBeLessThan(200_000);
    expect(after.decision?.totals).toEqual({ entries: 2000, feasible: 2000, rejected: 0 });
    expect(after.decision?.ranked.length).toBeLessThanOrEqual(RECORD_LIMITS.maxItems);
    expect((after.decision?.ranked.length ?? 0) + (after.decision?.omitted.ranked ?? 0)).toBe(2000);
    expect(after.decision?.selected?.recommendationId).toBe("e0");
  });

  it("records a failed job's diagnosis, and names its category and log stream in the reason", () => {
    // Prepare
    const record = runningRecord("j");
    const diagnosis = diagnoseFailure({
      jobName: "j",
      status: "FAILED",
      failureReason: "ModelError when calling InvokeEndpoint: the container timed out",
      region: "us-east-1",
    });

    // Act
    const failed = apply(record, diagnosed(record, { diagnosis }, later(60)));

    // Assess
    expect(failed).toMatchObject({
      outcome: "failed",
      status: "FAILED",
      diagnosis: { category: "model-error", omittedFailedBenchmarks: 0 },
    });
    expect(failed.failure?.reason).toContain("ModelError");
    expect(failed.failure?.reason).toContain("(model-error; logs:");
    expect(failed.failure?.reason).toContain("stream j/execution");
  });

  it("bounds the reason of a job with 300 benchmark failures of 1 KB, counting those left out", () => {
    // Prepare
    const record = runningRecord("j");
    const steps = Array.from({ length: 300 }, (_, index) => ({
      Status: "FAILED",
      InferenceBenchmark: {
        FailureReason: `ModelError on benchmark ${index}: ${"x".repeat(1000)}`,
        EndpointConfiguration: { EndpointName: `ep-${index}`, InstanceType: "ml.c5.large" },
      },
    }));
    const diagnosis = diagnoseFailure({ jobName: "j", status: "FAILED", steps });

    // Act
    const failed = apply(record, diagnosed(record, { diagnosis }, later(60)));

    // Assess
    const reason = failed.failure?.reason ?? "";
    const [joined = ""] = reason.split(" (model-error; logs:");
    expect(joined.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    const kept = joined.split(" | ").filter((part) => part.startsWith("ModelError")).length;
    expect(kept).toBeGreaterThan(0);
    expect(joined).toMatch(new RegExp(`\\.\\.\\. and ${300 - kept} more$`));
  });

  it("bounds a failure reason made of a caught Cause, keeping what became of the job", () => {
    // Prepare
    const record = runningRecord("j");

    // Act
    const after = apply(
      record,
      stopped(
        record,
        {
          reason: "error",
          error: { Error: "Error", Cause: "c".repeat(32_768) },
          stopRequested: true,
        },
        later(60),
      ),
    );

    // Assess
    const reason = after.failure?.reason ?? "";
    expect(reason.length).toBeLessThan(MAX_REASON_CHARS + 100);
    expect(reason).toContain(`(${32_768 - MAX_REASON_CHARS} more characters)`);
    expect(reason.endsWith("; the job was stopped")).toBe(true);
  });

  it("records one status when a stop both rejects and stops", () => {
    // Prepare
    const record = runningRecord("j");

    // Act
    const change = stopped(
      record,
      { reason: "error", error: { Error: "JobRejectedError", Cause: "no" }, stopRequested: true },
      later(60),
    );
    const after = apply(record, change);

    // Assess
    expect(after).toMatchObject({ outcome: "rejected", status: "STOPPING" });
    expect(after.statusHistory.at(-1)?.status).toBe("STOPPING");
  });

  it("records a spec SageMaker refused before any job existed as rejected", () => {
    // Prepare
    const record = validatedRecord("j");

    // Act
    const after = apply(
      record,
      stopped(
        record,
        { reason: "error", error: { Error: "JobRejectedError" }, stopRequested: false },
        later(5),
      ),
    );

    // Assess
    expect(after).toMatchObject({ phase: "decided", outcome: "rejected", status: "REJECTED" });
  });

  it("times out at the deadline, and keeps a decision already made", () => {
    // Prepare
    const running = runningRecord("j", { pollCount: 7 });
    const decided = apply(running, selectionMade(running, classicSelection(chosen), later(60)));

    // Act
    const timedOut = apply(
      running,
      stopped(running, { reason: "deadline", stopRequested: true }, later(7200)),
    );
    const kept = stopped(
      decided,
      { reason: "error", error: { Error: "Lambda.Unknown" }, stopRequested: false },
      later(61),
    );

    // Assess
    expect(timedOut.outcome).toBe("timed-out");
    expect(timedOut.failure?.reason).toContain("after 7 polls; the job was stopped");
    expect(kept).toBeUndefined();
    expect(mayStillRun(decided, undefined)).toBe(false);
  });

  it("never stops a job after errors that mean SageMaker created none of ours", () => {
    // Prepare
    const record = validatedRecord("j", { createRequestedAt: "2026-11-23T10:00:00.000Z" });

    // Act
    const verdicts = [
      "JobNameTakenError",
      "JobRejectedError",
      "AccountJobLimitError",
      "TransientAwsError",
    ].map((name) => mayStillRun(record, { Error: name }));

    // Assess
    expect(verdicts).toEqual([false, false, false, true]);
  });

  it("never looks for a job to stop before CreateJob asked SageMaker for one", () => {
    // Prepare
    const record = validatedRecord("j");

    // Act
    const verdict = mayStillRun(record, { Error: "TransientAwsError" });

    // Assess
    expect(verdict).toBe(false);
  });

  it("decides a failure for a record that reaches publishing undecided, then publishes once", () => {
    // Prepare
    const record = runningRecord("j");

    // Act
    const decided = apply(record, undecidedFailure(record, later(60)));
    const done = apply(
      decided,
      published(decided, { eventId: "e-1", retentionDays: 1 }, later(61)),
    );

    // Assess
    expect(decided).toMatchObject({
      outcome: "failed",
      failure: { reason: "the workflow stopped without a reason" },
    });
    expect(done).toMatchObject({
      phase: "published",
      eventId: "e-1",
      expiresAt: Math.floor(later(61).getTime() / 1000) + 86400,
    });
    expect(published(done, { eventId: "e-2", retentionDays: 1 }, later(62))).toBeUndefined();
  });

  it("rejects a spec as a decided record that carries every broken rule", () => {
    // Act
    const record = jobRecordSchema.parse(
      rejected(
        { executionArn: "arn:execution", trigger: { type: "manual" } },
        "rejected-run",
        [{ path: "job.JobType", rule: "enum", message: "must be Default or Advanced" }],
        TEST_START,
      ),
    );

    // Assess
    expect(record).toMatchObject({ phase: "decided", outcome: "rejected", status: "REJECTED" });
    expect(record.failure?.errors).toHaveLength(1);
  });

  it("refuses a record whose phase lacks what the phase requires", () => {
    // Act
    const parsed = jobRecordSchema.safeParse({ ...validatedRecord("j"), phase: "published" });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["outcome", "publishedAt", "eventId"]),
    );
  });

  it("asks the record's kind whether a validated record needs a job type", () => {
    // Prepare
    const { jobType: _classicType, ...classic } = validatedRecord("j");
    const { jobType: aiType, ...ai } = validatedAiRecord("llm");

    // Act
    const classicParsed = jobRecordSchema.safeParse(classic);
    const aiParsed = jobRecordSchema.safeParse(ai);

    // Assess
    expect(classicParsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ["jobType"],
        message: "a validated inference-recommendation record must have jobType",
      }),
    ]);
    expect(aiType).toBeUndefined();
    expect(aiParsed.success).toBe(true);
  });
});
