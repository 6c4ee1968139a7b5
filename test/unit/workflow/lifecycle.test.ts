import { describe, expect, it } from "vitest";
import type { Selection } from "../../../src/selection.ts";
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
import { runningRecord, TEST_START, validatedRecord } from "../../support/records.ts";

const later = (seconds: number) => new Date(TEST_START.getTime() + seconds * 1000);

/** The record after a transition, checked against the schema as the store checks it. */
function apply(record: JobRecord, change: RecordChange | undefined): JobRecord {
  return jobRecordSchema.parse({ ...record, ...change, version: record.version + 1 });
}

const cheapest = {
  recommendationId: "a",
  endpointType: "RealTime" as const,
  instanceType: "ml.c5.large",
  instanceCount: 1,
  metrics: { costPerInference: 1e-7, costPerHour: 0.1, maxInvocations: 900, modelLatencyMs: 20 },
};
const chosen: Selection = { selected: cheapest, ranked: [cheapest], rejected: [] };

describe("the job lifecycle", () => {
  it("moves a validated record to running when SageMaker accepts the job", () => {
    // Act
    const record = apply(
      validatedRecord("j"),
      created(validatedRecord("j"), "arn:job/j", later(60)),
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
    expect(created(runningRecord("j"), "arn:job/other", later(60))).toBeUndefined();
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

  it("decides selected, measured or failed from what a completed job returned", () => {
    // Prepare
    const record = runningRecord("j", {
      status: "COMPLETED",
      completedAt: later(60).toISOString(),
    });
    const measurement = { endpointName: "prod", maxInvocations: 1200, modelLatencyMs: 14 };
    const none: Selection = { ranked: [], rejected: [] };

    // Act
    const selected = apply(
      record,
      selectionMade(
        record,
        { candidates: [cheapest], selection: chosen, endpointPerformances: [] },
        later(61),
      ),
    );
    const measured = apply(
      record,
      selectionMade(
        record,
        { candidates: [], selection: none, endpointPerformances: [measurement] },
        later(61),
      ),
    );
    const failed = apply(
      record,
      selectionMade(
        record,
        { candidates: [], selection: none, endpointPerformances: [] },
        later(61),
      ),
    );

    // Assess
    expect(selected).toMatchObject({ phase: "decided", outcome: "selected", selected: cheapest });
    expect(measured).toMatchObject({ outcome: "measured", endpointPerformances: [measurement] });
    expect(failed).toMatchObject({
      outcome: "failed",
      failure: { reason: "the job completed without recommendations" },
    });
  });

  it("names the log streams of a failed job in its diagnosis", () => {
    // Prepare
    const record = runningRecord("j");

    // Act
    const failed = apply(
      record,
      diagnosed(record, { status: "FAILED", reasons: ["ModelError"] }, later(60)),
    );

    // Assess
    expect(failed).toMatchObject({ outcome: "failed", status: "FAILED" });
    expect(failed.failure?.reason).toContain("ModelError");
    expect(failed.failure?.reason).toContain("streams j/*");
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
    const decided = apply(
      running,
      selectionMade(
        running,
        { candidates: [cheapest], selection: chosen, endpointPerformances: [] },
        later(60),
      ),
    );

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
    const record = validatedRecord("j");

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
});
