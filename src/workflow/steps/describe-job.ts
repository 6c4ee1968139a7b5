/** DescribeJob: one poll of the job, recorded once even when the state machine retries it. */
import { z } from "zod";
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { polled, replayedPoll } from "../lifecycle.ts";
import type { PollState } from "../record.ts";
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
  const job = await deps.sagemaker.describeJob(input.jobName);
  const observation = { status: job.Status ?? "UNKNOWN", completedAt: job.CompletionTime };
  let poll: PollState | undefined;
  await deps.store.mutate(input.jobName, (record) => {
    poll = replayedPoll(record, input.pollsSeen);
    if (poll) return undefined;
    const result = polled(record, observation, deps.now());
    poll = result.poll;
    return result.change;
  });
  if (!poll) throw new Error(`the record of ${input.jobName} was not updated`);
  return poll;
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
