/**
 * An in-memory Step Functions service (Standard workflows) running executions on the local runner.
 * Request and response fields follow the Step Functions API, with `Date` timestamps.
 */
import { randomUUID } from "node:crypto";
import type { ScaledClock } from "../clock.ts";
import {
  assertValidName,
  executionArn as buildExecutionArn,
  stateMachineArn as buildStateMachineArn,
  parseExecutionArn,
  parseStateMachineArn,
} from "./arns.ts";
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionWaitTimeout,
  InvalidExecutionInput,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  ValidationException,
} from "./errors.ts";
import { LambdaFaults, type LambdaFaultsInput } from "./faults.ts";
import {
  buildExecutionHistory,
  type ExecutionSnapshot,
  type ExecutionStatus,
  type HistoryEvent,
} from "./history.ts";
import { type ExecutionLimits, executionLimits, inputConstraintMessage } from "./limits.ts";
import { paginate } from "./pagination.ts";
import {
  clockOf,
  type LocalRun,
  LocalStateMachineRunner,
  type LocalTaskHandler,
  type RunOutcome,
} from "./runner.ts";
import type { AccountLocation } from "./targets.ts";

export type { ExecutionStatus, HistoryEvent } from "./history.ts";

export const EXECUTION_STATUSES = [
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "ABORTED",
  "TIMED_OUT",
] as const satisfies readonly ExecutionStatus[];

export interface LocalStepFunctionsOptions {
  /** Handlers for Task resources, by key (see `LocalTaskHandlers`); more with `bindHandler`. */
  handlers?: Readonly<Record<string, LocalTaskHandler>>;
  /** How many times faster than real time Wait states and Retry intervals pass; default 1. */
  timeScale?: number;
  /** The simulated clock the executions wait on, shared with a local stack (replaces timeScale). */
  clock?: ScaledClock;
  /** Default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  accountId?: string;
  /**
   * Told of every execution that closes, with its final description, as Step Functions tells
   * EventBridge ("Step Functions Execution Status Change").
   */
  onExecutionClosed?: (execution: ExecutionDescription) => void;
  /** The quotas executions run under; AWS's by default (limits.ts). */
  limits?: Partial<ExecutionLimits>;
  /** Lambda faults to inject from the start; change them later with `lambdaFaults.configure`. */
  lambdaFaults?: LambdaFaultsInput;
}

export interface CreateStateMachineInput {
  name: string;
  /** ASL JSON text, or the parsed object. */
  definition: string | object;
  roleArn?: string;
  type?: "STANDARD";
}

export interface CreateStateMachineOutput {
  stateMachineArn: string;
  creationDate: Date;
}

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: "ACTIVE";
  definition: string;
  roleArn: string;
  type: "STANDARD";
  creationDate: Date;
}

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: "STANDARD";
  creationDate: Date;
}

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  /** JSON text; default "{}". */
  input?: string;
}

export interface StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface ExecutionDescription extends ExecutionListItem {
  input: string;
  inputDetails: { included: true };
  output?: string;
  outputDetails?: { included: true };
  error?: string;
  cause?: string;
}

export interface ListExecutionsInput extends PageRequest {
  stateMachineArn: string;
  statusFilter?: ExecutionStatus;
}

export interface GetExecutionHistoryInput extends PageRequest {
  executionArn: string;
  reverseOrder?: boolean;
  includeExecutionData?: boolean;
}

export interface StopExecutionInput {
  executionArn: string;
  error?: string;
  cause?: string;
}

interface StateMachineRecord extends StateMachineDescription {
  runner: LocalStateMachineRunner;
}

interface ExecutionRecord extends ExecutionSnapshot {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input without insignificant whitespace, to compare start requests. */
  canonicalInput: string;
  run: LocalRun;
  /** Resolves once the execution has closed and its record is final. */
  closed: Promise<void>;
}

const DEFAULT_ROLE_NAME = "irflow-local-stepfunctions";

export class LocalStepFunctions {
  readonly location: AccountLocation;
  /** Lambda functions dying around their work (faults.ts); every state machine of this service. */
  readonly lambdaFaults: LambdaFaults;
  private readonly limits: ExecutionLimits;
  private readonly handlers: Record<string, LocalTaskHandler>;
  private readonly clock: ScaledClock;
  private readonly onExecutionClosed: ((execution: ExecutionDescription) => void) | undefined;
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Execution ARNs per state machine ARN, oldest first. */
  private readonly executionOrder = new Map<string, string[]>();

  constructor(options: LocalStepFunctionsOptions = {}) {
    this.location = {
      region: options.region ?? "us-east-1",
      accountId: options.accountId ?? "000000000000",
    };
    this.handlers = { ...options.handlers };
    this.onExecutionClosed = options.onExecutionClosed;
    this.limits = executionLimits(options.limits);
    this.lambdaFaults = new LambdaFaults(options.lambdaFaults);
    this.clock = clockOf(options);
  }

  /** Binds a Task resource key (function name, function ARN or resource ARN) to a handler. */
  bindHandler(key: string, handler: LocalTaskHandler): void {
    this.handlers[key] = handler;
  }

  /**
   * Creates a state machine. Same name with the same definition and role returns the existing one,
   * as AWS does; a different one throws `StateMachineAlreadyExists`.
   */
  createStateMachine(request: CreateStateMachineInput): CreateStateMachineOutput {
    assertValidName(request.name);
    if (request.type !== undefined && request.type !== "STANDARD") {
      throw new ValidationException(
        `Only STANDARD state machines run locally, not ${request.type}`,
      );
    }
    const definition =
      typeof request.definition === "string"
        ? request.definition
        : JSON.stringify(request.definition);
    const runner = new LocalStateMachineRunner(definition, {
      handlers: this.handlers,
      clock: this.clock,
      ...this.location,
      limits: this.limits,
      faults: this.lambdaFaults,
    });
    const roleArn =
      request.roleArn ?? `arn:aws:iam::${this.location.accountId}:role/${DEFAULT_ROLE_NAME}`;
    const stateMachineArn = buildStateMachineArn(this.location, request.name);

    const existing = this.stateMachines.get(stateMachineArn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) {
        return { stateMachineArn, creationDate: existing.creationDate };
      }
      throw new StateMachineAlreadyExists(`State Machine Already Exists: '${stateMachineArn}'`);
    }
    const creationDate = this.now();
    this.stateMachines.set(stateMachineArn, {
      stateMachineArn,
      name: request.name,
      status: "ACTIVE",
      definition,
      roleArn,
      type: "STANDARD",
      creationDate,
      runner,
    });
    this.executionOrder.set(stateMachineArn, []);
    return { stateMachineArn, creationDate };
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    const { runner: _runner, ...description } = this.stateMachine(stateMachineArn);
    return description;
  }

  listStateMachines(request: PageRequest = {}): {
    stateMachines: StateMachineListItem[];
    nextToken?: string;
  } {
    const all = [...this.stateMachines.values()]
      .map(({ stateMachineArn, name, type, creationDate }) => ({
        stateMachineArn,
        name,
        type,
        creationDate,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(all, request.maxResults, request.nextToken);
    return withNextToken({ stateMachines: page.items }, page.nextToken);
  }

  /**
   * Starts an execution. Reusing a name while that execution runs with the same input returns it
   * (StartExecution is idempotent for Standard workflows); a different input, or a closed
   * execution, throws `ExecutionAlreadyExists`. Input over the payload quota is refused with
   * ValidationException, before anything else is looked at, as AWS checks it.
   */
  startExecution(request: StartExecutionInput): StartExecutionOutput {
    if (
      request.input !== undefined &&
      Buffer.byteLength(request.input, "utf8") > this.limits.payloadBytes
    ) {
      throw new ValidationException(inputConstraintMessage(this.limits.payloadBytes));
    }
    const stateMachine = this.stateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    assertValidName(name);
    const input = request.input ?? "{}";
    const inputKey = canonicalInput(input);
    const executionArn = buildExecutionArn(this.location, stateMachine.name, name);

    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === "RUNNING" && existing.canonicalInput === inputKey) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists(`Execution Already Exists: '${executionArn}'`);
    }

    const startDate = this.now();
    const run = stateMachine.runner.start(JSON.parse(inputKey), {
      executionArn,
      executionName: name,
      stateMachineArn: stateMachine.stateMachineArn,
      stateMachineName: stateMachine.name,
      roleArn: stateMachine.roleArn,
    });
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: stateMachine.stateMachineArn,
      name,
      roleArn: stateMachine.roleArn,
      input,
      canonicalInput: inputKey,
      status: "RUNNING",
      startDate,
      run,
      closed: run.outcome.then((outcome) => {
        recordOutcome(record, outcome, this.now());
        this.onExecutionClosed?.(this.describeExecution(executionArn));
      }),
    };
    this.executions.set(executionArn, record);
    this.executionOrder.get(stateMachine.stateMachineArn)?.push(executionArn);
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const record = this.execution(executionArn);
    return {
      ...listItem(record),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output === undefined
        ? {}
        : { output: record.output, outputDetails: { included: true } }),
      ...(record.error === undefined ? {} : { error: record.error }),
      ...(record.cause === undefined ? {} : { cause: record.cause }),
    };
  }

  /** Lists executions newest first, as AWS does. */
  listExecutions(request: ListExecutionsInput): {
    executions: ExecutionListItem[];
    nextToken?: string;
  } {
    const stateMachine = this.stateMachine(request.stateMachineArn);
    if (request.statusFilter !== undefined && !EXECUTION_STATUSES.includes(request.statusFilter)) {
      throw new ValidationException(`Invalid statusFilter: ${request.statusFilter}`);
    }
    const arns = this.executionOrder.get(stateMachine.stateMachineArn) ?? [];
    const matching = arns
      .toReversed()
      .map((arn) => this.executions.get(arn))
      .filter((record): record is ExecutionRecord => record !== undefined)
      .filter((record) => !request.statusFilter || record.status === request.statusFilter)
      .map(listItem);
    const page = paginate(matching, request.maxResults, request.nextToken);
    return withNextToken({ executions: page.items }, page.nextToken);
  }

  getExecutionHistory(request: GetExecutionHistoryInput): {
    events: HistoryEvent[];
    nextToken?: string;
  } {
    const record = this.execution(request.executionArn);
    const events = buildExecutionHistory(
      record,
      record.run.events,
      request.includeExecutionData ?? true,
    );
    const ordered = request.reverseOrder ? events.toReversed() : events;
    const page = paginate(ordered, request.maxResults, request.nextToken);
    return withNextToken({ events: page.items }, page.nextToken);
  }

  /** Stops a running execution (ABORTED); stopping a closed one changes nothing. */
  stopExecution(request: StopExecutionInput): { stopDate: Date } {
    const record = this.execution(request.executionArn);
    if (record.status !== "RUNNING") return { stopDate: record.stopDate ?? this.now() };
    record.status = "ABORTED";
    record.stopDate = this.now();
    if (request.error !== undefined) record.error = request.error;
    if (request.cause !== undefined) record.cause = request.cause;
    record.run.stop();
    return { stopDate: record.stopDate };
  }

  /** Resolves with the description once the execution closes; for tests and the local stack. */
  async waitForExecution(
    executionArn: string,
    options: { timeoutMs?: number } = {},
  ): Promise<ExecutionDescription> {
    const record = this.execution(executionArn);
    if (options.timeoutMs === undefined) {
      await record.closed;
      return this.describeExecution(executionArn);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ExecutionWaitTimeout(
              `Execution ${executionArn} still ${record.status} after ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs,
      );
    });
    try {
      await Promise.race([record.closed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return this.describeExecution(executionArn);
  }

  /** Stops every running execution and waits for all to close. */
  async close(): Promise<void> {
    for (const record of this.executions.values()) {
      if (record.status === "RUNNING") {
        this.stopExecution({ executionArn: record.executionArn, cause: "Local service closed" });
      }
    }
    await Promise.all([...this.executions.values()].map((record) => record.closed));
  }

  /** The stack's simulated time: executions are stamped with it, as records and events are. */
  private now(): Date {
    return new Date(this.clock.now());
  }

  private stateMachine(stateMachineArn: string): StateMachineRecord {
    parseStateMachineArn(stateMachineArn);
    const record = this.stateMachines.get(stateMachineArn);
    if (!record) {
      throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return record;
  }

  private execution(executionArn: string): ExecutionRecord {
    parseExecutionArn(executionArn);
    const record = this.executions.get(executionArn);
    if (!record) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${executionArn}'`);
    return record;
  }
}

function recordOutcome(record: ExecutionRecord, outcome: RunOutcome, at: Date): void {
  // A stopped execution was closed by stopExecution already.
  if (record.status !== "RUNNING") return;
  record.stopDate = at;
  switch (outcome.status) {
    case "SUCCEEDED":
      record.status = "SUCCEEDED";
      record.output = JSON.stringify(outcome.output ?? null);
      return;
    case "ABORTED":
      record.status = "ABORTED";
      return;
    case "FAILED":
    case "TIMED_OUT":
      record.status = outcome.status;
      record.error = outcome.error;
      record.cause = outcome.cause;
      return;
  }
}

function listItem(record: ExecutionRecord): ExecutionListItem {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    ...(record.stopDate === undefined ? {} : { stopDate: record.stopDate }),
  };
}

/** Input text with insignificant whitespace removed, so equal inputs compare equal. */
function canonicalInput(input: string): string {
  try {
    return JSON.stringify(JSON.parse(input));
  } catch (error) {
    throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${input}'`, {
      cause: error,
    });
  }
}

function withNextToken<T extends object>(body: T, nextToken: string | undefined): T {
  return nextToken === undefined ? body : { ...body, nextToken };
}
