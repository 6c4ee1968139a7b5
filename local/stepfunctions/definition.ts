/**
 * Parsing, validation and local rewriting of Amazon States Language definitions (JSONPath only).
 *
 * The rewrite lets aws-local-stepfunctions run a definition at a time scale and bind Task states
 * by resource rather than by state name:
 * - every Task state's input is wrapped in an envelope naming the state and its `Resource`, so one
 *   dispatcher serves all Task states, nested or not;
 * - every Wait state becomes a Task state on `LOCAL_WAIT_RESOURCE` whose envelope carries the
 *   evaluated `Seconds`/`SecondsPath`/`Timestamp`/`TimestampPath`, because the library's own Wait
 *   override is a fixed number of milliseconds per state name and cannot follow `SecondsPath`;
 * - a Task state's Retry intervals are left to the runner, which waits them out on the simulated
 *   clock (`retryDelayMs`); a Parallel or Map state's are divided by the time scale;
 * - Task timeouts default to the longest delay a timer can hold, as AWS has no 60 s default.
 */
import { createRequire } from "node:module";
import { InvalidDefinition } from "./errors.ts";

export type AslObject = Record<string, unknown>;

/** The parameters a rewritten Task state hands to the local dispatcher. */
export interface TaskEnvelope {
  state: string;
  resource: string;
  payload: unknown;
}

/** What a rewritten Wait state puts in its envelope's payload. */
export interface WaitPayload {
  input: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

/** A state as written in the original definition, for reporting. */
export interface StateInfo {
  type: string;
  resource?: string;
}

export interface PreparedDefinition {
  /** The definition as aws-local-stepfunctions runs it. */
  definition: AslObject;
  /** Names of the Task states in the rewritten definition, nested ones included. */
  taskStateNames: readonly string[];
  /** The original type and resource of each state, by name. */
  states: ReadonlyMap<string, StateInfo>;
}

export const LOCAL_WAIT_RESOURCE = "irflow:local-wait";

/** `setTimeout` fires at once for delays above 2^31 - 1 ms. */
export const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);

const DEFAULT_RETRY_INTERVAL_SECONDS = 1;

interface AslValidationError {
  "Error code": string;
  Message: string;
}

type AslValidator = (
  definition: AslObject,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: AslValidationError[] };

// asl-validator is CommonJS without type declarations.
const requireCommonJs = createRequire(import.meta.url);
const validateAsl = requireCommonJs("asl-validator") as AslValidator;

export function isAslObject(value: unknown): value is AslObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates a definition. Returns a private copy; throws `InvalidDefinition` listing
 * every problem found.
 */
export function parseDefinition(definition: string | object): AslObject {
  let parsed: unknown = definition;
  if (typeof definition === "string") {
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new InvalidDefinition([`Definition is not valid JSON: ${messageOf(error)}`], {
        cause: error,
      });
    }
  }
  if (!isAslObject(parsed) || !isAslObject(parsed.States)) {
    throw new InvalidDefinition(["Definition must be a JSON object with a States object"]);
  }
  const copy = structuredClone(parsed);
  const problems = jsonataProblems(copy);
  if (problems.length > 0) throw new InvalidDefinition(problems);

  const validationProblems = aslProblems(copy);
  if (validationProblems.length > 0) throw new InvalidDefinition(validationProblems);
  return copy;
}

// asl-validator compiles its JSON schemas on every call (a few hundred ms), so remember verdicts.
const MAX_REMEMBERED_VERDICTS = 100;
const rememberedVerdicts = new Map<string, readonly string[]>();

function aslProblems(definition: AslObject): readonly string[] {
  const key = JSON.stringify(definition);
  const remembered = rememberedVerdicts.get(key);
  if (remembered) return remembered;
  let errors: AslValidationError[];
  try {
    // The validator writes QueryLanguage into the states it checks; give it a throwaway copy.
    errors = validateAsl(structuredClone(definition), { checkPaths: true, checkArn: true }).errors;
  } catch (error) {
    throw new InvalidDefinition([`Definition could not be validated: ${messageOf(error)}`], {
      cause: error,
    });
  }
  const problems = errors.map((error) => `${error["Error code"]}: ${error.Message}`);
  if (rememberedVerdicts.size >= MAX_REMEMBERED_VERDICTS) rememberedVerdicts.clear();
  rememberedVerdicts.set(key, problems);
  return problems;
}

/** Rewrites a parsed definition for a local run at `timeScale` (see the module comment). */
export function prepareDefinition(definition: AslObject, timeScale: number): PreparedDefinition {
  const taskStateNames = new Set<string>();
  const states = new Map<string, StateInfo>();

  const rewriteMachine = (machine: AslObject): AslObject => {
    const original = isAslObject(machine.States) ? machine.States : {};
    const rewritten: AslObject = {};
    for (const [name, state] of Object.entries(original)) {
      if (!isAslObject(state)) {
        rewritten[name] = state;
        continue;
      }
      const type = String(state.Type);
      const resource = typeof state.Resource === "string" ? state.Resource : undefined;
      if (!states.has(name)) states.set(name, resource ? { type, resource } : { type });
      if (type === "Task" || type === "Wait") taskStateNames.add(name);
      rewritten[name] = rewriteState(name, state);
    }
    return { ...machine, States: rewritten };
  };

  const rewriteState = (name: string, state: AslObject): AslObject => {
    switch (state.Type) {
      case "Task":
        return rewriteTask(name, state);
      case "Wait":
        return rewriteWait(name, state);
      case "Parallel":
        return {
          ...withScaledRetry(state, timeScale),
          Branches: Array.isArray(state.Branches)
            ? state.Branches.map((branch) =>
                isAslObject(branch) ? rewriteMachine(branch) : branch,
              )
            : state.Branches,
        };
      case "Map": {
        const rewritten = withScaledRetry(state, timeScale);
        for (const key of ["ItemProcessor", "Iterator"]) {
          const machine = state[key];
          if (isAslObject(machine)) rewritten[key] = rewriteMachine(machine);
        }
        return rewritten;
      }
      default:
        return { ...state };
    }
  };

  const rewritten = rewriteMachine(definition);
  if (typeof rewritten.TimeoutSeconds === "number") {
    rewritten.TimeoutSeconds = Math.min(rewritten.TimeoutSeconds, MAX_TIMER_SECONDS);
  }
  return { definition: rewritten, taskStateNames: [...taskStateNames], states };
}

/** Reads the envelope a rewritten Task state passes to the dispatcher. */
export function readTaskEnvelope(value: unknown): TaskEnvelope {
  if (
    !isAslObject(value) ||
    typeof value.state !== "string" ||
    typeof value.resource !== "string"
  ) {
    throw new TypeError("Task input is not a local task envelope");
  }
  return { state: value.state, resource: value.resource, payload: value.payload };
}

function rewriteTask(name: string, state: AslObject): AslObject {
  const { Parameters, ...rest } = state;
  const resource = String(state.Resource);
  const rewritten: AslObject = {
    ...rest,
    Parameters:
      Parameters === undefined
        ? { state: name, resource, "payload.$": "$" }
        : { state: name, resource, payload: Parameters },
  };
  if (typeof state.TimeoutSeconds === "number") {
    rewritten.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_TIMER_SECONDS);
  } else if (state.TimeoutSecondsPath === undefined) {
    rewritten.TimeoutSeconds = MAX_TIMER_SECONDS;
  }
  return rewritten;
}

function rewriteWait(name: string, state: AslObject): AslObject {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type: _type, ...rest } = state;
  const payload: AslObject = { "input.$": "$" };
  if (Seconds !== undefined) payload.seconds = Seconds;
  if (SecondsPath !== undefined) payload["seconds.$"] = SecondsPath;
  if (Timestamp !== undefined) payload.timestamp = Timestamp;
  if (TimestampPath !== undefined) payload["timestamp.$"] = TimestampPath;
  return {
    ...rest,
    Type: "Task",
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: { state: name, resource: LOCAL_WAIT_RESOURCE, payload },
    TimeoutSeconds: MAX_TIMER_SECONDS,
  };
}

/**
 * How long ASL waits before the retry a retrier allows at `attempt` (1 for the first retry):
 * IntervalSeconds x BackoffRate^(attempt - 1), at most MaxDelaySeconds, and with FULL jitter a
 * uniform share of that. `random` is in [0, 1).
 */
export function retryDelayMs(retrier: AslObject, attempt: number, random: number): number {
  const interval =
    typeof retrier.IntervalSeconds === "number"
      ? retrier.IntervalSeconds
      : DEFAULT_RETRY_INTERVAL_SECONDS;
  const backoff = typeof retrier.BackoffRate === "number" ? retrier.BackoffRate : 2;
  let seconds = interval * backoff ** Math.max(0, attempt - 1);
  if (typeof retrier.MaxDelaySeconds === "number") {
    seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  }
  if (retrier.JitterStrategy === "FULL") seconds *= random;
  return seconds * 1000;
}

function withScaledRetry(state: AslObject, timeScale: number): AslObject {
  if (!Array.isArray(state.Retry)) return { ...state };
  const Retry = state.Retry.map((retrier: unknown) => {
    if (!isAslObject(retrier)) return retrier;
    const interval =
      typeof retrier.IntervalSeconds === "number"
        ? retrier.IntervalSeconds
        : DEFAULT_RETRY_INTERVAL_SECONDS;
    const scaled: AslObject = { ...retrier, IntervalSeconds: interval / timeScale };
    if (typeof retrier.MaxDelaySeconds === "number") {
      scaled.MaxDelaySeconds = retrier.MaxDelaySeconds / timeScale;
    }
    return scaled;
  });
  return { ...state, Retry };
}

function jsonataProblems(definition: AslObject): string[] {
  const problems: string[] = [];
  const visitMachine = (machine: AslObject, where: string): void => {
    if (machine.QueryLanguage === "JSONata") {
      problems.push(`${where}: QueryLanguage JSONata is not supported locally (JSONPath only)`);
    }
    const states = isAslObject(machine.States) ? machine.States : {};
    for (const [name, state] of Object.entries(states)) {
      if (!isAslObject(state)) continue;
      if (state.QueryLanguage === "JSONata") {
        problems.push(
          `State ${name}: QueryLanguage JSONata is not supported locally (JSONPath only)`,
        );
      }
      if (Array.isArray(state.Branches)) {
        for (const branch of state.Branches) {
          if (isAslObject(branch)) visitMachine(branch, `State ${name} branch`);
        }
      }
      for (const key of ["ItemProcessor", "Iterator"]) {
        const machine = state[key];
        if (isAslObject(machine)) visitMachine(machine, `State ${name} ${key}`);
      }
    }
  };
  visitMachine(definition, "State machine");
  return problems;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
