/** StopJob: gives up on a job at its deadline or after a failed step, stopping it if it runs. */
import * as z from "zod";
import { type KindGateways, kindGateways, operationsFor } from "../../kinds/operations.ts";
import { outcomeOf, stopped } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { jobInput, workflowStep } from "./step.ts";

export const stopInput = jobInput.extend({
  reason: z.enum(["deadline", "error"]),
  /** The error a Catch caught, as Step Functions passes it. */
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});
export type StopInput = z.output<typeof stopInput>;

export async function stopJob(
  input: StopInput,
  deps: KindGateways & { store: JobStore; now: () => Date; stackName: string },
): Promise<{ outcome: Outcome }> {
  const record = await deps.store.require(input.jobName);
  const stop = await operationsFor(record).stop(record, input.error, deps);
  const decided = await deps.store.mutate(
    record.jobName,
    (current) =>
      stopped(current, { reason: input.reason, error: input.error, ...stop }, deps.now()),
    record,
  );
  return { outcome: outcomeOf(decided) };
}

export const stopJobStep = workflowStep({
  name: "StopJob",
  input: stopInput,
  connect: (runtime, config) => ({
    ...kindGateways(runtime),
    store: jobStore(runtime, config.TABLE_NAME),
    now: runtime.now,
    stackName: config.STACK_NAME,
  }),
  run: stopJob,
});
