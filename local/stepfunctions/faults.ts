/**
 * Lambda functions that die around their work: the handler runs (its writes and calls happen),
 * then the Task fails as AWS reports a dead function, so the workflow sees a failure although the
 * side effect took place; or the function dies before its handler runs.
 *
 * - `Lambda.Unknown`: the runtime exited (out of memory, a crash) without an error type;
 * - `Sandbox.Timedout`: the function ran past its own timeout;
 * - `States.Timeout`: the Task ran past its `TimeoutSeconds`, and Step Functions stopped waiting.
 *
 * A draw is a pure function of the seed, the execution, the state and how many times that state
 * has been invoked in that execution, so an execution meets the same faults however many others
 * run beside it.
 */
import { createHash } from "node:crypto";
import * as z from "zod";

export const LAMBDA_FAULT_ERRORS = [
  "Lambda.Unknown",
  "Sandbox.Timedout",
  "States.Timeout",
] as const;
export type LambdaFaultError = (typeof LAMBDA_FAULT_ERRORS)[number];

/** When the function dies: after its handler returned, or before the handler ran. */
export const LAMBDA_FAULT_MOMENTS = ["after", "before"] as const;
export type LambdaFaultMoment = (typeof LAMBDA_FAULT_MOMENTS)[number];

/** The function timeout a `Sandbox.Timedout` cause reports. */
const FUNCTION_TIMEOUT_SECONDS = 60;

export const lambdaFaultsSchema = z.strictObject({
  seed: z.string().default("irflow"),
  /**
   * Rules tried in order for every Lambda invocation; the first whose draw falls within its rate
   * applies. A rule without `state` or `function` applies to every Lambda Task.
   */
  tasks: z
    .array(
      z.strictObject({
        /** The Task state's name, exactly. */
        state: z.string().min(1).optional(),
        /** The function's bare name, exactly. */
        function: z.string().min(1).optional(),
        rate: z.number().min(0).max(1),
        error: z.enum(LAMBDA_FAULT_ERRORS).default("Lambda.Unknown"),
        when: z.enum(LAMBDA_FAULT_MOMENTS).default("after"),
      }),
    )
    .default([]),
  /** Stop injecting after this many faults. */
  limit: z.number().int().positive().optional(),
});

export type LambdaFaultsInput = z.input<typeof lambdaFaultsSchema>;
export type LambdaFaultsConfig = z.output<typeof lambdaFaultsSchema>;

/** One invocation of a Lambda Task, as the runner knows it. */
export interface LambdaInvocation {
  /** What identifies the execution: its ARN, or a run id for runs started without one. */
  execution: string;
  state: string;
  functionName: string;
  /** 1 for the state's first invocation in this execution, 2 for the next (a retry or a loop). */
  invocation: number;
  requestId: string;
}

/** A fault drawn for an invocation: the error the Task fails with, and when. */
export interface LambdaFault {
  error: LambdaFaultError;
  cause: string;
  when: LambdaFaultMoment;
}

export interface InjectedLambdaFault extends LambdaFault {
  execution: string;
  state: string;
  functionName: string;
  invocation: number;
}

export type LambdaFaultCounts = Record<LambdaFaultError | LambdaFaultMoment, number>;

/** The configuration is not valid: the message names each field and the rule it breaks. */
export class InvalidFaultConfig extends RangeError {
  override readonly name = "InvalidFaultConfig";
}

export class LambdaFaults {
  #config: LambdaFaultsConfig;
  #log: InjectedLambdaFault[] = [];
  /** Faults injected under the current configuration, for its `limit`. */
  #sinceConfigured = 0;
  /** How many faults were injected, by error and by moment. */
  readonly injected: LambdaFaultCounts = emptyCounts();

  constructor(config: LambdaFaultsInput = {}) {
    this.#config = parseLambdaFaults(config);
  }

  /** Replaces the configuration (its `limit` counts afresh); the counts and the log carry on. */
  configure(config: LambdaFaultsInput): void {
    this.#config = parseLambdaFaults(config);
    this.#sinceConfigured = 0;
  }

  get settings(): LambdaFaultsConfig {
    return structuredClone(this.#config);
  }

  /** Every fault injected so far, oldest first. */
  log(): InjectedLambdaFault[] {
    return this.#log.map((entry) => ({ ...entry }));
  }

  /** Clears the counts and the log, and starts the `limit` afresh. */
  resetCounts(): void {
    this.#log = [];
    this.#sinceConfigured = 0;
    Object.assign(this.injected, emptyCounts());
  }

  /**
   * The fault this invocation is to meet, if any, without counting it: a fault after the handler
   * applies only if the handler returns.
   */
  plan(call: LambdaInvocation): LambdaFault | undefined {
    const { seed, tasks } = this.#config;
    if (this.#budgetSpent()) return undefined;
    for (const [index, rule] of tasks.entries()) {
      if (rule.state !== undefined && rule.state !== call.state) continue;
      if (rule.function !== undefined && rule.function !== call.functionName) continue;
      const draw = seededUnit(seed, String(index), call.execution, call.state, call.invocation);
      if (draw >= rule.rate) continue;
      return { error: rule.error, cause: faultCause(rule.error, call.requestId), when: rule.when };
    }
    return undefined;
  }

  /** Counts and logs a planned fault; false when the limit was reached meanwhile. */
  inject(call: LambdaInvocation, fault: LambdaFault): boolean {
    if (this.#budgetSpent()) return false;
    this.#sinceConfigured += 1;
    this.injected[fault.error] += 1;
    this.injected[fault.when] += 1;
    this.#log.push({
      ...fault,
      execution: call.execution,
      state: call.state,
      functionName: call.functionName,
      invocation: call.invocation,
    });
    return true;
  }

  #budgetSpent(): boolean {
    const { limit } = this.#config;
    return limit !== undefined && this.#sinceConfigured >= limit;
  }
}

/** What AWS reports as the cause of each error, for a function invoked with `requestId`. */
export function faultCause(error: LambdaFaultError, requestId: string): string {
  switch (error) {
    case "Lambda.Unknown":
      return `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify({ errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` })}`;
    case "Sandbox.Timedout":
      return JSON.stringify({
        errorType: "Sandbox.Timedout",
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${FUNCTION_TIMEOUT_SECONDS.toFixed(2)} seconds`,
      });
    case "States.Timeout":
      return "The Task ran longer than its TimeoutSeconds";
  }
}

export function parseLambdaFaults(config: unknown): LambdaFaultsConfig {
  const parsed = lambdaFaultsSchema.safeParse(config);
  if (!parsed.success) {
    throw new InvalidFaultConfig(`lambda faults: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** `path: message` for each issue, joined; the path names the field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`)
    .join("; ");
}

/** A uniform number in [0, 1) that depends only on its parts. */
function seededUnit(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32LE(0) / 2 ** 32;
}

function emptyCounts(): LambdaFaultCounts {
  return {
    "Lambda.Unknown": 0,
    "Sandbox.Timedout": 0,
    "States.Timeout": 0,
    after: 0,
    before: 0,
  };
}
