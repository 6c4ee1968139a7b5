/**
 * The job lifecycle: every transition of a job record, each a pure function from the record and
 * what the step learned to the change to write. The rule of each transition lives here and only
 * here; the steps make the calls and write what these functions return.
 */

import { formatCents } from "../decision/format.ts";
import {
  type AwsScaling,
  type Comparison,
  capDiagnosis,
  capText,
  type Diagnosis,
  joinReasons,
  jsonBytes,
  MAX_REASON_CHARS,
  recordLimitsBeside,
  type SizeLimits,
  type TuningCost,
} from "../decision/index.ts";
import { causeMessage, JobRejectedError } from "../errors.ts";
import { DEFAULT_KIND, kindOfSpec } from "../kinds/index.ts";
import type { StepsObservation } from "../schedule/index.ts";
import { sha256Hex } from "../spec/canonical.ts";
import { TIME_BUDGET } from "../time-budget.ts";
import { deadlinePassed, planPoll } from "./polling.ts";
import {
  type CostEstimate,
  DECISION_FIELDS,
  type ExecutionBudget,
  type JobRecord,
  type ModelRef,
  type Outcome,
  type OverBudget,
  type PollState,
  RECORD_SCHEMA_VERSION,
  type RecordChange,
  type RecordedIssue,
  TERMINAL_JOB_STATUSES,
  type Trigger,
} from "./record.ts";

/** The status and, when it changed, the history with the change appended. */
function withStatus(record: JobRecord, status: string, now: Date): RecordChange {
  if (record.statusHistory.at(-1)?.status === status) return { status };
  return {
    status,
    statusHistory: [...record.statusHistory, { status, at: now.toISOString() }],
  };
}

/** The attributes every decision writes: the outcome, when it was reached, and its reason. */
function decision(record: JobRecord, outcome: Outcome, now: Date): RecordChange {
  return {
    phase: "decided",
    outcome,
    completedAt: record.completedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export const isDecided = (record: JobRecord) =>
  record.phase === "decided" || record.phase === "publishing" || record.phase === "published";

// Validate ----------------------------------------------------------------------------------------

export interface ExecutionRef {
  executionArn: string;
  trigger: Trigger;
  budget?: ExecutionBudget | undefined;
}

export function validated(
  execution: ExecutionRef,
  job: {
    jobName: string;
    spec: NonNullable<JobRecord["spec"]>;
    specHash: string;
    model: ModelRef;
    deadlineSeconds: number;
  },
  now: Date,
): JobRecord {
  const at = now.toISOString();
  const kind = kindOfSpec(job.spec);
  const jobType = kind.jobType(job.spec);
  return {
    jobName: job.jobName,
    schemaVersion: RECORD_SCHEMA_VERSION,
    // A classic record says nothing of its kind, as every record before kinds did.
    ...(kind.name === DEFAULT_KIND ? {} : { kind: kind.name }),
    version: 1,
    phase: "validated",
    executionArn: execution.executionArn,
    trigger: execution.trigger,
    ...(execution.budget ? { budget: execution.budget } : {}),
    model: job.model,
    modelKey: job.model.key,
    ...(jobType ? { jobType } : {}),
    spec: job.spec,
    specHash: job.specHash,
    status: "VALIDATED",
    statusHistory: [{ status: "VALIDATED", at }],
    pollCount: 0,
    waitedSeconds: 0,
    deadlineSeconds: job.deadlineSeconds,
    createdAt: at,
    updatedAt: at,
  };
}

/** One line an on-call reader can act on: how many rules, and the first by name and field. */
function rejectionReason(errors: RecordedIssue[], errorCount: number): string {
  const [first] = errors;
  const listed = errorCount > errors.length ? `, the first ${errors.length} listed` : "";
  const firstRule = first ? ` (first: ${first.rule} at ${first.path}${listed})` : "";
  return `the spec breaks ${errorCount} rule${errorCount === 1 ? "" : "s"}${firstRule}; no job was created`;
}

/** A spec that breaks rules: recorded as decided at once, since no job will ever exist. */
export function rejected(
  execution: ExecutionRef,
  jobName: string,
  errors: RecordedIssue[],
  now: Date,
  /** How many rules it breaks in all, when `errors` keeps only the first. */
  errorCount: number = errors.length,
): JobRecord {
  return decidedWithoutJob(execution, jobName, now, {
    status: "REJECTED",
    outcome: "rejected",
    failure: {
      reason: rejectionReason(errors, errorCount),
      step: "ValidateSpec",
      errors,
    },
  });
}

// Queue -------------------------------------------------------------------------------------------

/** The execution joined the queue for a slot; its queue deadline runs from here. */
export function queued(record: JobRecord, now: Date): RecordChange | undefined {
  if (record.queuedAt) return undefined;
  return {
    queuedAt: now.toISOString(),
    ...withStatus(record, "QUEUED", now),
    updatedAt: now.toISOString(),
  };
}

/** The execution took a slot: SageMaker may now be asked for the job. */
export function admitted(record: JobRecord, now: Date): RecordChange | undefined {
  if (record.admittedAt) return undefined;
  return {
    queuedAt: record.queuedAt ?? now.toISOString(),
    admittedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** The queue deadline passed before a slot came free: no job was created. */
export function queueTimedOut(
  record: JobRecord,
  wait: { position: number; deadlineSeconds: number },
  now: Date,
): RecordChange | undefined {
  if (isDecided(record)) return undefined;
  return {
    ...decision(record, "queue-timed-out", now),
    ...withStatus(record, "QUEUE_TIMED_OUT", now),
    failure: {
      reason: `no slot came free within the queue deadline of ${wait.deadlineSeconds} s (still ${ordinal(wait.position + 1)} in line); no job was created`,
      step: "AcquireSlot",
    },
  };
}

/** The job's estimate is reserved in its month's spend: the record says how much and where. */
export function costEstimated(
  record: JobRecord,
  estimate: CostEstimate,
  now: Date,
): RecordChange | undefined {
  if (record.costEstimate) return undefined;
  return { costEstimate: estimate, updatedAt: now.toISOString() };
}

/** The job's estimate would take the month's spend over its budget: no job is created. */
export function overBudget(
  record: JobRecord,
  check: OverBudget,
  now: Date,
): RecordChange | undefined {
  if (isDecided(record)) return undefined;
  return {
    ...decision(record, "over-budget", now),
    ...withStatus(record, "OVER_BUDGET", now),
    overBudget: check,
    failure: {
      reason: `the job's estimate of ${formatCents(check.estimateDollars)} would take ${check.month}'s tuning spend of ${formatCents(check.spendDollars)} over its budget of ${formatCents(check.budgetDollars)}; no job was created`,
      step: "AcquireSlot",
    },
  };
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

// Execution ended ---------------------------------------------------------------------------------

/**
 * An execution that ended (failed, timed out, aborted) before it wrote any record: recorded as a
 * failure all the same, so every execution leaves a record and an outcome.
 */
export function endedWithoutRecord(
  execution: ExecutionRef,
  jobName: string,
  reason: string,
  now: Date,
): JobRecord {
  return decidedWithoutJob(execution, jobName, now, {
    status: "ABANDONED",
    outcome: "failed",
    failure: { reason: capText(reason, MAX_REASON_CHARS), step: "ExecutionEnded" },
  });
}

/** A record decided the moment it is written: no model known, no job ever created. */
function decidedWithoutJob(
  execution: ExecutionRef,
  jobName: string,
  now: Date,
  decided: { status: string; outcome: Outcome; failure: NonNullable<JobRecord["failure"]> },
): JobRecord {
  const at = now.toISOString();
  return {
    jobName,
    schemaVersion: RECORD_SCHEMA_VERSION,
    version: 1,
    phase: "decided",
    executionArn: execution.executionArn,
    trigger: execution.trigger,
    model: { key: "unknown", kind: "unknown" },
    modelKey: "unknown",
    status: decided.status,
    statusHistory: [{ status: decided.status, at }],
    pollCount: 0,
    waitedSeconds: 0,
    deadlineSeconds: 0,
    createdAt: at,
    updatedAt: at,
    completedAt: at,
    outcome: decided.outcome,
    failure: decided.failure,
  };
}

// Create ------------------------------------------------------------------------------------------

/**
 * CreateJob is about to ask SageMaker for the job: from here a job under the record's name may be
 * this execution's, and a stop may look at it (written before the call, so a lost answer is covered).
 */
export function createRequested(record: JobRecord, now: Date): RecordChange | undefined {
  if (record.createRequestedAt || record.jobArn) return undefined;
  return { createRequestedAt: now.toISOString(), updatedAt: now.toISOString() };
}

/**
 * SageMaker accepted the job: the deadline runs from here, not from the validation. The first
 * poll ticket waits as long as the schedule says: a job is never described right after CreateJob.
 */
export function created(
  record: JobRecord,
  job: { jobArn: string; historySeconds: number[] },
  now: Date,
): RecordChange | undefined {
  if (record.jobArn || !record.spec) return undefined;
  const plan = planPoll({
    spec: record.spec,
    historySeconds: job.historySeconds,
    elapsedSeconds: 0,
    deadlineSeconds: record.deadlineSeconds,
    status: "PENDING",
  });
  return {
    phase: "running",
    jobArn: job.jobArn,
    jobStartedAt: record.jobStartedAt ?? now.toISOString(),
    historySeconds: job.historySeconds,
    lastPoll: {
      status: "PENDING",
      waitSeconds: plan.waitSeconds,
      deadlinePassed: false,
      pollCount: 0,
      wantSteps: plan.wantSteps,
    },
    ...withStatus(record, "PENDING", now),
    updatedAt: now.toISOString(),
  };
}

/** The ticket the poll loop starts with: the one CreateJob recorded. */
export function firstPollTicket(record: JobRecord): PollState {
  return (
    record.lastPoll ?? { status: "PENDING", waitSeconds: 0, deadlinePassed: false, pollCount: 0 }
  );
}

// Describe ----------------------------------------------------------------------------------------

/**
 * A poll whose write succeeded but whose answer never reached the state machine is retried with
 * the ticket it had before: the record has counted more polls than the ticket shows. Such a retry
 * gets the recorded answer again, so the poll and its wait are not counted twice.
 */
export function replayedPoll(
  record: JobRecord,
  pollsSeen: number | undefined,
): PollState | undefined {
  if (pollsSeen === undefined || !record.lastPoll) return undefined;
  return record.pollCount > pollsSeen ? record.lastPoll : undefined;
}

export interface JobObservation {
  status: string;
  /** SageMaker's CompletionTime, when the job has one. */
  completedAt?: Date | undefined;
  /** The listing of the job's benchmark steps, when this poll made one. */
  steps?: StepsObservation | undefined;
}

/** Seconds the job has run, by the workflow's clock: what the deadline is measured in. */
export function elapsedSeconds(record: JobRecord, now: Date): number {
  const startedAt = Date.parse(record.jobStartedAt ?? record.createdAt);
  return Math.max(record.waitedSeconds, (now.getTime() - startedAt) / 1000);
}

/** A poll's result: the next wait (or the deadline), and the status it saw. */
export function polled(
  record: JobRecord,
  observation: JobObservation,
  now: Date,
): { change: RecordChange; poll: PollState } {
  const { status } = observation;
  const pollCount = record.pollCount + 1;
  const elapsed = elapsedSeconds(record, now);
  const steps = observation.steps ?? record.jobSteps;
  const terminal = TERMINAL_JOB_STATUSES.has(status);
  const late =
    !terminal &&
    deadlinePassed({ elapsedSeconds: elapsed, deadlineSeconds: record.deadlineSeconds });
  const plan =
    terminal || late || !record.spec
      ? undefined
      : planPoll({
          spec: record.spec,
          historySeconds: record.historySeconds ?? [],
          steps,
          elapsedSeconds: elapsed,
          deadlineSeconds: record.deadlineSeconds,
          status,
        });
  const poll: PollState = {
    status,
    waitSeconds: plan?.waitSeconds ?? 0,
    deadlinePassed: late,
    pollCount,
    ...(plan ? { wantSteps: plan.wantSteps } : {}),
  };
  return {
    poll,
    change: {
      ...withStatus(record, status, now),
      pollCount,
      waitedSeconds: record.waitedSeconds + poll.waitSeconds,
      lastPoll: poll,
      ...(observation.steps ? { jobSteps: observation.steps } : {}),
      updatedAt: now.toISOString(),
      // completedAt is the workflow's clock, like createdAt; SageMaker's own time is kept apart.
      ...(terminal ? { completedAt: now.toISOString() } : {}),
      ...(terminal && observation.completedAt
        ? { jobCompletedAt: observation.completedAt.toISOString() }
        : {}),
    },
  };
}

/** This model's earlier run times (seconds) of the same kind and job type, for the schedule. */
export function runTimesOf(
  records: JobRecord[],
  like: Pick<JobRecord, "kind" | "jobType">,
): number[] {
  const kind = like.kind ?? DEFAULT_KIND;
  return records
    .filter(
      (earlier) =>
        (earlier.kind ?? DEFAULT_KIND) === kind &&
        earlier.jobType === like.jobType &&
        earlier.status === "COMPLETED",
    )
    .flatMap((earlier) =>
      earlier.jobStartedAt && earlier.jobCompletedAt
        ? [(Date.parse(earlier.jobCompletedAt) - Date.parse(earlier.jobStartedAt)) / 1000]
        : [],
    )
    .filter((seconds) => seconds > 0)
    .slice(0, 20);
}

// Select ------------------------------------------------------------------------------------------

/**
 * What a kind's select() gives: the outcome, and its decision as the record keeps it. The kind
 * alone knows its decision's shape (src/kinds/<kind>/selection.ts); this module only places it.
 */
export interface SelectionResult {
  outcome: Outcome;
  /** For a job that did not complete: why, in one line. */
  failureReason?: string | undefined;
  /** The record attributes of the decision, its long lists cut to `limits`. */
  recorded(limits: SizeLimits): RecordChange;
  comparison?: Comparison | undefined;
  /** The benchmarks that failed inside the completed job, if any. */
  diagnosis?: Diagnosis | undefined;
  /** What the job itself cost, when its benchmarks could be read. */
  tuningCost?: TuningCost | undefined;
  /** AWS's autoscaling recommendation for the selected entry, beside irflow's proposal. */
  awsScaling?: AwsScaling | undefined;
}

/**
 * A completed job's decision (docs/decision.md) is its outcome: selected, unsatisfiable (no entry
 * meets the policy), or measured (an existing endpoint, nothing to choose from). Its long lists
 * are cut so the record stays far under DynamoDB's item limit.
 */
export function selectionMade(
  record: JobRecord,
  {
    outcome,
    failureReason,
    recorded,
    comparison,
    diagnosis,
    tuningCost,
    awsScaling,
  }: SelectionResult,
  now: Date,
): RecordChange {
  const change: RecordChange = {
    ...decision(record, outcome, now),
    ...(comparison ? { comparison } : {}),
    ...(tuningCost ? { tuningCost } : {}),
    ...(awsScaling && outcome === "selected" ? { awsScaling } : {}),
    // Only a job that did not complete decides `failed`; the state machine routes none here.
    ...(outcome === "failed"
      ? {
          failure: {
            reason: failureReason ?? `the job ended ${record.status}`,
            step: "SelectRecommendation",
          },
        }
      : {}),
  };
  const decided: RecordChange = { ...change, ...recorded(limitsBeside(record, change)) };
  if (!diagnosis) return decided;
  // The failed benchmarks share what the decision leaves of the record's budget.
  const { diagnosis: _old, ...rest } = { ...record, ...decided };
  return { ...decided, diagnosis: capDiagnosis(diagnosis, recordLimitsBeside(jsonBytes(rest))) };
}

/**
 * The limits of the decision a change adds: what the record's one budget leaves beside the rest
 * of the record and the change (the stored spec may take up to 256 KiB of it).
 */
function limitsBeside(record: JobRecord, change: RecordChange) {
  const rest: Record<string, unknown> = { ...record, ...change };
  for (const field of [...DECISION_FIELDS, "diagnosis"]) delete rest[field];
  return recordLimitsBeside(jsonBytes(rest));
}

// Diagnose ----------------------------------------------------------------------------------------

/**
 * A job that ended FAILED, STOPPED or DELETED: its diagnosis (category, hint, failed benchmarks,
 * log streams), and a failure reason that says the same in one line. `notes` says what could not
 * be read, such as benchmark steps the role may not list.
 */
export function diagnosed(
  record: JobRecord,
  {
    diagnosis,
    notes = [],
    tuningCost,
  }: { diagnosis: Diagnosis; notes?: string[] | undefined; tuningCost?: TuningCost | undefined },
  now: Date,
): RecordChange {
  const reasons = [
    ...new Set([
      ...(diagnosis.failureReason ? [diagnosis.failureReason] : []),
      ...diagnosis.failedBenchmarks.map((benchmark) => benchmark.reason),
      ...notes,
    ]),
  ];
  const reason =
    reasons.length > 0
      ? joinReasons(reasons)
      : diagnosis.status === "STOPPED"
        ? "the job was stopped outside irflow"
        : `the job ended ${diagnosis.status} without a failure reason`;
  const [executionStream] = diagnosis.logs.streams;
  const logs = diagnosis.logs.logGroup
    ? `; logs: ${diagnosis.logs.logGroup}, stream ${executionStream ?? `${record.jobName}/execution`}`
    : "";
  const change: RecordChange = {
    ...(tuningCost ? { tuningCost } : {}),
    ...decision(record, "failed", now),
    ...withStatus(record, diagnosis.status, now),
    failure: {
      reason: `${reason} (${diagnosis.category}${logs})`,
      step: "DiagnoseFailure",
    },
  };
  return { ...change, diagnosis: capDiagnosis(diagnosis, limitsBeside(record, change)) };
}

// Stop --------------------------------------------------------------------------------------------

export type StopReason = "deadline" | "error";

export interface CaughtError {
  Error?: string | undefined;
  Cause?: string | undefined;
}

/** Errors after which SageMaker certainly created no job of this execution's to stop. */
const CREATED_NOTHING = new Set(["JobNameTakenError", "JobRejectedError", "AccountJobLimitError"]);

/**
 * Whether a job of this execution's may still run and so needs a StopInferenceRecommendationsJob.
 * Without a jobArn the job may exist all the same once CreateJob has asked for it: SageMaker can
 * create it and the step fail before writing the record. Before that ask, a job of the record's
 * name is someone else's.
 */
export function mayStillRun(record: JobRecord, error: CaughtError | undefined): boolean {
  if (isDecided(record) || TERMINAL_JOB_STATUSES.has(record.status)) return false;
  if (record.jobArn !== undefined) return true;
  return record.createRequestedAt !== undefined && !CREATED_NOTHING.has(error?.Error ?? "");
}

/**
 * The job was given up on: its deadline passed, or a step failed. A record already decided keeps
 * its decision.
 */
export function stopped(
  record: JobRecord,
  stop: {
    reason: StopReason;
    error?: CaughtError | undefined;
    stopRequested: boolean;
    /** Why a job of the record's name was not stopped (not provably this execution's). */
    leftAlone?: string | undefined;
    /** What the job cost up to the stop, when its benchmarks could be read. */
    tuningCost?: TuningCost | undefined;
  },
  now: Date,
): RecordChange | undefined {
  if (isDecided(record)) return undefined;
  const outcome: Outcome =
    stop.reason === "deadline"
      ? "timed-out"
      : stop.error?.Error === JobRejectedError.name
        ? "rejected"
        : "failed";
  const stoppedNote = stop.stopRequested
    ? "; the job was stopped"
    : stop.leftAlone
      ? `; ${stop.leftAlone}`
      : "";
  const reason =
    stop.reason === "deadline"
      ? `no result within the deadline of ${record.deadlineSeconds} s after ${record.pollCount} polls${stoppedNote}`
      : // A caught Cause may be as long as Step Functions allows (32,768 characters).
        `${stop.error?.Error ?? "Error"}: ${capText(causeMessage(stop.error?.Cause), MAX_REASON_CHARS)}${stoppedNote}`;
  // A spec SageMaker refused never became a job: it is recorded as rejected, like an invalid spec.
  const status = stop.stopRequested
    ? "STOPPING"
    : outcome === "rejected" && !record.jobArn
      ? "REJECTED"
      : undefined;
  return {
    ...(stop.tuningCost && !record.tuningCost ? { tuningCost: stop.tuningCost } : {}),
    ...decision(record, outcome, now),
    ...(status ? withStatus(record, status, now) : {}),
    failure: {
      reason,
      step: stop.reason === "deadline" ? "StopJobAtDeadline" : "StopJobAfterError",
    },
  };
}

// Publish -----------------------------------------------------------------------------------------

/**
 * The outcome of a record about to be published: its decision, or, when the workflow reached the
 * publish step without one (every earlier step failed, even the stop), a failure.
 */
export function outcomeOf(record: JobRecord): Outcome {
  return record.outcome ?? "failed";
}

/** A record the publish step reached undecided gets the failure decided here. */
export function undecidedFailure(record: JobRecord, now: Date): RecordChange | undefined {
  if (isDecided(record)) return undefined;
  return {
    ...decision(record, "failed", now),
    failure: record.failure ?? { reason: "the workflow stopped without a reason" },
  };
}

/** The id of a job's outcome: derived from the job and its execution, so every copy carries it. */
export function outcomeIdOf(record: Pick<JobRecord, "jobName" | "executionArn">): string {
  const hex = sha256Hex(`${record.executionArn}\n${record.jobName}`);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join("-");
}

/** How long a publisher's claim holds: longer than a Lambda invocation may run. */
export const PUBLICATION_CLAIM_SECONDS = TIME_BUDGET.publicationClaimSeconds;

export type PublicationClaim =
  | { kind: "published" }
  /** Another publisher holds an unexpired claim. */
  | { kind: "busy"; until: string }
  | { kind: "claim"; change: RecordChange };

/**
 * Whether `claimant` may publish the outcome event now. One claim at a time: a claim runs out
 * after PUBLICATION_CLAIM_SECONDS, so a publisher that died is replaced; one whose PutEvents was
 * accepted but whose answer was lost is the one way an event goes out twice, with the same
 * outcome id.
 */
export function publicationClaim(record: JobRecord, claimant: string, now: Date): PublicationClaim {
  if (record.phase === "published") return { kind: "published" };
  const held = record.claim;
  if (
    record.phase === "publishing" &&
    held &&
    held.by !== claimant &&
    held.until > now.toISOString()
  ) {
    return { kind: "busy", until: held.until };
  }
  return {
    kind: "claim",
    change: {
      phase: "publishing",
      outcomeId: outcomeIdOf(record),
      claim: {
        by: claimant,
        until: new Date(now.getTime() + PUBLICATION_CLAIM_SECONDS * 1000).toISOString(),
      },
      updatedAt: now.toISOString(),
    },
  };
}

/** EventBridge accepted nothing: the claim is given up at once, for the next attempt. */
export function publicationAbandoned(
  record: JobRecord,
  claimant: string,
  now: Date,
): RecordChange | undefined {
  if (record.phase !== "publishing" || record.claim?.by !== claimant) return undefined;
  return {
    phase: "decided",
    claim: { by: claimant, until: now.toISOString() },
    updatedAt: now.toISOString(),
  };
}

export function published(
  record: JobRecord,
  event: { eventId: string; retentionDays: number },
  now: Date,
): RecordChange | undefined {
  if (record.phase === "published") return undefined;
  return {
    phase: "published",
    outcomeId: outcomeIdOf(record),
    publishedAt: now.toISOString(),
    eventId: event.eventId,
    expiresAt: Math.floor(now.getTime() / 1000) + event.retentionDays * 86400,
    updatedAt: now.toISOString(),
  };
}
