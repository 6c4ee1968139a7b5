/**
 * What the trigger cores share: their dependencies, the execution input they build, and the start.
 *
 * A trigger names its execution after what it runs, so a second delivery of the same event (or a
 * second tick in the same window) asks for the same name and starts nothing new; the start itself,
 * and what it reports for a name already in use, is src/execution/start.ts.
 */
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { SFNClient } from "@aws-sdk/client-sfn";
import { classifyAwsError } from "../errors.ts";
import { type ExecutionStart, startExecutionOnce } from "../execution/start.ts";
import type { TriggerConfig } from "./config.ts";

/** What a trigger core needs: its clients, the state machine and the trigger configuration. */
export interface TriggerDeps {
  sagemaker: SageMakerClient;
  sfn: SFNClient;
  stateMachineArn: string;
  config: TriggerConfig;
}

import type { ExecutionInput } from "../workflow/execution-input.ts";

/** The execution input, as the ValidateSpec step reads it (its `request`). */
export type { ExecutionInput };

export type StartResult = ExecutionStart & { executionName: string };

/** Starts the named execution once; throttling and server errors become TransientAwsError. */
export async function startWorkflow(
  deps: Pick<TriggerDeps, "sfn" | "stateMachineArn">,
  executionName: string,
  input: ExecutionInput,
): Promise<StartResult> {
  try {
    const start = await startExecutionOnce(deps.sfn, {
      stateMachineArn: deps.stateMachineArn,
      name: executionName,
      input,
    });
    return { ...start, executionName };
  } catch (error) {
    throw classifyAwsError(error, `start execution ${executionName}`);
  }
}
