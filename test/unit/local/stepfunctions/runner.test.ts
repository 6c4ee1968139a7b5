import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ScaledClock } from "../../../../local/clock.ts";
import { InvalidDefinition, InvalidRunnerOption } from "../../../../local/stepfunctions/errors.ts";
import {
  type LocalLambdaContext,
  LocalStateMachineRunner,
  type LocalTaskHandler,
  type RunEvent,
} from "../../../../local/stepfunctions/runner.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/asl/${name}`, import.meta.url), "utf8");

/** 600 s of Wait or Retry interval pass in 100 ms. */
const FAST = 6000;

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function statesOfType(events: readonly RunEvent[], stateType: string): string[] {
  return events.flatMap((event) =>
    event.type === "StateEntered" && event.stateType === stateType ? [event.stateName] : [],
  );
}

/** A Parallel state whose branches each wait their number of seconds. */
function waitsSideBySide(seconds: number[]) {
  return {
    StartAt: "Both",
    States: {
      Both: {
        Type: "Parallel",
        Branches: seconds.map((wait) => ({
          StartAt: `Pause${wait}`,
          States: { [`Pause${wait}`]: { Type: "Wait", Seconds: wait, End: true } },
        })),
        End: true,
      },
    },
  };
}

describe("LocalStateMachineRunner", () => {
  it("runs a Task, a SecondsPath Wait and a Choice loop to Succeed at the time scale", async () => {
    // Prepare
    let describeCalls = 0;
    const startInputs: unknown[] = [];
    const runner = new LocalStateMachineRunner(fixture("job-poll-loop.asl.json"), {
      timeScale: FAST,
      handlers: {
        "irflow-start-job": async (input) => {
          startInputs.push(input);
          return { jobName: "job-1", pollSeconds: 600 };
        },
        "irflow-describe-job": async () => {
          describeCalls += 1;
          return { state: describeCalls >= 3 ? "COMPLETED" : "IN_PROGRESS" };
        },
      },
    });
    const startedAt = Date.now();

    // Act
    const run = runner.start({ model: "fraud" });
    const outcome = await run.outcome;
    const elapsedMs = Date.now() - startedAt;

    // Assess
    expect(outcome).toEqual({
      status: "SUCCEEDED",
      output: {
        model: "fraud",
        job: { jobName: "job-1", pollSeconds: 600 },
        status: { state: "COMPLETED" },
      },
    });
    expect(startInputs).toEqual([{ model: "fraud" }]);
    expect(describeCalls).toBe(3);
    expect(statesOfType(run.events, "Wait")).toEqual(["WaitForJob", "WaitForJob", "WaitForJob"]);
    expect(elapsedMs).toBeGreaterThanOrEqual(270);
    expect(elapsedMs).toBeLessThan(3000);
    expect(run.events.at(0)?.type).toBe("ExecutionStarted");
    expect(run.events.at(-1)?.type).toBe("ExecutionSucceeded");
  });

  it("wraps a lambda:invoke result as the integration does and passes only the Payload", async () => {
    // Prepare
    const definition = {
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: "echo:live", "Payload.$": "$.payload" },
          ResultPath: "$.raw",
          End: true,
        },
      },
    };
    const runner = new LocalStateMachineRunner(definition, {
      handlers: { echo: async (input) => ({ echoed: input }) },
    });

    // Act
    const outcome = await runner.run({ payload: { a: 1 } });

    // Assess
    expect(outcome).toEqual({
      status: "SUCCEEDED",
      output: {
        payload: { a: 1 },
        raw: { ExecutedVersion: "$LATEST", Payload: { echoed: { a: 1 } }, StatusCode: 200 },
      },
    });
  });

  it("gives a handler the function name and ARN, the state name and the execution ARN", async () => {
    // Prepare
    const contexts: LocalLambdaContext[] = [];
    const recordContext: LocalTaskHandler = async (_input, context) => {
      contexts.push(context);
      return {};
    };
    const definition = {
      StartAt: "Direct",
      States: {
        Direct: {
          Type: "Task",
          Resource: "arn:aws:lambda:eu-west-1:123456789012:function:irflow-direct",
          End: true,
        },
      },
    };
    const runner = new LocalStateMachineRunner(definition, {
      handlers: { "irflow-direct": recordContext },
    });
    const executionArn = "arn:aws:states:us-east-1:000000000000:execution:sm:run-1";

    // Act
    const outcome = await runner.run({}, { executionArn });

    // Assess
    expect(outcome.status).toBe("SUCCEEDED");
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({
      functionName: "irflow-direct",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:irflow-direct",
      stateName: "Direct",
      executionArn,
    });
    expect(contexts[0]?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contexts[0]?.signal.aborted).toBe(true);
  });

  it("retries a named error with scaled backoff, then succeeds", async () => {
    // Prepare
    let attempts = 0;
    const runner = new LocalStateMachineRunner(fixture("retry-catch.asl.json"), {
      timeScale: FAST,
      handlers: {
        "irflow-check-job": async () => {
          attempts += 1;
          if (attempts < 3) throw namedError("JobNotReady", `attempt ${attempts}`);
          return { ready: true, attempts };
        },
      },
    });
    const startedAt = Date.now();

    // Act
    const run = runner.start({ jobName: "job-1" });
    const outcome = await run.outcome;

    // Assess
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { ready: true, attempts: 3 } });
    const retries = run.events.filter((event) => event.type === "StateRetried");
    expect(retries).toHaveLength(2);
    const failures = run.events.filter((event) => event.type === "StateFailed");
    expect(failures.map((event) => "error" in event && event.error)).toEqual([
      "JobNotReady",
      "JobNotReady",
    ]);
    // 60 s then 120 s of backoff at the time scale: 10 ms then 20 ms.
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it("waits Wait states and Retry intervals out in simulated time, none of it spent by handlers", async () => {
    // Prepare: each handler burns 40 ms of CPU, 40 simulated seconds at this scale if it counted.
    const clock = new ScaledClock(1000, Date.UTC(2026, 0, 1));
    const seen: number[] = [];
    const busyHandler = (fail: boolean) => async () => {
      seen.push(clock.now());
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // work
      }
      if (fail && seen.length === 2) throw namedError("NotYet", "try again");
      return {};
    };
    const definition = {
      StartAt: "First",
      States: {
        First: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:first",
          Next: "Pause",
        },
        Pause: { Type: "Wait", Seconds: 60, Next: "Second" },
        Second: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:second",
          Retry: [{ ErrorEquals: ["NotYet"], IntervalSeconds: 30, BackoffRate: 2 }],
          End: true,
        },
      },
    };
    const runner = new LocalStateMachineRunner(definition, {
      clock,
      handlers: { first: busyHandler(false), second: busyHandler(true) },
    });

    // Act
    const outcome = await runner.run({});

    // Assess: the Wait, then the retry's interval, to the millisecond.
    expect(outcome.status).toBe("SUCCEEDED");
    const [first = 0, second = 0, retried = 0] = seen;
    expect(second - first).toBe(60_000);
    expect(retried - second).toBe(30_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.held).toBe(false);
  });

  it("runs Wait states side by side in Parallel branches to the end, the clock let go after", async () => {
    // Prepare
    const clock = new ScaledClock(1000, Date.UTC(2026, 0, 1));
    const runner = new LocalStateMachineRunner(waitsSideBySide([10, 20]), { clock, handlers: {} });
    const startedAt = clock.now();

    // Act
    const outcome = await runner.run({});
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(outcome.status).toBe("SUCCEEDED");
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(20_000);
    expect(clock.held).toBe(false);
  });

  it("lets go of the clock when stopped while two branches wait", async () => {
    // Prepare
    const clock = new ScaledClock(1000, Date.UTC(2026, 0, 1));
    const runner = new LocalStateMachineRunner(waitsSideBySide([3600, 7200]), {
      clock,
      handlers: {},
    });
    const run = runner.start({});
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    run.stop();
    const outcome = await run.outcome;
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(outcome.status).toBe("ABORTED");
    expect(clock.held).toBe(false);
  });

  it("routes a named error to the Catch branch with its name as Error and Lambda's error document as Cause", async () => {
    // Prepare
    const thrown = namedError("JobFailed", "Inference Recommender job failed: quota");
    const runner = new LocalStateMachineRunner(fixture("retry-catch.asl.json"), {
      timeScale: FAST,
      handlers: {
        "irflow-check-job": async () => {
          throw thrown;
        },
      },
    });

    // Act
    const run = runner.start({ jobName: "job-1" });
    const outcome = await run.outcome;

    // Assess
    const lambdaCause = JSON.stringify({
      errorType: "JobFailed",
      errorMessage: "Inference Recommender job failed: quota",
      trace: thrown.stack?.split("\n"),
    });
    expect(outcome).toEqual({
      status: "SUCCEEDED",
      output: { outcome: "failed", failure: { Error: "JobFailed", Cause: lambdaCause } },
    });
    expect(run.events.some((event) => event.type === "StateRetried")).toBe(false);
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: "StateCaught",
        stateName: "CheckJob",
        next: "RecordFailure",
      }),
    );
  });

  it("fails the execution with the handler's error name and Lambda's error document when nothing catches it", async () => {
    // Prepare
    const thrown = new RangeError("variant count out of range");
    const runner = new LocalStateMachineRunner(fixture("retry-catch.asl.json"), {
      handlers: {
        "irflow-check-job": async () => {
          throw thrown;
        },
      },
    });

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(outcome).toEqual({
      status: "FAILED",
      error: "RangeError",
      cause: JSON.stringify({
        errorType: "RangeError",
        errorMessage: "variant count out of range",
        trace: thrown.stack?.split("\n"),
      }),
    });
  });

  it("fails with Lambda.ResourceNotFoundException when no handler is bound", async () => {
    // Prepare
    const runner = new LocalStateMachineRunner(fixture("retry-catch.asl.json"), { handlers: {} });

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(outcome).toMatchObject({
      status: "FAILED",
      error: "Lambda.ResourceNotFoundException",
    });
    expect(outcome.status === "FAILED" && outcome.cause).toContain("irflow-check-job");
  });

  it("runs Map iterations inside a Parallel branch", async () => {
    // Prepare
    const runner = new LocalStateMachineRunner(fixture("fan-out.asl.json"), {
      handlers: {
        "irflow-benchmark": async (variant) => ({ variant, latencyMs: 12 }),
      },
    });

    // Act
    const run = runner.start({ variants: ["ml.m5.large", "ml.c5.xlarge", "ml.g4dn.xlarge"] });
    const outcome = await run.outcome;

    // Assess
    expect(outcome).toEqual({
      status: "SUCCEEDED",
      output: {
        results: [
          { variant: "ml.m5.large", latencyMs: 12 },
          { variant: "ml.c5.xlarge", latencyMs: 12 },
          { variant: "ml.g4dn.xlarge", latencyMs: 12 },
        ],
        tag: "tagged",
      },
    });
    expect(run.events.filter((event) => event.type === "MapIterationSucceeded")).toHaveLength(3);
  });

  it("waits until a Timestamp at the time scale", async () => {
    // Prepare
    const definition = {
      StartAt: "WaitUntil",
      States: { WaitUntil: { Type: "Wait", TimestampPath: "$.until", End: true } },
    };
    const runner = new LocalStateMachineRunner(definition, { handlers: {}, timeScale: FAST });
    const until = new Date(Date.now() + 600_000).toISOString();
    const startedAt = Date.now();

    // Act
    const outcome = await runner.run({ until });

    // Assess
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { until } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(80);
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it("fails with States.Runtime when SecondsPath does not hold a non-negative integer", async () => {
    // Prepare
    const definition = {
      StartAt: "Pause",
      States: { Pause: { Type: "Wait", SecondsPath: "$.seconds", End: true } },
    };
    const runner = new LocalStateMachineRunner(definition, { handlers: {} });

    // Act
    const outcome = await runner.run({ seconds: "soon" });

    // Assess
    expect(outcome).toMatchObject({ status: "FAILED", error: "States.Runtime" });
  });

  it("stops a waiting execution as ABORTED without waiting out the Wait", async () => {
    // Prepare
    const definition = {
      StartAt: "Pause",
      States: { Pause: { Type: "Wait", Seconds: 3600, End: true } },
    };
    const runner = new LocalStateMachineRunner(definition, { handlers: {} });
    const run = runner.start({});
    const startedAt = Date.now();

    // Act
    run.stop();
    const outcome = await run.outcome;

    // Assess
    expect(outcome).toEqual({ status: "ABORTED" });
    expect(run.events.at(-1)?.type).toBe("ExecutionAborted");
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it("rejects a JSONata definition as InvalidDefinition", () => {
    // Prepare
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "Done",
      States: { Done: { Type: "Succeed" } },
    };

    // Act
    const create = () => new LocalStateMachineRunner(definition, { handlers: {} });

    // Assess
    expect(create).toThrow(InvalidDefinition);
    expect(create).toThrow(/JSONata is not supported locally/);
  });

  it("lists every validation problem in InvalidDefinition", () => {
    // Prepare
    const definition = { StartAt: "Missing", States: { Orphan: { Type: "Pass" } } };

    // Act
    let caught: unknown;
    try {
      new LocalStateMachineRunner(definition, { handlers: {} });
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidDefinition);
    const problems = caught instanceof InvalidDefinition ? caught.problems : [];
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.join("\n")).toContain("Missing");
  });

  it("rejects a time scale that is not a positive number", () => {
    // Prepare
    const definition = fixture("job-poll-loop.asl.json");

    // Act
    const create = () => new LocalStateMachineRunner(definition, { handlers: {}, timeScale: 0 });

    // Assess
    expect(create).toThrow(InvalidRunnerOption);
  });
});
