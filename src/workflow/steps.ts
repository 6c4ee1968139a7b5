/**
 * The workflow's steps, one function each, with their clients and configuration passed in. The
 * Lambda handlers in functions/ are thin wrappers around these. Steps keep the state machine's
 * state small: they return a few fields and keep everything else in the job record.
 */
import {
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  DescribeInferenceRecommendationsJobCommand,
  type DescribeInferenceRecommendationsJobCommandOutput,
  ListInferenceRecommendationsJobStepsCommand,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import type { Clients } from "../clients.ts";
import type { Config } from "../config.ts";
import {
  AccountJobLimitError,
  causeMessage,
  classifyAwsError,
  JobNameTakenError,
  JobRejectedError,
  TransientAwsError,
} from "../errors.ts";
import { modelIdentity } from "../naming.ts";
import { buildOutcomeDetail, publishOutcome } from "../outcome.ts";
import { selectRecommendation, toCandidate } from "../selection.ts";
import type { SpecIssue } from "../spec/rules.ts";
import { validateSpec } from "../spec/validate.ts";
import { deadlinePassed, deadlineSeconds, nextPollSeconds } from "./polling.ts";
import {
  type JobRecord,
  type ModelRef,
  type Outcome,
  SUCCESSFUL_OUTCOMES,
  TERMINAL_JOB_STATUSES,
  type Trigger,
} from "./record.ts";
import { JobStore } from "./store.ts";

export interface StepContext {
  clients: Clients;
  config: Config;
  now: () => Date;
}

function storeOf(context: StepContext): JobStore {
  return new JobStore(context.clients.dynamo, context.config.TABLE_NAME);
}

// Validate ----------------------------------------------------------------------------------------

export interface ValidateInput {
  spec: unknown;
  trigger?: Trigger;
  executionArn: string;
  executionName: string;
  /** Problems a trigger found before the workflow (a model package without metadata). */
  precheckErrors?: SpecIssue[];
}

export type ValidateOutput =
  | { valid: true; jobName: string; jobType: "Default" | "Advanced"; deadlineSeconds: number }
  | { valid: false; jobName: string; errorCount: number };

export async function validateStep(
  input: ValidateInput,
  context: StepContext,
): Promise<ValidateOutput> {
  const now = context.now().toISOString();
  const trigger = input.trigger ?? { type: "manual" };
  const result = validateSpec(input.spec);
  const store = storeOf(context);
  const errors = [...(result.valid ? [] : result.errors), ...(input.precheckErrors ?? [])];
  if (!result.valid || errors.length > 0) {
    const jobName = `rejected-${input.executionName}`;
    await store.create({
      jobName,
      version: 1,
      executionArn: input.executionArn,
      trigger,
      model: { key: "unknown", kind: "unknown" },
      modelKey: "unknown",
      status: "REJECTED",
      statusHistory: [{ status: "REJECTED", at: now }],
      pollCount: 0,
      waitedSeconds: 0,
      deadlineSeconds: 0,
      createdAt: now,
      updatedAt: now,
      completedAt: now,
      outcome: "rejected",
      failure: {
        reason: `the spec breaks ${errors.length} rule${errors.length === 1 ? "" : "s"}; no job was created`,
        step: "ValidateSpec",
        errors,
      },
    });
    return { valid: false, jobName, errorCount: errors.length };
  }
  const identity = modelIdentity(result.spec);
  const model: ModelRef =
    identity.kind === "model-package"
      ? {
          key: identity.key,
          kind: identity.kind,
          packageGroup: identity.group,
          packageVersion: identity.version,
          packageArn: identity.arn,
        }
      : { key: identity.key, kind: identity.kind, modelName: identity.name };
  const deadline = deadlineSeconds(result.spec);
  await store.create({
    jobName: result.jobName,
    version: 1,
    executionArn: input.executionArn,
    trigger,
    model,
    modelKey: model.key,
    jobType: result.spec.job.JobType,
    spec: result.spec as unknown as Record<string, unknown>,
    specHash: result.specHash,
    status: "VALIDATED",
    statusHistory: [{ status: "VALIDATED", at: now }],
    pollCount: 0,
    waitedSeconds: 0,
    deadlineSeconds: deadline,
    createdAt: now,
    updatedAt: now,
  });
  return {
    valid: true,
    jobName: result.jobName,
    jobType: result.spec.job.JobType,
    deadlineSeconds: deadline,
  };
}

// Create ------------------------------------------------------------------------------------------

export async function createJobStep(
  input: { jobName: string },
  context: StepContext,
): Promise<{ jobArn: string; pollCount: 0 }> {
  const store = storeOf(context);
  const record = await store.require(input.jobName);
  // pollCount starts the poll loop's count, which DescribeJob uses to recognise its own retries.
  if (record.jobArn) return { jobArn: record.jobArn, pollCount: 0 };
  const request = (record.spec as { job: CreateInferenceRecommendationsJobCommandInput }).job;
  let jobArn: string;
  try {
    const created = await context.clients.sagemaker.send(
      new CreateInferenceRecommendationsJobCommand({ ...request, JobName: record.jobName }),
    );
    jobArn = created.JobArn ?? "";
  } catch (error) {
    jobArn = await recoverCreate(error, record, context);
  }
  const now = context.now().toISOString();
  await store.mutate(record.jobName, (current) => ({
    jobArn,
    // The deadline runs from here: waiting out the account's job limit does not use it up.
    jobStartedAt: current.jobStartedAt ?? now,
    status: "PENDING",
    statusHistory: [...current.statusHistory, { status: "PENDING", at: now }],
    updatedAt: now,
  }));
  return { jobArn, pollCount: 0 };
}

/** Clock skew allowed between this function and SageMaker when judging who created a job. */
const OWNERSHIP_SKEW_MS = 5 * 60 * 1000;

/**
 * A create that failed. ResourceInUse means a job of this name exists: it is this execution's
 * (an earlier attempt of this step created it, then failed before the record was written) only if
 * SageMaker created it after this record and with this request's role. Anything else is another
 * job under the same name, which irflow must not adopt.
 */
async function recoverCreate(
  error: unknown,
  record: JobRecord,
  context: StepContext,
): Promise<string> {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "ResourceInUse") {
    const existing = await describe(record.jobName, context);
    const request = (record.spec as { job: { RoleArn?: string } }).job;
    const createdAfterRecord =
      (existing.CreationTime?.getTime() ?? 0) >= Date.parse(record.createdAt) - OWNERSHIP_SKEW_MS;
    if (createdAfterRecord && existing.RoleArn === request.RoleArn && existing.JobArn) {
      return existing.JobArn;
    }
    throw new JobNameTakenError(
      `an Inference Recommender job named ${record.jobName} already exists and was not created by this execution; set irflow.runKey (or another JobName) to run the spec again`,
      { cause: error },
    );
  }
  if (name === "ResourceLimitExceeded") {
    throw new AccountJobLimitError(`SageMaker refused job ${record.jobName}: ${message}`, {
      cause: error,
    });
  }
  if (name === "ValidationException") {
    throw new JobRejectedError(`SageMaker rejected job ${record.jobName}: ${message}`, {
      cause: error,
    });
  }
  throw classifyAwsError(error, "create the Inference Recommender job");
}

async function describe(
  jobName: string,
  context: StepContext,
): Promise<DescribeInferenceRecommendationsJobCommandOutput> {
  try {
    return await context.clients.sagemaker.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: jobName }),
    );
  } catch (error) {
    throw classifyAwsError(error, "describe the Inference Recommender job");
  }
}

// Describe ----------------------------------------------------------------------------------------

export interface PollOutput {
  status: string;
  waitSeconds: number;
  deadlinePassed: boolean;
  pollCount: number;
}

export interface DescribeInput {
  jobName: string;
  /**
   * Polls the state machine has seen complete. When the record has counted more, this call is a
   * retry of a poll that was recorded already: it returns that poll's result instead of counting
   * the poll and its wait twice.
   */
  pollsSeen?: number;
}

export async function describeJobStep(
  input: DescribeInput,
  context: StepContext,
): Promise<PollOutput> {
  const job = await describe(input.jobName, context);
  const status = job.Status ?? "UNKNOWN";
  const nowDate = context.now();
  const now = nowDate.toISOString();
  let output: PollOutput | undefined;
  await storeOf(context).mutate(input.jobName, (record) => {
    if (input.pollsSeen !== undefined && record.lastPoll && record.pollCount > input.pollsSeen) {
      output = record.lastPoll;
      return undefined;
    }
    const pollCount = record.pollCount + 1;
    const startedAt = Date.parse(record.jobStartedAt ?? record.createdAt);
    const elapsedSeconds = Math.max(record.waitedSeconds, (nowDate.getTime() - startedAt) / 1000);
    const state = {
      jobName: record.jobName,
      jobType: record.jobType ?? "Default",
      status,
      pollCount,
      elapsedSeconds,
      deadlineSeconds: record.deadlineSeconds,
    };
    const terminal = TERMINAL_JOB_STATUSES.has(status);
    const late = !terminal && deadlinePassed(state);
    const waitSeconds = terminal || late ? 0 : nextPollSeconds(state);
    const result = { status, waitSeconds, deadlinePassed: late, pollCount };
    output = result;
    const last = record.statusHistory.at(-1)?.status;
    return {
      status,
      pollCount,
      waitedSeconds: record.waitedSeconds + waitSeconds,
      updatedAt: now,
      lastPoll: result,
      ...(last !== status ? { statusHistory: [...record.statusHistory, { status, at: now }] } : {}),
      // completedAt is the workflow's clock, like createdAt; SageMaker's own time is kept apart.
      ...(terminal ? { completedAt: now } : {}),
      ...(terminal && job.CompletionTime
        ? { jobCompletedAt: job.CompletionTime.toISOString() }
        : {}),
    };
  });
  if (!output) throw new Error(`the record of ${input.jobName} was not updated`);
  return output;
}

// Select ------------------------------------------------------------------------------------------

export async function selectStep(
  input: { jobName: string },
  context: StepContext,
): Promise<{ outcome: Outcome }> {
  const job = await describe(input.jobName, context);
  const candidates = (job.InferenceRecommendations ?? []).map(toCandidate);
  const selection = selectRecommendation(candidates);
  const endpointPerformances = (job.EndpointPerformances ?? []).map((performance) => ({
    endpointName: performance.EndpointInfo?.EndpointName ?? "",
    maxInvocations: performance.Metrics?.MaxInvocations ?? 0,
    modelLatencyMs: performance.Metrics?.ModelLatency ?? 0,
  }));
  // A job on an existing endpoint measures it; it has no recommendations to choose from.
  const outcome: Outcome = selection.selected
    ? "selected"
    : candidates.length === 0 && endpointPerformances.length > 0
      ? "measured"
      : "failed";
  const now = context.now().toISOString();
  await storeOf(context).mutate(input.jobName, () => ({
    outcome,
    updatedAt: now,
    recommendations: selection.ranked,
    ineligible: selection.rejected,
    ...(endpointPerformances.length > 0 ? { endpointPerformances } : {}),
    ...(selection.selected ? { selected: selection.selected } : {}),
    ...(outcome === "failed"
      ? {
          failure: {
            reason:
              candidates.length === 0
                ? "the job completed without recommendations"
                : `none of the ${candidates.length} recommendations had complete metrics`,
            step: "SelectRecommendation",
          },
        }
      : {}),
  }));
  return { outcome };
}

// Diagnose ----------------------------------------------------------------------------------------

export async function diagnoseStep(
  input: { jobName: string },
  context: StepContext,
): Promise<{ outcome: Outcome }> {
  const job = await describe(input.jobName, context);
  let benchmarkReasons: string[] = [];
  try {
    const steps = await context.clients.sagemaker.send(
      new ListInferenceRecommendationsJobStepsCommand({
        JobName: input.jobName,
        Status: "FAILED",
        StepType: "BENCHMARK",
      }),
    );
    benchmarkReasons = (steps.Steps ?? [])
      .map((step) => step.InferenceBenchmark?.FailureReason)
      .filter((reason): reason is string => typeof reason === "string" && reason.length > 0);
  } catch (error) {
    const classified = classifyAwsError(error, "list the job's failed benchmarks");
    if (classified instanceof TransientAwsError) throw classified;
    // Anything else (access denied, say) must not hide the job's own failure reason.
    benchmarkReasons = [`benchmark details unavailable (${(error as Error).name})`];
  }
  const reasons = [
    ...new Set(
      [job.FailureReason, ...benchmarkReasons].filter((reason): reason is string => !!reason),
    ),
  ];
  const status = job.Status ?? "UNKNOWN";
  const reason =
    reasons.length > 0
      ? reasons.join(" | ")
      : status === "STOPPED"
        ? "the job was stopped outside irflow"
        : `the job ended ${status} without a failure reason`;
  const now = context.now().toISOString();
  await storeOf(context).mutate(input.jobName, () => ({
    outcome: "failed",
    status,
    updatedAt: now,
    failure: {
      reason: `${reason} (logs: /aws/sagemaker/InferenceRecommendationsJobs, streams ${input.jobName}/*)`,
      step: "DiagnoseFailure",
    },
  }));
  return { outcome: "failed" };
}

// Stop --------------------------------------------------------------------------------------------

export interface StopInput {
  jobName: string;
  reason: "deadline" | "error";
  /** The error a Catch caught, as Step Functions passes it. */
  error?: { Error?: string; Cause?: string };
}

export async function stopJobStep(
  input: StopInput,
  context: StepContext,
): Promise<{ outcome: Outcome }> {
  const store = storeOf(context);
  const record = await store.require(input.jobName);
  let stopped = false;
  // Without a jobArn the job may still exist: CreateJob can have created it and then failed before
  // writing the record. These errors, though, mean SageMaker created no job of ours to stop.
  const createdNothing = [JobNameTakenError.name, JobRejectedError.name, AccountJobLimitError.name];
  const mayRun =
    !TERMINAL_JOB_STATUSES.has(record.status) &&
    (record.jobArn !== undefined || !createdNothing.includes(input.error?.Error ?? ""));
  if (mayRun) {
    try {
      await context.clients.sagemaker.send(
        new StopInferenceRecommendationsJobCommand({ JobName: record.jobName }),
      );
      stopped = true;
    } catch (error) {
      // A job that finished or vanished meanwhile needs no stop.
      const name = error instanceof Error ? error.name : "";
      if (name !== "ResourceNotFound" && name !== "ValidationException") {
        throw classifyAwsError(error, "stop the Inference Recommender job");
      }
    }
  }
  const outcome: Outcome =
    input.reason === "deadline"
      ? "timed-out"
      : input.error?.Error === JobRejectedError.name
        ? "rejected"
        : "failed";
  const reason =
    input.reason === "deadline"
      ? `no result within the deadline of ${record.deadlineSeconds} s after ${record.pollCount} polls${stopped ? "; the job was stopped" : ""}`
      : `${input.error?.Error ?? "Error"}: ${causeMessage(input.error?.Cause)}${stopped ? "; the job was stopped" : ""}`;
  const now = context.now().toISOString();
  await store.mutate(record.jobName, (current) => ({
    outcome,
    updatedAt: now,
    completedAt: current.completedAt ?? now,
    failure: {
      reason,
      step: input.reason === "deadline" ? "StopJobAtDeadline" : "StopJobAfterError",
    },
    // A spec SageMaker refused never became a job: record it as rejected, like an invalid spec.
    ...(outcome === "rejected" && !current.jobArn
      ? {
          status: "REJECTED",
          statusHistory: [...current.statusHistory, { status: "REJECTED", at: now }],
        }
      : {}),
    ...(stopped
      ? {
          status: "STOPPING",
          statusHistory: [...current.statusHistory, { status: "STOPPING", at: now }],
        }
      : {}),
  }));
  return { outcome };
}

// Publish -----------------------------------------------------------------------------------------

export async function publishStep(
  input: { jobName: string },
  context: StepContext,
  sleep?: (milliseconds: number) => Promise<void>,
): Promise<{ outcome: Outcome; eventId: string }> {
  const store = storeOf(context);
  const record = await store.require(input.jobName);
  if (record.publishedAt && record.eventId) {
    return { outcome: record.outcome ?? "failed", eventId: record.eventId };
  }
  const nowDate = context.now();
  const finished = record.outcome ? record : { ...record, outcome: "failed" as const };
  const detail = buildOutcomeDetail(finished, nowDate);
  const eventId = await publishOutcome(context.clients.events, detail, {
    busName: context.config.EVENT_BUS_NAME,
    source: context.config.EVENT_SOURCE,
    ...(sleep ? { sleep } : {}),
  });
  await store.mutate(record.jobName, (current) => ({
    outcome: detail.outcome,
    ...(current.failure || SUCCESSFUL_OUTCOMES.has(detail.outcome)
      ? {}
      : { failure: { reason: "the workflow stopped without a reason" } }),
    publishedAt: nowDate.toISOString(),
    eventId,
    completedAt: current.completedAt ?? nowDate.toISOString(),
    expiresAt: Math.floor(nowDate.getTime() / 1000) + context.config.RECORD_RETENTION_DAYS * 86400,
    updatedAt: nowDate.toISOString(),
  }));
  return { outcome: detail.outcome, eventId };
}
