import { afterEach, describe, expect, it } from "vitest";
import {
  StateMachineDoesNotExist,
  ValidationException,
} from "../../../../local/stepfunctions/errors.ts";
import {
  AWS_EXECUTION_LIMITS,
  executionLimits,
  payloadBytes,
} from "../../../../local/stepfunctions/limits.ts";
import { LocalStateMachineRunner } from "../../../../local/stepfunctions/runner.ts";
import { type HistoryEvent, LocalStepFunctions } from "../../../../local/stepfunctions/service.ts";

const LIMIT = AWS_EXECUTION_LIMITS.payloadBytes;
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:work";

/** A JSON string value whose JSON text is exactly `bytes` long. */
function jsonStringOf(bytes: number): string {
  return "x".repeat(bytes - 2);
}

/** Work (a Lambda Task that anything may retry or catch) then After (another Lambda Task). */
function guardedTwoTasks(resultPath: string): object {
  return {
    StartAt: "Work",
    States: {
      Work: {
        Type: "Task",
        Resource: FUNCTION_ARN,
        ResultPath: resultPath,
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 3, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Caught" }],
        Next: "After",
      },
      After: {
        Type: "Task",
        Resource: "arn:aws:lambda:us-east-1:000000000000:function:next",
        End: true,
      },
      Caught: { Type: "Pass", End: true },
    },
  };
}

/** Every page of an execution's history, without execution data. */
function fullHistory(service: LocalStepFunctions, executionArn: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = service.getExecutionHistory({
      executionArn,
      includeExecutionData: false,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe("execution input quota", () => {
  let service = new LocalStepFunctions();

  afterEach(async () => {
    await service.close();
  });

  it("refuses input over 262,144 bytes with ValidationException and starts input of exactly that", async () => {
    // Prepare
    service = new LocalStepFunctions();
    const { stateMachineArn } = service.createStateMachine({
      name: "echo",
      definition: { StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } },
    });
    const atLimit = JSON.stringify(jsonStringOf(LIMIT));
    // "é" is two bytes in UTF-8: the quota counts bytes, not characters.
    const overLimit = JSON.stringify("é".repeat(LIMIT / 2));

    // Act
    const refuse = () => service.startExecution({ stateMachineArn, input: overLimit });
    const { executionArn } = service.startExecution({ stateMachineArn, input: atLimit });
    const closed = await service.waitForExecution(executionArn);

    // Assess
    expect(Buffer.byteLength(atLimit)).toBe(LIMIT);
    expect(overLimit.length).toBeLessThanOrEqual(LIMIT);
    expect(Buffer.byteLength(overLimit)).toBeGreaterThan(LIMIT);
    expect(refuse).toThrow(ValidationException);
    expect(refuse).toThrow(
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
    );
    expect(closed.status).toBe("SUCCEEDED");
  });

  it("checks the input size before it looks the state machine up, as AWS does", () => {
    // Prepare
    service = new LocalStepFunctions();
    const missing = "arn:aws:states:us-east-1:000000000000:stateMachine:missing";
    const large = JSON.stringify(jsonStringOf(LIMIT + 1));

    // Act
    const withLargeInput = () => service.startExecution({ stateMachineArn: missing, input: large });
    const withSmallInput = () => service.startExecution({ stateMachineArn: missing, input: "{}" });

    // Assess
    expect(withLargeInput).toThrow(ValidationException);
    expect(withSmallInput).toThrow(StateMachineDoesNotExist);
  });
});

describe("payload quota inside an execution", () => {
  it("fails with States.DataLimitExceeded when a Task result is over the quota, past any States.ALL retrier or catcher", async () => {
    // Prepare
    let workCalls = 0;
    let nextCalls = 0;
    const runner = new LocalStateMachineRunner(guardedTwoTasks("$.result"), {
      timeScale: 1000,
      handlers: {
        work: async () => {
          workCalls += 1;
          return jsonStringOf(LIMIT + 1);
        },
        next: async () => {
          nextCalls += 1;
          return {};
        },
      },
    });

    // Act
    const run = runner.start({});
    const outcome = await run.outcome;

    // Assess
    expect(outcome).toEqual({
      status: "FAILED",
      error: "States.DataLimitExceeded",
      cause: `The state/task '${FUNCTION_ARN}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    });
    expect(workCalls).toBe(1);
    expect(nextCalls).toBe(0);
    expect(run.events.some((event) => event.type === "StateCaught")).toBe(false);
  });

  it("fails when a state's output is over the quota although its input and result are under it", async () => {
    // Prepare
    let nextCalls = 0;
    const half = jsonStringOf(LIMIT / 2 + 16);
    const runner = new LocalStateMachineRunner(guardedTwoTasks("$.result"), {
      handlers: {
        work: async () => half,
        next: async () => {
          nextCalls += 1;
          return {};
        },
      },
    });

    // Act
    const run = runner.start({ carried: half });
    const outcome = await run.outcome;

    // Assess
    expect(payloadBytes(half)).toBeLessThan(LIMIT);
    expect(outcome).toEqual({
      status: "FAILED",
      error: "States.DataLimitExceeded",
      cause:
        "The state/task 'Work' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
    expect(nextCalls).toBe(0);
    expect(run.events.filter((event) => event.type === "StateExited")).toEqual([]);
    expect(run.events.at(-1)).toMatchObject({
      type: "ExecutionFailed",
      error: "States.DataLimitExceeded",
    });
  });

  it("fails a Task whose input after Parameters is over the quota before its handler runs", async () => {
    // Prepare
    let calls = 0;
    const third = jsonStringOf(LIMIT / 3 + 16);
    const definition = {
      StartAt: "Work",
      States: {
        Work: {
          Type: "Task",
          Resource: FUNCTION_ARN,
          Parameters: { "a.$": "$.text", "b.$": "$.text", "c.$": "$.text" },
          End: true,
        },
      },
    };
    const runner = new LocalStateMachineRunner(definition, {
      handlers: {
        work: async () => {
          calls += 1;
          return {};
        },
      },
    });

    // Act
    const outcome = await runner.run({ text: third });

    // Assess
    expect(outcome).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(calls).toBe(0);
  });

  it("passes a result of exactly the quota", async () => {
    // Prepare
    const runner = new LocalStateMachineRunner(
      { StartAt: "Work", States: { Work: { Type: "Task", Resource: FUNCTION_ARN, End: true } } },
      { handlers: { work: async () => jsonStringOf(LIMIT) } },
    );

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(outcome.status).toBe("SUCCEEDED");
  });
});

describe("history quota", () => {
  let service = new LocalStepFunctions();

  afterEach(async () => {
    await service.close();
  });

  it("fails a looping execution with States.Runtime as event 25,000 of its history", async () => {
    // Prepare
    service = new LocalStepFunctions();
    const { stateMachineArn } = service.createStateMachine({
      name: "spin",
      definition: {
        StartAt: "Loop",
        States: {
          Loop: {
            Type: "Choice",
            Choices: [{ Variable: "$.spin", BooleanEquals: true, Next: "Again" }],
            Default: "Stop",
          },
          Again: { Type: "Pass", Next: "Loop" },
          Stop: { Type: "Succeed" },
        },
      },
    });

    // Act
    const { executionArn } = service.startExecution({ stateMachineArn, input: '{"spin":true}' });
    const closed = await service.waitForExecution(executionArn, { timeoutMs: 60_000 });
    const events = fullHistory(service, executionArn);

    // Assess
    const cause = "The execution reached the maximum number of history events (25000).";
    expect(closed).toMatchObject({ status: "FAILED", error: "States.Runtime", cause });
    expect(events).toHaveLength(25_000);
    expect(events.at(-1)).toMatchObject({
      id: 25_000,
      previousEventId: 24_999,
      type: "ExecutionFailed",
      executionFailedEventDetails: { error: "States.Runtime", cause },
    });
    expect(events.at(-2)?.type).toMatch(/State(Entered|Exited)$/);
  }, 60_000);

  it("counts each Lambda invocation's scheduled, started and succeeded events, and invokes nothing past the quota", async () => {
    // Prepare
    let calls = 0;
    service = new LocalStepFunctions({
      limits: { historyEvents: 20 },
      handlers: {
        work: async () => {
          calls += 1;
          return { again: true };
        },
      },
    });
    const { stateMachineArn } = service.createStateMachine({
      name: "poll",
      definition: {
        StartAt: "Work",
        States: {
          Work: { Type: "Task", Resource: FUNCTION_ARN, Next: "Again" },
          Again: {
            Type: "Choice",
            Choices: [{ Variable: "$.again", BooleanEquals: true, Next: "Work" }],
            Default: "Stop",
          },
          Stop: { Type: "Succeed" },
        },
      },
    });

    // Act
    const { executionArn } = service.startExecution({ stateMachineArn, input: "{}" });
    const closed = await service.waitForExecution(executionArn, { timeoutMs: 10_000 });
    const events = fullHistory(service, executionArn);

    // Assess: started (1) + per loop Task (5) and Choice (2): 1 + 7 + 7 = 15, then Work's
    // entered, scheduled, started and succeeded reach 19; its exit would be the 20th.
    expect(closed).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    expect(events).toHaveLength(20);
    expect(calls).toBe(3);
    expect(events.map((event) => event.type).slice(0, 8)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionSucceeded",
      "TaskStateExited",
      "ChoiceStateEntered",
      "ChoiceStateExited",
    ]);
  });
});

describe("executionLimits", () => {
  it("takes AWS's quotas by default and refuses one that is not a positive integer", () => {
    // Act
    const defaults = executionLimits();
    const zero = () => executionLimits({ historyEvents: 0 });

    // Assess
    expect(defaults).toEqual({ payloadBytes: 262_144, historyEvents: 25_000 });
    expect(zero).toThrow("limits.historyEvents must be a positive integer, got 0");
  });
});
