/**
 * Clean-up after an execution that ended FAILED, TIMED_OUT or ABORTED, whatever it was doing:
 * invoked by an EventBridge rule on Step Functions' status-change events. It frees the execution's
 * slot in the queue, stops its job if the job may still run, and publishes a failed outcome if the
 * execution published none. Every step is idempotent, so an execution that ended normally (a Fail
 * state after its outcome was published) costs a read or two and changes nothing.
 */
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import * as z from "zod";
import { type Config, workflowConfigSchema } from "../config.ts";
import { causeMessage, classifyAwsError } from "../errors.ts";
import { JOB_NAME_TAKEN_FAILURE, recordNameOfExecution } from "../execution/record-name.ts";
import { defineFunction } from "../handler.ts";
import { type KindGateways, kindGateways, operationsFor } from "../kinds/operations.ts";
import { queueEntryId } from "../queue/queue.ts";
import { awsClient, type Runtime } from "../runtime.ts";
import { executionInputSchema } from "./execution-input.ts";
import { endedWithoutRecord, stopped } from "./lifecycle.ts";
import {
  connectPublisher,
  type Publication,
  type PublishDeps,
  publishRecord,
} from "./steps/publish-outcome.ts";

export const ENDED_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

export const executionEndedSchema = z.object({
  "detail-type": z.literal("Step Functions Execution Status Change"),
  detail: z.object({
    executionArn: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(ENDED_STATUSES),
    /** Absent or null when Step Functions left it out (a large input): it is described then. */
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionEnded = z.output<typeof executionEndedSchema>;

interface Deps extends PublishDeps, KindGateways {
  stackName: string;
  describeInput(executionArn: string): Promise<string | undefined>;
  /** The record ValidateSpec named in the execution's state (src/execution/record-name.ts). */
  recordName(execution: { executionArn: string; name: string }): Promise<string>;
}

export type CleanUp =
  | { action: "none"; reason: string }
  | { action: "cleaned"; jobName: string; stopped: boolean; publication?: Publication };

/** Only the trigger matters here; the rest of the input is ValidateSpec's to judge. */
const executionInput = executionInputSchema.pick({ trigger: true });

export async function onExecutionEnded(event: ExecutionEnded, deps: Deps): Promise<CleanUp> {
  const { executionArn, name, status } = event.detail;
  // Before anything that may fail: the slot is free whatever happens next (in whichever kind's
  // queue it is; leaving one never joined changes nothing).
  for (const queue of Object.values(deps.queues)) await queue.leave(queueEntryId(executionArn));
  if (event.detail.error === JOB_NAME_TAKEN_FAILURE) {
    return { action: "none", reason: "its job name is another execution's record" };
  }
  const rawInput = event.detail.input ?? (await deps.describeInput(executionArn));
  const request = safeJson(rawInput);
  const parsed = executionInput.safeParse(request);
  const trigger = (parsed.success && parsed.data.trigger) || { type: "manual" as const };
  const jobName = await deps.recordName({ executionArn, name });
  const reason = `the execution ended ${status}${event.detail.error ? ` (${event.detail.error}: ${event.detail.cause ? causeMessage(event.detail.cause) : "no cause"})` : ""}`;

  let record = await deps.store.get(jobName);
  if (record && record.executionArn !== executionArn) {
    return { action: "none", reason: `${jobName} belongs to another execution` };
  }
  if (!record) {
    record = await deps.store.create(
      endedWithoutRecord({ executionArn, trigger }, jobName, reason, deps.now()),
    );
  }
  if (record.phase === "published") return { action: "none", reason: "its outcome is published" };

  const error = { Error: `Execution.${status}`, Cause: reason };
  const stop = await operationsFor(record).stop(record, error, deps);
  await deps.store.mutate(jobName, (current) =>
    stopped(current, { reason: "error", error, ...stop }, deps.now()),
  );
  const publication = await publishRecord(jobName, deps);
  return { action: "cleaned", jobName, stopped: stop.stopRequested, publication };
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function connect(runtime: Runtime, config: Config): Deps {
  const sfn = awsClient(runtime, "sfn", (settings) => new SFNClient(settings));
  return {
    ...connectPublisher(runtime, config),
    ...kindGateways(runtime),
    stackName: config.STACK_NAME,
    describeInput: async (executionArn) => {
      try {
        const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return input;
      } catch (error) {
        throw classifyAwsError(error, "describe the ended execution");
      }
    },
    recordName: async (execution) => {
      try {
        return await recordNameOfExecution(sfn, execution);
      } catch (error) {
        throw classifyAwsError(error, "read the ended execution's history");
      }
    },
  };
}

export const executionEnded = defineFunction({
  name: "execution-ended",
  kind: "trigger",
  input: executionEndedSchema,
  settings: workflowConfigSchema,
  connect,
  run: onExecutionEnded,
});
