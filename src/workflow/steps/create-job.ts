/** CreateJob: CreateInferenceRecommendationsJob for the validated spec, adopting its own retry. */
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { JobNameTakenError } from "../../errors.ts";
import { created, firstPollTicket, runTimesOf } from "../lifecycle.ts";
import type { JobRecord, PollState } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

/** Clock skew allowed between this function and SageMaker when judging who created a job. */
const OWNERSHIP_SKEW_MS = 5 * 60 * 1000;

interface Deps {
  store: JobStore;
  sagemaker: SageMakerGateway;
  now: () => Date;
}

/** Returns the job's ARN and the poll ticket the poll loop starts with. */
export async function createJob(
  input: JobInput,
  deps: Deps,
): Promise<PollState & { jobArn: string }> {
  const record = await deps.store.require(input.jobName);
  const jobArn = record.jobArn ?? (await createOrAdopt(record, deps.sagemaker));
  const earlier = record.jobArn ? [] : await deps.store.listByModel(record.modelKey, 20);
  const historySeconds = runTimesOf(earlier, record.jobType);
  const current = await deps.store.mutate(
    record.jobName,
    (latest) => created(latest, { jobArn, historySeconds }, deps.now()),
    record,
  );
  return { ...firstPollTicket(current), jobArn };
}

/**
 * ResourceInUse means a job of this name exists: it is this execution's (an earlier attempt of
 * this step created it, then failed before the record was written) only if SageMaker created it
 * after this record and with this spec's role. Anything else is another job under the same name,
 * which irflow must not adopt.
 */
async function createOrAdopt(record: JobRecord, sagemaker: SageMakerGateway): Promise<string> {
  const request = record.spec?.job;
  if (!request) throw new Error(`job record ${record.jobName} has no spec to create a job from`);
  const result = await sagemaker.createJob({ ...request, JobName: record.jobName });
  if (result.created) return result.jobArn;
  const existing = await sagemaker.describeJob(record.jobName);
  const createdAfterRecord =
    (existing.CreationTime?.getTime() ?? 0) >= Date.parse(record.createdAt) - OWNERSHIP_SKEW_MS;
  if (createdAfterRecord && existing.RoleArn === request.RoleArn && existing.JobArn) {
    return existing.JobArn;
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
  }),
  run: createJob,
});
