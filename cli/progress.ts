/**
 * Following an execution: `progressLines` turns execution history events into one line per step
 * (a pure function, so it is tested on fixture histories), and `followExecution` polls
 * GetExecutionHistory and prints the lines of new events until the execution closes.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { causeMessage } from "../src/errors.ts";

interface ErrorDetails {
  error?: string | undefined;
  cause?: string | undefined;
}

/** The part of a GetExecutionHistory event the follower reads; SDK events fit it. */
export interface ProgressEvent {
  id?: number | undefined;
  type?: string | undefined;
  stateEnteredEventDetails?: { name?: string | undefined; input?: string | undefined } | undefined;
  stateExitedEventDetails?: { name?: string | undefined; output?: string | undefined } | undefined;
  lambdaFunctionFailedEventDetails?: ErrorDetails | undefined;
  taskFailedEventDetails?: ErrorDetails | undefined;
  executionFailedEventDetails?: ErrorDetails | undefined;
  executionAbortedEventDetails?: ErrorDetails | undefined;
  executionTimedOutEventDetails?: ErrorDetails | undefined;
}

/** The workflow's state, as the Task states leave it (see statemachine/irflow.asl.json). */
interface WorkflowState {
  job?: {
    valid?: boolean;
    jobName?: string;
    kind?: string;
    jobType?: string;
    deadlineSeconds?: number;
    errorCount?: number;
  };
  poll?: {
    status?: string;
    waitSeconds?: number;
    deadlinePassed?: boolean;
    pollCount?: number;
    jobArn?: string;
  };
  slot?: {
    granted?: boolean;
    waitSeconds?: number;
    position?: number;
    queueTimedOut?: boolean;
    overBudget?: boolean;
  };
  result?: { outcome?: string };
  published?: { outcome?: string; eventId?: string };
  error?: { Error?: string; Cause?: string };
}

const TERMINAL_JOB_STATUSES = new Set(["COMPLETED", "FAILED", "STOPPED", "DELETING", "DELETED"]);

export const CLOSING_EVENTS = new Set([
  "ExecutionSucceeded",
  "ExecutionFailed",
  "ExecutionAborted",
  "ExecutionTimedOut",
]);

/**
 * One line per step that happened, in order. Lines depend only on earlier events, so the lines of
 * a history's prefix are a prefix of its lines: a poller prints the lines past those it printed.
 */
export function progressLines(events: readonly ProgressEvent[]): string[] {
  const lines: string[] = [];
  let task = "a step";
  for (const event of events) {
    switch (event.type) {
      case "TaskStateEntered":
        task = event.stateEnteredEventDetails?.name ?? task;
        break;
      case "TaskStateExited": {
        const name = event.stateExitedEventDetails?.name ?? "";
        const line = taskLine(name, parseState(event.stateExitedEventDetails?.output));
        if (line) lines.push(line);
        break;
      }
      case "LambdaFunctionFailed":
      case "TaskFailed": {
        const details = event.lambdaFunctionFailedEventDetails ?? event.taskFailedEventDetails;
        lines.push(`${task} failed: ${errorText(details)}`);
        break;
      }
      case "ExecutionSucceeded":
        lines.push("execution SUCCEEDED");
        break;
      case "ExecutionFailed":
        lines.push(`execution FAILED: ${errorText(event.executionFailedEventDetails)}`);
        break;
      case "ExecutionAborted":
        lines.push(`execution ABORTED${suffix(event.executionAbortedEventDetails)}`);
        break;
      case "ExecutionTimedOut":
        lines.push(`execution TIMED_OUT${suffix(event.executionTimedOutEventDetails)}`);
        break;
      default:
        break;
    }
  }
  return lines;
}

function taskLine(name: string, state: WorkflowState | undefined): string | undefined {
  switch (name) {
    case "ValidateSpec": {
      const job = state?.job;
      if (!job) return "validated spec";
      if (job.valid === false) {
        const count = job.errorCount ?? 0;
        return `rejected spec: ${count} error${count === 1 ? "" : "s"} (record ${job.jobName ?? "?"})`;
      }
      const details = [
        job.kind && job.kind !== "inference-recommendation" ? job.kind : job.jobType,
        job.deadlineSeconds ? `deadline ${duration(job.deadlineSeconds)}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      return `validated spec -> job ${job.jobName ?? "?"}${details ? ` (${details})` : ""}`;
    }
    case "AcquireSlot": {
      const slot = state?.slot;
      if (!slot) return undefined;
      if (slot.granted) return "took a job slot";
      if (slot.queueTimedOut) return "no job slot came free within the queue deadline";
      if (slot.overBudget)
        return "the job's cost estimate would go over the month's tuning budget; no job created";
      return `waiting for a job slot (position ${(slot.position ?? 0) + 1}), next look in ${slot.waitSeconds ?? "?"} s`;
    }
    case "CreateJob":
      return `created job ${state?.poll?.jobArn ?? ""}`.trimEnd();
    case "DescribeJob": {
      const poll = state?.poll;
      if (!poll) return undefined;
      const status = poll.status ?? "UNKNOWN";
      const count = poll.pollCount ?? "?";
      if (TERMINAL_JOB_STATUSES.has(status)) return `job ${status} (poll ${count})`;
      if (poll.deadlinePassed) return `polling (${count}): ${status}, deadline passed`;
      return `polling (${count}): ${status}, next poll in ${poll.waitSeconds ?? "?"} s`;
    }
    case "SelectRecommendation":
      if (state?.result?.outcome === "selected") return "ranked the recommendations";
      if (state?.result?.outcome === "measured") return "read the existing endpoint's measurements";
      return `no recommendation to select (outcome ${state?.result?.outcome ?? "unknown"})`;
    case "DiagnoseFailure":
      return "diagnosed the job's failure";
    case "StopJobAtDeadline":
      return "deadline passed: stopped the job";
    case "StopJobAfterError": {
      const error = state?.error;
      return `${error?.Error ?? "a step"} failed: ${causeMessage(error?.Cause)}; the job is stopped if it ran`;
    }
    case "PublishOutcome": {
      const published = state?.published;
      return `published the ${published?.outcome ?? "outcome"} event${published?.eventId ? ` ${published.eventId}` : ""}`;
    }
    default:
      return `${name} done`;
  }
}

function parseState(text: string | undefined): WorkflowState | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as WorkflowState) : undefined;
  } catch {
    return undefined;
  }
}

function errorText(details: ErrorDetails | undefined): string {
  const error = details?.error ?? "Error";
  return details?.cause ? `${error}: ${causeMessage(details.cause)}` : error;
}

function suffix(details: ErrorDetails | undefined): string {
  return details?.error || details?.cause ? `: ${errorText(details)}` : "";
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export interface FollowOptions {
  sfn: SFNClient;
  executionArn: string;
  /** Called with each new progress line, without a newline. */
  onLine: (line: string) => void;
  /** Time between polls of the history (default 2000 ms). */
  intervalMs?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

/** Prints progress until the execution closes, and returns its final description. */
export async function followExecution(
  options: FollowOptions,
): Promise<DescribeExecutionCommandOutput> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((done) => setTimeout(done, ms)));
  const events: HistoryEvent[] = [];
  let printed = 0;
  for (;;) {
    const fresh = await newEvents(options.sfn, options.executionArn, events.at(-1)?.id ?? 0);
    events.push(...fresh);
    const lines = progressLines(events);
    for (const line of lines.slice(printed)) options.onLine(line);
    printed = lines.length;
    if (fresh.some((event) => CLOSING_EVENTS.has(event.type ?? ""))) {
      return options.sfn.send(new DescribeExecutionCommand({ executionArn: options.executionArn }));
    }
    await sleep(options.intervalMs ?? 2000);
  }
}

/**
 * The events after `lastId`, oldest first. Reads the history newest first and stops at the first
 * event already seen, so a long execution costs one page per poll.
 */
async function newEvents(
  sfn: SFNClient,
  executionArn: string,
  lastId: number,
): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        includeExecutionData: true,
        maxResults: 100,
        nextToken,
      }),
    );
    for (const event of page.events ?? []) {
      const id = event.id ?? 0;
      if (id <= lastId) return fresh.reverse();
      // A page boundary can repeat events that arrived meanwhile; keep ids strictly decreasing.
      const previous = fresh.at(-1)?.id;
      if (previous === undefined || id < previous) fresh.push(event);
    }
    nextToken = page.nextToken;
    if (!nextToken) return fresh.reverse();
  }
}
