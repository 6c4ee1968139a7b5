/**
 * Execution history in the shape of the GetExecutionHistory response: a simplified event list
 * (no TaskScheduled/TaskStarted/TaskSucceeded), with AWS event types and detail field names.
 */
import type { RunEvent } from "./runner.ts";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

/** What the history needs to know about the execution itself. */
export interface ExecutionSnapshot {
  input: string;
  roleArn: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [details: `${string}EventDetails`]: Record<string, unknown>;
}

const NOT_TRUNCATED = { truncated: false };
const STATES_INTEGRATION = /^arn:aws[a-z-]*:states:::([^:]+):(.+)$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:/;

/**
 * Builds the history from the runner's events. The execution's own start and close events come
 * from the snapshot, which is what DescribeExecution reports too.
 */
export function buildExecutionHistory(
  execution: ExecutionSnapshot,
  events: readonly RunEvent[],
  includeExecutionData = true,
): HistoryEvent[] {
  const data = (field: string, value: unknown): Record<string, unknown> =>
    includeExecutionData ? { [field]: value, [`${field}Details`]: NOT_TRUNCATED } : {};

  const entries: Array<Omit<HistoryEvent, "id" | "previousEventId">> = [
    {
      timestamp: execution.startDate,
      type: "ExecutionStarted",
      executionStartedEventDetails: {
        ...data("input", execution.input),
        roleArn: execution.roleArn,
      },
    },
  ];

  for (const event of events) {
    switch (event.type) {
      case "StateEntered":
        entries.push({
          timestamp: event.timestamp,
          type: `${event.stateType}StateEntered`,
          stateEnteredEventDetails: { name: event.stateName, ...data("input", json(event.input)) },
        });
        break;
      case "StateExited":
        entries.push({
          timestamp: event.timestamp,
          type: `${event.stateType}StateExited`,
          stateExitedEventDetails: { name: event.stateName, ...data("output", json(event.output)) },
        });
        break;
      case "StateFailed":
        if (event.stateType === "Task") {
          entries.push({ timestamp: event.timestamp, ...taskFailed(event.resource, event) });
        }
        break;
      case "MapIterationStarted":
      case "MapIterationSucceeded":
      case "MapIterationFailed": {
        const detailsField: `${string}EventDetails` = `mapIteration${event.type.slice("MapIteration".length)}EventDetails`;
        const details: Record<`${string}EventDetails`, Record<string, unknown>> = {
          [detailsField]: { name: event.stateName, index: event.index },
        };
        entries.push({ timestamp: event.timestamp, type: event.type, ...details });
        break;
      }
      default:
        // Execution events come from the snapshot; retries, catches and branches have no
        // event of their own in AWS.
        break;
    }
  }

  const closing = closingEvent(execution);
  if (closing) entries.push(closing);
  return entries.map((entry, index) => ({ ...entry, id: index + 1, previousEventId: index }));
}

function closingEvent(
  execution: ExecutionSnapshot,
): Omit<HistoryEvent, "id" | "previousEventId"> | undefined {
  const timestamp = execution.stopDate ?? new Date();
  const errorDetails = {
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
  };
  switch (execution.status) {
    case "RUNNING":
      return undefined;
    case "SUCCEEDED":
      return {
        timestamp,
        type: "ExecutionSucceeded",
        executionSucceededEventDetails: {
          output: execution.output ?? "null",
          outputDetails: NOT_TRUNCATED,
        },
      };
    case "FAILED":
      return { timestamp, type: "ExecutionFailed", executionFailedEventDetails: errorDetails };
    case "ABORTED":
      return { timestamp, type: "ExecutionAborted", executionAbortedEventDetails: errorDetails };
    case "TIMED_OUT":
      return {
        timestamp,
        type: "ExecutionTimedOut",
        executionTimedOutEventDetails: errorDetails,
      };
  }
}

function taskFailed(
  resource: string | undefined,
  failure: { error: string; cause: string },
): Pick<HistoryEvent, "type"> & Record<`${string}EventDetails`, Record<string, unknown>> {
  const { error, cause } = failure;
  if (resource && LAMBDA_FUNCTION_ARN.test(resource)) {
    return { type: "LambdaFunctionFailed", lambdaFunctionFailedEventDetails: { error, cause } };
  }
  const integration = resource ? STATES_INTEGRATION.exec(resource) : null;
  return {
    type: "TaskFailed",
    taskFailedEventDetails: {
      resourceType: integration?.[1] ?? "local",
      resource: integration?.[2] ?? resource ?? "unknown",
      error,
      cause,
    },
  };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
