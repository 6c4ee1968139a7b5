/** CreateJob: CreateInferenceRecommendationsJob for the validated spec, adopting its own retry. */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { JobNameTakenError } from "../../errors.ts";
import { created, createRequested, firstPollTicket, runTimesOf } from "../lifecycle.ts";
import { jobTags, ownershipOf } from "../ownership.ts";
import type { JobRecord, PollState } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

interface Deps {
  store: JobStore;
  sagemaker: SageMakerGateway;
  now: () => Date;
  /** The stack's name, tagged on every job it creates. */
  stackName: string;
  logger?: Pick<Logger, "warn"> | undefined;
  metrics?: Metrics | undefined;
}

/** How many of the model's latest jobs inform the poll schedule. */
const HISTORY_JOBS = 20;

/** Returns the job's ARN and the poll ticket the poll loop starts with. */
export async function createJob(
  input: JobInput,
  deps: Deps,
): Promise<PollState & { jobArn: string }> {
  let record = await deps.store.require(input.jobName);
  if (!record.jobArn) {
    record = await deps.store.mutate(
      record.jobName,
      (latest) => createRequested(latest, deps.now()),
      record,
    );
  }
  const jobArn = record.jobArn ?? (await createOrAdopt(record, deps));
  const historySeconds = record.jobArn ? [] : await modelRunTimes(record, deps);
  const current = await deps.store.mutate(
    record.jobName,
    (latest) => created(latest, { jobArn, historySeconds }, deps.now()),
    record,
  );
  return { ...firstPollTicket(current), jobArn };
}

/** Run times of the model's earlier jobs; a record this release cannot read is skipped, said and counted. */
async function modelRunTimes(record: JobRecord, deps: Deps): Promise<number[]> {
  const { records, unreadable } = await deps.store.listByModel(record.modelKey, HISTORY_JOBS);
  if (unreadable.length > 0) {
    deps.logger?.warn("skipped unreadable records in the model's history", {
      modelKey: record.modelKey,
      unreadable,
    });
    deps.metrics?.addMetric("UnreadableRecords", MetricUnit.Count, unreadable.length);
  }
  return runTimesOf(records, record.jobType);
}

/**
 * ResourceInUse means a job of this name exists: it is this execution's (an earlier attempt of
 * this step created it, then failed before the record was written) only if it carries irflow's
 * tags for this stack and this execution. Anything else is another job under the same name, which
 * irflow must not adopt.
 */
async function createOrAdopt(record: JobRecord, deps: Deps): Promise<string> {
  const request = record.spec?.job;
  if (!request) throw new Error(`job record ${record.jobName} has no spec to create a job from`);
  const owner = { stackName: deps.stackName, executionArn: record.executionArn };
  const result = await deps.sagemaker.createJob({
    ...request,
    JobName: record.jobName,
    Tags: jobTags(request.Tags, owner),
  });
  if (result.created) return result.jobArn;
  const existing = await deps.sagemaker.jobTags(record.jobName);
  if (existing.found && existing.jobArn) {
    const ownership = ownershipOf(record, existing.tags, deps.stackName, existing.note);
    if (ownership.own) return existing.jobArn;
  }
  throw new JobNameTakenError(
    `an Inference Recommender job named ${record.jobName} already exists and was not created by this execution; set irflow.runKey (or another JobName) to run the spec again`,
  );
}

export const createJobStep = workflowStep({
  name: "CreateJob",
  input: jobInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    sagemaker: sagemakerGateway(runtime),
    now: runtime.now,
    stackName: config.STACK_NAME,
    logger: runtime.logger,
    metrics: runtime.metrics,
  }),
  run: createJob,
});
