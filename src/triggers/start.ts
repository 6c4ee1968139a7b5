/**
 * Execution names and starts, shared by the triggers.
 *
 * A trigger names its execution after what it runs, so a second delivery of the same event (or a
 * second tick in the same window) asks for the same name: Step Functions returns the running
 * execution for the same name and input, and refuses the name with ExecutionAlreadyExists once it
 * has finished. Either way nothing new starts.
 */
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { classifyAwsError } from "../errors.ts";
import { canonicalJson, sha256Hex } from "../spec/canonical.ts";
import type { SpecIssue } from "../spec/rules.ts";
import { validateSpec } from "../spec/validate.ts";
import type { Trigger } from "../workflow/record.ts";
import type { TriggerConfig } from "./config.ts";

export const EXECUTION_NAME_MAX = 80;
const HASH_LENGTH = 10;

/** What a trigger core needs: its clients, the state machine and the trigger configuration. */
export interface TriggerDeps {
  sagemaker: SageMakerClient;
  sfn: SFNClient;
  stateMachineArn: string;
  config: TriggerConfig;
}

/** The execution input, as functions/validate-spec.ts reads it. */
export interface ExecutionInput {
  spec: unknown;
  trigger: Trigger;
  /** Problems found before the workflow: the workflow rejects the spec with them. */
  precheckErrors?: SpecIssue[];
}

export type StartResult =
  | { started: true; executionName: string; executionArn: string }
  | { started: false; reason: "duplicate"; executionName: string; executionArn?: string };

/**
 * Starts the execution, or reports the name as already used: ExecutionAlreadyExists once that
 * execution has finished (or its input differs), and, while it runs with the same input, the
 * running execution itself, which StartExecution returns as if it had started it. Such an answer is
 * told apart by its start date, earlier than the request: a delivery racing the first one within
 * the same instant reports `started` too, yet no second execution exists either way.
 */
export async function startWorkflow(
  deps: Pick<TriggerDeps, "sfn" | "stateMachineArn">,
  executionName: string,
  input: ExecutionInput,
): Promise<StartResult> {
  const requestedAt = Date.now();
  try {
    const started = await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name: executionName,
        input: JSON.stringify(input),
      }),
    );
    const executionArn = started.executionArn ?? "";
    if (started.startDate && started.startDate.getTime() < requestedAt) {
      return { started: false, reason: "duplicate", executionName, executionArn };
    }
    return { started: true, executionName, executionArn };
  } catch (error) {
    if (error instanceof Error && error.name === "ExecutionAlreadyExists") {
      return { started: false, reason: "duplicate", executionName };
    }
    throw classifyAwsError(error, `start execution ${executionName}`);
  }
}

// Names -----------------------------------------------------------------------------------------

/** The first characters of the spec's hash: validateSpec's specHash, or of the canonical spec. */
export function specHashPrefix(spec: unknown): string {
  const result = validateSpec(spec);
  const hash = result.valid ? result.specHash : sha256Hex(canonicalJson(spec));
  return hash.slice(0, HASH_LENGTH);
}

/** `registry-<group>-v<version>-<hash>`, the group shortened when the whole would pass 80. */
export function registryExecutionName(group: string, version: number, spec: unknown): string {
  return boundedName("registry", group, `v${version}-${specHashPrefix(spec)}`);
}

/** `schedule-<target label>-<window>`, the label shortened when the whole would pass 80. */
export function scheduleExecutionName(label: string, window: string): string {
  return boundedName("schedule", label, window);
}

/** Only [A-Za-z0-9-_], at most 80 characters, the prefix and suffix always whole. */
function boundedName(prefix: string, middle: string, suffix: string): string {
  const head = sanitize(prefix);
  const tail = sanitize(suffix);
  const room = EXECUTION_NAME_MAX - head.length - tail.length - 2;
  const body = sanitize(middle).slice(0, Math.max(0, room)).replace(/-+$/, "");
  return [head, body || "x", tail].filter((part) => part.length > 0).join("-");
}

function sanitize(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
}
