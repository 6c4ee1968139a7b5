/**
 * Runs an ASL definition (JSONPath) in process on aws-local-stepfunctions, with Task states bound
 * to local handlers and idle time (Wait states, Retry intervals) shortened by a time scale.
 *
 * Time: Wait states (`Seconds`, `SecondsPath`, and the time left until `Timestamp`/
 * `TimestampPath`) and a Task state's Retry intervals (backoff and jitter included) pass on a
 * simulated clock (../clock.ts): `timeScale: 600` turns a 600 s wait into 1 s while nothing else
 * runs. A running execution holds that clock except while it waits, so its handlers and state
 * transitions take no simulated time, however slow the machine. Time limits stay real: the state
 * machine's and Task states' `TimeoutSeconds` bound handlers that run at real speed.
 *
 * Quotas (limits.ts): a Task input or result, or a state output, over the payload quota fails the
 * execution with `States.DataLimitExceeded`; a history that reaches its quota fails it with
 * `States.Runtime`. Lambda faults (faults.ts) fail a Task after or before its handler runs.
 */
import "./polyfill.ts";
import { randomUUID } from "node:crypto";
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions as LibraryRunOptions,
  StateMachine,
  type StateMachineDefinition,
} from "aws-local-stepfunctions";
import { ClockHold, ScaledClock } from "../clock.ts";
import {
  type AslObject,
  isAslObject,
  LOCAL_WAIT_RESOURCE,
  type PreparedDefinition,
  parseDefinition,
  prepareDefinition,
  readTaskEnvelope,
  retryDelayMs,
  type StateInfo,
  type WaitPayload,
} from "./definition.ts";
import { InvalidRunnerOption } from "./errors.ts";
import type { RunEvent, StateEventFields, TaskEventFields } from "./events.ts";
import type { LambdaFaults } from "./faults.ts";
import { historyEventCount } from "./history.ts";
import {
  DATA_LIMIT_EXCEEDED,
  type ExecutionLimits,
  executionLimits,
  historyLimitCause,
  inputTooLargeCause,
  payloadBytes,
  resultTooLargeCause,
  STATES_RUNTIME,
} from "./limits.ts";
import {
  type AccountLocation,
  lambdaInvokeResult,
  resolveTaskTarget,
  TaskFailure,
} from "./targets.ts";

export type { RunEvent } from "./events.ts";
export { TaskFailure } from "./targets.ts";

/** What a bound handler learns about the invocation, in the spirit of a Lambda context. */
export interface LocalLambdaContext {
  /** The bare function name, or the resource ARN for non-Lambda resources. */
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly stateName: string;
  readonly executionArn: string | undefined;
  /** Aborts when the execution stops, fails, times out or ends. */
  readonly signal: AbortSignal;
}

export type LocalTaskHandler = (input: unknown, context: LocalLambdaContext) => Promise<unknown>;

/**
 * Handlers by key. A Lambda function is looked up by the name or ARN as written, then its full
 * ARN, then its bare name; any other resource by its full `Resource` ARN.
 */
export type LocalTaskHandlers = Readonly<Record<string, LocalTaskHandler>>;

export interface LocalRunnerOptions {
  /** Read at each invocation, so a caller may bind handlers after creating the runner. */
  handlers: LocalTaskHandlers;
  /** How many times faster than real time idle time passes; default 1. Or give `clock`. */
  timeScale?: number;
  /** The simulated clock to wait on, shared with the rest of a local stack. */
  clock?: ScaledClock;
  /** Used to build the ARN of Lambda functions given by name; default us-east-1. */
  region?: string;
  /** Default 000000000000. */
  accountId?: string;
  /** The quotas a run enforces; AWS's by default (limits.ts). */
  limits?: Partial<ExecutionLimits>;
  /** Lambda faults, read at each invocation; none by default. */
  faults?: LambdaFaults;
}

/** The clock a runner or a service waits on: the one given, or its own at `timeScale`. */
export function clockOf(options: { timeScale?: number; clock?: ScaledClock }): ScaledClock {
  if (options.clock && options.timeScale !== undefined) {
    throw new InvalidRunnerOption("Give timeScale or clock, not both");
  }
  if (options.clock) return options.clock;
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new InvalidRunnerOption(`timeScale must be a positive number, got ${timeScale}`);
  }
  return new ScaledClock(timeScale);
}

/** Identity of the execution, exposed to the definition as the Context Object (`$$`). */
export interface LocalRunOptions {
  executionArn?: string;
  executionName?: string;
  stateMachineArn?: string;
  stateMachineName?: string;
  roleArn?: string;
}

export type RunOutcome =
  | { status: "SUCCEEDED"; output: unknown }
  | { status: "FAILED"; error: string; cause: string }
  | { status: "ABORTED" }
  | { status: "TIMED_OUT"; error: "States.Timeout"; cause: string };

export interface LocalRun {
  /** Settles once the execution closes and its events are recorded; never rejects. */
  readonly outcome: Promise<RunOutcome>;
  /** Events so far, in order; grows while the execution runs. */
  readonly events: readonly RunEvent[];
  /** Aborts the execution; in-flight handlers see their `signal` abort. */
  stop(): void;
}

type JsonValue = Parameters<StateMachine["run"]>[0];
type LibraryEvent =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer Event> ? Event : never;
type LibraryTaskHandler = NonNullable<
  NonNullable<LibraryRunOptions["overrides"]>["taskResourceLocalHandlers"]
>[string];

const DEFAULT_LOCATION: AccountLocation = { region: "us-east-1", accountId: "000000000000" };

/** A failure that ends the execution whatever its Retry and Catch fields say. */
interface TerminalFailure {
  error: string;
  cause: string;
}

/**
 * The events of one run, kept within the history quota, and the terminal failure a quota met.
 * Everything recorded passes through `record`, in the order it happened.
 */
class RunLog {
  readonly events: RunEvent[] = [];
  terminal: TerminalFailure | undefined;
  /** Stops the run; set once the library's execution exists. */
  stopRun: () => void = () => undefined;
  private historyEvents = 0;

  constructor(private readonly limits: ExecutionLimits) {}

  record(event: RunEvent): void {
    if (this.terminal) return;
    if (event.type === "StateExited" && payloadBytes(event.output) > this.limits.payloadBytes) {
      this.fail({ error: DATA_LIMIT_EXCEEDED, cause: resultTooLargeCause(event.stateName) });
      return;
    }
    const added = historyEventCount(event);
    // The last event of a full history is the ExecutionFailed that reports it.
    if (this.historyEvents + added > this.limits.historyEvents - 1) {
      this.fail({ error: STATES_RUNTIME, cause: historyLimitCause(this.limits.historyEvents) });
      return;
    }
    this.historyEvents += added;
    this.events.push(event);
  }

  private fail(failure: TerminalFailure): void {
    this.terminal = failure;
    this.stopRun();
  }
}

export class LocalStateMachineRunner {
  /** The definition as given, parsed and validated. */
  readonly definition: AslObject;
  private readonly prepared: PreparedDefinition;
  private readonly machine: StateMachine;
  private readonly handlers: LocalTaskHandlers;
  readonly clock: ScaledClock;
  private readonly location: AccountLocation;
  private readonly limits: ExecutionLimits;
  private readonly faults: LambdaFaults | undefined;
  /** Names runs started without an execution ARN, for the fault draws. */
  private anonymousRuns = 0;

  /** Throws `InvalidDefinition` for a definition AWS would reject or that uses JSONata. */
  constructor(definition: string | object, options: LocalRunnerOptions) {
    this.limits = executionLimits(options.limits);
    this.definition = parseDefinition(definition);
    // Its own clock starts once the definition is read, which may take a while the first time.
    this.clock = clockOf(options);
    this.prepared = prepareDefinition(this.definition, this.clock.timeScale);
    // Validated above, in its original form; the rewrite uses a resource no validator knows.
    this.machine = new StateMachine(this.prepared.definition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    this.handlers = options.handlers;
    this.location = {
      region: options.region ?? DEFAULT_LOCATION.region,
      accountId: options.accountId ?? DEFAULT_LOCATION.accountId,
    };
    this.faults = options.faults;
  }

  /** Runs to the end and returns how the execution closed. */
  run(input: unknown, options: LocalRunOptions = {}): Promise<RunOutcome> {
    return this.start(input, options).outcome;
  }

  /** Starts an execution; `input` must be JSON-serializable. */
  start(input: unknown, options: LocalRunOptions = {}): LocalRun {
    const lifetime = new AbortController();
    const log = new RunLog(this.limits);
    this.anonymousRuns += 1;
    const pendingRetries = new Map<string, number>();
    // Taken before the first state runs (inside run(), synchronously) and let go once it closes.
    const hold = new ClockHold(this.clock);
    const dispatch = this.dispatcher({
      executionArn: options.executionArn,
      execution: options.executionArn ?? `local-run-${this.anonymousRuns}`,
      signal: lifetime.signal,
      log,
      invocations: new Map(),
      hold,
      pendingRetries,
    });
    const byTaskState = <T>(value: T): Record<string, T> =>
      Object.fromEntries(this.prepared.taskStateNames.map((name) => [name, value]));
    let execution: ReturnType<StateMachine["run"]>;
    try {
      execution = this.machine.run(toJson(input), {
        overrides: {
          taskResourceLocalHandlers: byTaskState(dispatch),
          // The dispatcher waits a Task's retry interval out on the simulated clock instead.
          retryIntervalOverrides: byTaskState(0),
        },
        context: contextObject(options),
      });
    } catch (error) {
      hold.release();
      throw error;
    }
    log.stopRun = () => execution.abort();

    const recorded = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === "StateRetried" && event.state.type === "Task") {
          const delay = retryDelayMs(event.retry.retrier, event.retry.attempt, Math.random());
          pendingRetries.set(event.state.name, delay);
        }
        // Stamped when it arrives, on the simulated clock, like every other time of the stack.
        const runEvent = toRunEvent(event, this.prepared.states, new Date(this.clock.now()));
        if (runEvent) log.record(runEvent);
      }
    })();
    const outcome = settle(execution.result).then(async (closed): Promise<RunOutcome> => {
      await recorded.catch(() => undefined);
      hold.release();
      lifetime.abort();
      if (!log.terminal) return closed;
      log.events.push({
        type: "ExecutionFailed",
        timestamp: new Date(this.clock.now()),
        ...log.terminal,
      });
      return { status: "FAILED", ...log.terminal };
    });

    return {
      outcome,
      events: log.events,
      stop: () => {
        execution.abort();
        lifetime.abort();
      },
    };
  }

  private dispatcher(run: {
    executionArn: string | undefined;
    execution: string;
    signal: AbortSignal;
    log: RunLog;
    /** Invocations so far, by state name. */
    invocations: Map<string, number>;
    /** The execution's hold on the clock, let go while it waits. */
    hold: ClockHold;
    /** Simulated milliseconds a Task state waits before its retry, by state name. */
    pendingRetries: Map<string, number>;
  }): LibraryTaskHandler {
    const { executionArn, signal, log, hold } = run;
    return async (envelopeValue) => {
      // The library reaches a Task synchronously (the first one inside run()). Let every event
      // dispatched so far be recorded first, so that start() has returned and a quota met by an
      // earlier event stops the run before another handler starts.
      await new Promise((resolve) => setImmediate(resolve));
      if (log.terminal) throw new TaskFailure(log.terminal.error, log.terminal.cause);
      const envelope = readTaskEnvelope(envelopeValue);
      // By state name: inside a Map, whose items share their states' names, the interval may
      // go to another item's next attempt of the state.
      const retryDelay = run.pendingRetries.get(envelope.state);
      if (retryDelay !== undefined) {
        run.pendingRetries.delete(envelope.state);
        await hold.whileWaiting(() => this.clock.sleep(retryDelay, signal));
      }
      // A stopped execution runs nothing more, though the library may still try a retry.
      if (signal.aborted) throw new TaskFailure("States.Runtime", "The execution was stopped");
      if (envelope.resource === LOCAL_WAIT_RESOURCE) {
        return toJson(await hold.whileWaiting(() => this.wait(envelope.payload, signal)));
      }
      const target = resolveTaskTarget(envelope.resource, envelope.payload, this.location);
      const key = target.handlerKeys.find((candidate) => Object.hasOwn(this.handlers, candidate));
      const handler = key === undefined ? undefined : this.handlers[key];
      if (!handler) {
        throw target.kind === "lambda"
          ? new TaskFailure(
              "Lambda.ResourceNotFoundException",
              `Function not found: ${target.invokedFunctionArn} (no local handler bound)`,
            )
          : new TaskFailure("States.Runtime", `No local handler bound to ${target.resource}`);
      }
      if (payloadBytes(envelope.payload) > this.limits.payloadBytes) {
        throw new TaskFailure(DATA_LIMIT_EXCEEDED, inputTooLargeCause(envelope.state));
      }
      const context: LocalLambdaContext = {
        functionName: target.kind === "lambda" ? target.functionName : target.resource,
        invokedFunctionArn: target.kind === "lambda" ? target.invokedFunctionArn : target.resource,
        awsRequestId: randomUUID(),
        stateName: envelope.state,
        executionArn,
        signal,
      };
      const invocation = (run.invocations.get(envelope.state) ?? 0) + 1;
      run.invocations.set(envelope.state, invocation);
      const call = {
        execution: run.execution,
        state: envelope.state,
        functionName: target.kind === "lambda" ? target.functionName : "",
        invocation,
        requestId: context.awsRequestId,
      };
      const fault = target.kind === "lambda" ? this.faults?.plan(call) : undefined;
      const task = (): TaskEventFields => ({
        timestamp: new Date(this.clock.now()),
        stateName: envelope.state,
        resource: envelope.resource,
        region: this.location.region,
      });

      log.record({ type: "TaskScheduled", parameters: envelope.payload, ...task() });
      log.record({ type: "TaskStarted", ...task() });
      if (fault?.when === "before" && this.faults?.inject(call, fault)) {
        throw new TaskFailure(fault.error, fault.cause);
      }
      let result: unknown;
      try {
        result = await this.clock.work(
          () => handler(structuredClone(target.payload), context),
          hold,
          signal,
        );
      } catch (thrown) {
        throw target.kind === "lambda"
          ? TaskFailure.fromLambda(thrown)
          : TaskFailure.fromThrown(thrown);
      }
      if (fault?.when === "after" && this.faults?.inject(call, fault)) {
        throw new TaskFailure(fault.error, fault.cause);
      }
      const isInvoke = target.kind === "lambda" && target.integration === "invoke";
      const output = toJson(isInvoke ? lambdaInvokeResult(toJson(result)) : result);
      if (payloadBytes(output) > this.limits.payloadBytes) {
        const source = target.kind === "lambda" ? target.invokedFunctionArn : target.resource;
        throw new TaskFailure(DATA_LIMIT_EXCEEDED, resultTooLargeCause(source));
      }
      log.record({ type: "TaskSucceeded", output, ...task() });
      return output;
    };
  }

  private async wait(payload: unknown, signal: AbortSignal): Promise<unknown> {
    const { input, seconds, timestamp }: Partial<WaitPayload> = isAslObject(payload) ? payload : {};
    let waitSeconds: number;
    if (seconds !== undefined) {
      if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
        throw new TaskFailure(
          "States.Runtime",
          `Wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
        );
      }
      waitSeconds = seconds;
    } else {
      const until = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
      if (Number.isNaN(until)) {
        throw new TaskFailure(
          "States.Runtime",
          `Wait timestamp must be an ISO 8601 timestamp, got ${JSON.stringify(timestamp)}`,
        );
      }
      waitSeconds = Math.max(0, (until - this.clock.now()) / 1000);
    }
    await this.clock.sleep(waitSeconds * 1000, signal);
    return input;
  }
}

async function settle(result: Promise<JsonValue>): Promise<RunOutcome> {
  try {
    return { status: "SUCCEEDED", output: await result };
  } catch (error) {
    if (error instanceof ExecutionAbortedError) return { status: "ABORTED" };
    if (error instanceof ExecutionTimeoutError) {
      return {
        status: "TIMED_OUT",
        error: "States.Timeout",
        cause: "The execution ran longer than its TimeoutSeconds",
      };
    }
    const failure = error instanceof ExecutionError ? error.cause : error;
    if (failure instanceof Error) {
      return { status: "FAILED", error: failure.name, cause: failure.message };
    }
    return { status: "FAILED", error: "States.Runtime", cause: causeText(failure) };
  }
}

function contextObject(options: LocalRunOptions): NonNullable<LibraryRunOptions["context"]> {
  const execution: Record<string, string> = {};
  if (options.executionArn) execution.Id = options.executionArn;
  if (options.executionName) execution.Name = options.executionName;
  if (options.roleArn) execution.RoleArn = options.roleArn;
  const stateMachine: Record<string, string> = {};
  if (options.stateMachineArn) stateMachine.Id = options.stateMachineArn;
  if (options.stateMachineName) stateMachine.Name = options.stateMachineName;
  return { Execution: execution, StateMachine: stateMachine };
}

function toRunEvent(
  event: LibraryEvent,
  states: ReadonlyMap<string, StateInfo>,
  timestamp: Date,
): RunEvent | undefined {
  switch (event.type) {
    case "ExecutionStarted":
      return { type: event.type, timestamp, input: event.input };
    case "ExecutionSucceeded":
      return { type: event.type, timestamp, output: event.output };
    case "ExecutionFailed":
      return { type: event.type, timestamp, error: event.Error, cause: causeText(event.Cause) };
    case "ExecutionAborted":
      return { type: event.type, timestamp };
    case "ExecutionTimeout":
      return { type: "ExecutionTimedOut", timestamp };
    case "MapIterationStarted":
    case "MapIterationSucceeded":
      return { type: event.type, timestamp, stateName: event.parentState.name, index: event.index };
    case "MapIterationFailed":
      return {
        type: event.type,
        timestamp,
        stateName: event.parentState.name,
        index: event.index,
        error: event.Error,
        cause: causeText(event.Cause),
      };
    case "ParallelBranchStarted":
    case "ParallelBranchSucceeded":
      return { type: event.type, timestamp, stateName: event.parentState.name };
    case "ParallelBranchFailed":
      return {
        type: event.type,
        timestamp,
        stateName: event.parentState.name,
        error: event.Error,
        cause: causeText(event.Cause),
      };
  }
  const info = states.get(event.state.name);
  const fields: StateEventFields = {
    timestamp,
    stateName: event.state.name,
    stateType: info?.type ?? event.state.type,
    ...(info?.resource === undefined ? {} : { resource: info.resource }),
    ...(event.index === undefined ? {} : { iteration: event.index }),
  };
  switch (event.type) {
    case "StateEntered":
      return { type: event.type, input: event.state.input, ...fields };
    case "StateExited":
      return { type: event.type, output: event.state.output ?? null, ...fields };
    case "StateFailed":
      return { type: event.type, error: event.Error, cause: causeText(event.Cause), ...fields };
    case "StateRetried":
      return { type: event.type, attempt: event.retry.attempt, ...fields };
    case "StateCaught":
      return { type: event.type, next: event.catch.catcher.Next, ...fields };
  }
  return undefined;
}

function causeText(cause: unknown): string {
  if (typeof cause === "string") return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? "";
}

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
