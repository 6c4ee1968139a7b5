/** DescribeJob: one poll of the job, recorded once even when the state machine retries it. */
import * as z from "zod";
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { listingShowsWorkLeft, observeSteps } from "../../schedule/index.ts";
import { type JobObservation, polled, replayedPoll } from "../lifecycle.ts";
import type { JobRecord, PollState } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { jobInput, workflowStep } from "./step.ts";

export const describeInput = jobInput.extend({
  /** The poll ticket: polls the state machine has seen complete (see `replayedPoll`). */
  pollsSeen: z.number().int().min(0).optional(),
});
export type DescribeInput = z.output<typeof describeInput>;

export async function describeJob(
  input: DescribeInput,
  deps: { store: JobStore; sagemaker: SageMakerGateway; now: () => Date },
): Promise<PollState> {
  const record = await deps.store.require(input.jobName);
  const replay = replayedPoll(record, input.pollsSeen);
  if (replay) return replay;
  const observation = await observe(record, deps);
  let poll: PollState | undefined;
  await deps.store.mutate(
    input.jobName,
    (record) => {
      poll = replayedPoll(record, input.pollsSeen);
      if (poll) return undefined;
      const result = polled(record, observation, deps.now());
      poll = result.poll;
      return result.change;
    },
    record,
  );
  if (!poll) throw new Error(`the record of ${input.jobName} was not updated`);
  return poll;
}

/**
 * What SageMaker says of the job now. When the schedule asked for the steps, they are listed
 * first, and a listing that shows work still to run spares the Describe call.
 */
async function observe(
  record: JobRecord,
  deps: { sagemaker: SageMakerGateway; now: () => Date },
): Promise<JobObservation> {
  if (record.lastPoll?.wantSteps && record.jobStartedAt) {
    const listed = await deps.sagemaker.listBenchmarkSteps(record.jobName);
    const steps = observeSteps(listed, new Date(record.jobStartedAt), deps.now());
    if (listingShowsWorkLeft(steps)) return { status: "IN_PROGRESS", steps };
    const job = await deps.sagemaker.describeJob(record.jobName);
    return { status: job.Status ?? "UNKNOWN", completedAt: job.CompletionTime, steps };
  }
  const job = await deps.sagemaker.describeJob(record.jobName);
  return { status: job.Status ?? "UNKNOWN", completedAt: job.CompletionTime };
}

export const describeJobStep = workflowStep({
  name: "DescribeJob",
  input: describeInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    sagemaker: sagemakerGateway(runtime),
    now: runtime.now,
  }),
  run: describeJob,
});
