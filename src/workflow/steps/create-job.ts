/** CreateJob: creates the validated spec's SageMaker job through its kind, adopting its own retry. */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type KindGateways, kindGateways, operationsFor } from "../../kinds/operations.ts";
import { created, createRequested, firstPollTicket, runTimesOf } from "../lifecycle.ts";
import type { JobRecord, PollState } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

interface Deps extends KindGateways {
  store: JobStore;
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
  if (!record.spec)
    throw new Error(`job record ${record.jobName} has no spec to create a job from`);
  if (!record.jobArn) {
    record = await deps.store.mutate(
      record.jobName,
      (latest) => createRequested(latest, deps.now()),
      record,
    );
  }
  const jobArn = record.jobArn ?? (await operationsFor(record).createOrAdopt(record, deps));
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
  return runTimesOf(records, record);
}

export const createJobStep = workflowStep({
  name: "CreateJob",
  input: jobInput,
  connect: (runtime, config) => ({
    ...kindGateways(runtime),
    store: jobStore(runtime, config.TABLE_NAME),
    now: runtime.now,
    stackName: config.STACK_NAME,
    logger: runtime.logger,
    metrics: runtime.metrics,
  }),
  run: createJob,
});
