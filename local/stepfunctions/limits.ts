/**
 * The Step Functions quotas a local run enforces, as AWS does for Standard workflows:
 * - execution input over 256 KiB (262,144 bytes of UTF-8): StartExecution answers
 *   ValidationException;
 * - a Task's effective input or result, or a state's output, over 256 KiB: the execution fails
 *   with `States.DataLimitExceeded`, which no `States.ALL` retrier or catcher matches;
 * - 25,000 events in the execution history: the execution fails with `States.Runtime`, its
 *   ExecutionFailed event being event 25,000.
 */
import { InvalidRunnerOption } from "./errors.ts";

export interface ExecutionLimits {
  /** Largest execution input, state input or output and Task result, in UTF-8 bytes. */
  payloadBytes: number;
  /** Most events an execution history holds, its closing event included. */
  historyEvents: number;
}

export const AWS_EXECUTION_LIMITS: Readonly<ExecutionLimits> = {
  payloadBytes: 262_144,
  historyEvents: 25_000,
};

/** The limits with `overrides` applied; each must be a positive integer. */
export function executionLimits(overrides: Partial<ExecutionLimits> = {}): ExecutionLimits {
  const limits = { ...AWS_EXECUTION_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidRunnerOption(`limits.${name} must be a positive integer, got ${value}`);
    }
  }
  return limits;
}

/** The size Step Functions counts for a JSON value: the UTF-8 bytes of its JSON text. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

export const DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
export const STATES_RUNTIME = "States.Runtime";

/** AWS's cause when a state or Task result is over the payload quota. */
export function resultTooLargeCause(stateOrResource: string): string {
  return `The state/task '${stateOrResource}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

/** The cause for a Task whose input, after Parameters, is over the payload quota. */
export function inputTooLargeCause(stateName: string): string {
  return `The state/task '${stateName}' has an input with a size exceeding the maximum number of bytes service limit.`;
}

/** AWS's cause when an execution reaches the history quota. */
export function historyLimitCause(historyEvents: number): string {
  return `The execution reached the maximum number of history events (${historyEvents}).`;
}

/** StartExecution's message for input over the quota (the value is not echoed: it is sensitive). */
export function inputConstraintMessage(limitBytes: number): string {
  return `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to ${limitBytes} bytes in UTF-8 encoding`;
}
