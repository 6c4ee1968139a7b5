/**
 * Execution history in the shape of the GetExecutionHistory response, with AWS event types and
 * detail field names: state entered and exited, each Lambda or Task invocation scheduled, started,
 * succeeded, failed or timed out, Map iterations, and the execution's own start and close.
 * Retries, catches and Parallel branches have no event of their own, as in AWS.
 */
import type { RunEvent } from "./events.ts";

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

type HistoryEntry = Omit<HistoryEvent, "id" | "previousEventId">;
type Details = Record<`${string}EventDetails`, Record<string, unknown>>;
/** A data field and its `...Details`, or nothing when execution data is left out. */
type DataField = (field: string, value: () => unknown) => Record<string, unknown>;

const NOT_TRUNCATED = { truncated: false };
const STATES_INTEGRATION = /^arn:aws[a-z-]*:states:::([^:]+):(.+)$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:/;
const STATES_TIMEOUT = "States.Timeout";

/**
 * Builds the history from the runner's events. The execution's own start and close events come
 * from the snapshot, which is what DescribeExecution reports too.
 */
export function buildExecutionHistory(
  execution: ExecutionSnapshot,
  events: readonly RunEvent[],
  includeExecutionData = true,
): HistoryEvent[] {
  const data = dataField(includeExecutionData);
  const entries: HistoryEntry[] = [
    {
      timestamp: execution.startDate,
      type: "ExecutionStarted",
      executionStartedEventDetails: {
        ...data("input", () => execution.input),
        roleArn: execution.roleArn,
      },
    },
  ];
  for (const event of events) entries.push(...historyEntries(event, data));
  const closing = closingEvent(execution);
  if (closing) entries.push(closing);
  return entries.map((entry, index) => ({ ...entry, id: index + 1, previousEventId: index }));
}

/**
 * How many events `event` adds to the execution history. The execution's start counts one; its
 * close counts none here, since the closing event comes from the execution itself.
 */
export function historyEventCount(event: RunEvent): number {
  switch (event.type) {
    case "ExecutionStarted":
      return 1;
    case "ExecutionSucceeded":
    case "ExecutionFailed":
    case "ExecutionAborted":
    case "ExecutionTimedOut":
      return 0;
    default:
      return historyEntries(event, dataField(false)).length;
  }
}

function historyEntries(event: RunEvent, data: DataField): HistoryEntry[] {
  const { timestamp } = event;
  switch (event.type) {
    case "StateEntered":
      return [
        {
          timestamp,
          type: `${event.stateType}StateEntered`,
          stateEnteredEventDetails: {
            name: event.stateName,
            ...data("input", () => json(event.input)),
          },
        },
      ];
    case "StateExited":
      return [
        {
          timestamp,
          type: `${event.stateType}StateExited`,
          stateExitedEventDetails: {
            name: event.stateName,
            ...data("output", () => json(event.output)),
          },
        },
      ];
    case "StateFailed":
      return event.stateType === "Task"
        ? [{ timestamp, ...taskFailed(event.resource, event) }]
        : [];
    case "TaskScheduled":
      return [{ timestamp, ...taskScheduled(event.resource, event, data) }];
    case "TaskStarted":
      return [{ timestamp, ...taskStarted(event.resource) }];
    case "TaskSucceeded":
      return [{ timestamp, ...taskSucceeded(event.resource, event, data) }];
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed": {
      const detailsField: `${string}EventDetails` = `mapIteration${event.type.slice("MapIteration".length)}EventDetails`;
      const details: Details = { [detailsField]: { name: event.stateName, index: event.index } };
      return [{ timestamp, type: event.type, ...details }];
    }
    default:
      // Execution events come from the snapshot; retries, catches and branches have no event
      // of their own in AWS.
      return [];
  }
}

function closingEvent(execution: ExecutionSnapshot): HistoryEntry | undefined {
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

type TaskEvent = Pick<HistoryEvent, "type"> & Details;

/** A Lambda function ARN as `Resource` reports as LambdaFunction*; anything else as Task*. */
function isLambdaResource(resource: string | undefined): boolean {
  return resource !== undefined && LAMBDA_FUNCTION_ARN.test(resource);
}

function integration(resource: string | undefined): { resourceType: string; resource: string } {
  const match = resource ? STATES_INTEGRATION.exec(resource) : null;
  return { resourceType: match?.[1] ?? "local", resource: match?.[2] ?? resource ?? "unknown" };
}

function taskScheduled(
  resource: string,
  event: { parameters: unknown; region: string },
  data: DataField,
): TaskEvent {
  if (isLambdaResource(resource)) {
    return {
      type: "LambdaFunctionScheduled",
      lambdaFunctionScheduledEventDetails: {
        resource,
        ...data("input", () => json(event.parameters)),
      },
    };
  }
  return {
    type: "TaskScheduled",
    taskScheduledEventDetails: {
      ...integration(resource),
      region: event.region,
      ...data("parameters", () => json(event.parameters)),
    },
  };
}

function taskStarted(resource: string): TaskEvent {
  if (isLambdaResource(resource)) return { type: "LambdaFunctionStarted" };
  return { type: "TaskStarted", taskStartedEventDetails: integration(resource) };
}

function taskSucceeded(resource: string, event: { output: unknown }, data: DataField): TaskEvent {
  const output = data("output", () => json(event.output));
  if (isLambdaResource(resource)) {
    return { type: "LambdaFunctionSucceeded", lambdaFunctionSucceededEventDetails: output };
  }
  return {
    type: "TaskSucceeded",
    taskSucceededEventDetails: { ...integration(resource), ...output },
  };
}

function taskFailed(
  resource: string | undefined,
  failure: { error: string; cause: string },
): TaskEvent {
  const { error, cause } = failure;
  const timedOut = error === STATES_TIMEOUT;
  if (isLambdaResource(resource)) {
    return timedOut
      ? { type: "LambdaFunctionTimedOut", lambdaFunctionTimedOutEventDetails: { error, cause } }
      : { type: "LambdaFunctionFailed", lambdaFunctionFailedEventDetails: { error, cause } };
  }
  const details = { ...integration(resource), error, cause };
  return timedOut
    ? { type: "TaskTimedOut", taskTimedOutEventDetails: details }
    : { type: "TaskFailed", taskFailedEventDetails: details };
}

function dataField(includeExecutionData: boolean): DataField {
  return (field, value) =>
    includeExecutionData ? { [field]: value(), [`${field}Details`]: NOT_TRUNCATED } : {};
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
