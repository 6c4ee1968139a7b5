/**
 * Starts a state machine execution at most once per name: the one start path of the CLI and the
 * triggers.
 *
 * What Step Functions answers for a name already in use (Standard workflows):
 * - the execution of that name is running with the same input: StartExecution succeeds and returns
 *   that execution, exactly as it answers a new start. Neither its answer nor DescribeExecution
 *   tells a new execution from a repeated request, so the result says `accepted` for both;
 * - it has closed, or it runs with another input: StartExecution fails with ExecutionAlreadyExists.
 *   The execution is then described and adopted (`already-started`) when its input equals the
 *   requested one as canonical JSON (key order does not matter); otherwise it is a `conflict`.
 * In every case at most one execution of the name exists, and the result carries its ARN.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { canonicalJson } from "../spec/canonical.ts";

export interface ExecutionRequest {
  stateMachineArn: string;
  name: string;
  /** The execution input, a JSON value; serialized here. */
  input: unknown;
}

export type ExecutionStart =
  /** Step Functions accepted the start: it started the execution now, or it was already running
   *  with this input. */
  | { outcome: "accepted"; executionArn: string }
  /** The execution of that name exists with this input; `status` is its status when described. */
  | { outcome: "already-started"; executionArn: string; status: string }
  /** The execution of that name exists with another input, or one that cannot be read. */
  | { outcome: "conflict"; executionArn: string; status: string };

export async function startExecutionOnce(
  sfn: Pick<SFNClient, "send">,
  request: ExecutionRequest,
): Promise<ExecutionStart> {
  const input = JSON.stringify(request.input);
  let executionArn: string | undefined;
  try {
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: request.stateMachineArn,
        name: request.name,
        input,
      }),
    );
    executionArn = started.executionArn;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return adopt(sfn, executionArnFor(request.stateMachineArn, request.name, error), input);
  }
  if (!executionArn) throw new Error(`StartExecution of ${request.name} returned no executionArn`);
  return { outcome: "accepted", executionArn };
}

async function adopt(
  sfn: Pick<SFNClient, "send">,
  executionArn: string,
  input: string,
): Promise<ExecutionStart> {
  const existing = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const status = existing.status ?? "UNKNOWN";
  const arn = existing.executionArn ?? executionArn;
  return sameJson(existing.input, input)
    ? { outcome: "already-started", executionArn: arn, status }
    : { outcome: "conflict", executionArn: arn, status };
}

const STATE_MACHINE_ARN = /^(arn:[^:]+:states:[^:]*:[^:]*):stateMachine:([^:]+)(?::[^:]+)?$/;

/**
 * The ARN Step Functions gives the named execution of a Standard state machine; a version or alias
 * qualifier on the state machine ARN does not appear in it.
 */
export function executionArnFor(stateMachineArn: string, name: string, cause?: unknown): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) {
    throw new Error(
      `stateMachineArn '${stateMachineArn}' is not a state machine ARN, so the execution ${name} cannot be described`,
      { cause },
    );
  }
  return `${match[1]}:execution:${match[2]}:${name}`;
}

function sameJson(existing: string | undefined, requested: string): boolean {
  if (existing === undefined) return false;
  try {
    return canonicalJson(JSON.parse(existing)) === canonicalJson(JSON.parse(requested));
  } catch {
    return false;
  }
}
