import { afterEach, describe, expect, it } from "vitest";
import {
  InvalidFaultConfig,
  LambdaFaults,
  type LambdaInvocation,
} from "../../../../local/stepfunctions/faults.ts";
import { LocalStateMachineRunner } from "../../../../local/stepfunctions/runner.ts";
import { LocalStepFunctions } from "../../../../local/stepfunctions/service.ts";

const WRITE_ARN = "arn:aws:lambda:us-east-1:000000000000:function:write";

/** Write (retried on Lambda.Unknown, everything else caught) then Done. */
const WRITE_DEFINITION = {
  StartAt: "Write",
  States: {
    Write: {
      Type: "Task",
      Resource: WRITE_ARN,
      Retry: [{ ErrorEquals: ["Lambda.Unknown"], MaxAttempts: 2, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Failed" }],
      Next: "Done",
    },
    Done: { Type: "Succeed" },
    Failed: { Type: "Pass", End: true },
  },
};

/** A handler with a side effect: it counts its writes. */
function writer(): { writes: () => number; handler: () => Promise<unknown> } {
  let count = 0;
  return {
    writes: () => count,
    handler: async () => {
      count += 1;
      return { written: count };
    },
  };
}

function invocation(overrides: Partial<LambdaInvocation> = {}): LambdaInvocation {
  return {
    execution: "arn:aws:states:us-east-1:000000000000:execution:m:e",
    state: "Write",
    functionName: "write",
    invocation: 1,
    requestId: "req-1",
    ...overrides,
  };
}

describe("Lambda faults in a run", () => {
  it("fails the Task with Lambda.Unknown after the handler wrote, and the retry runs it again", async () => {
    // Prepare
    const faults = new LambdaFaults({
      tasks: [{ state: "Write", rate: 1, error: "Lambda.Unknown" }],
      limit: 1,
    });
    const { writes, handler } = writer();
    const runner = new LocalStateMachineRunner(WRITE_DEFINITION, {
      timeScale: 1000,
      faults,
      handlers: { write: handler },
    });

    // Act
    const run = runner.start({});
    const outcome = await run.outcome;

    // Assess
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { written: 2 } });
    expect(writes()).toBe(2);
    const failed = run.events.find((event) => event.type === "StateFailed");
    expect(failed).toMatchObject({ error: "Lambda.Unknown", stateName: "Write" });
    expect(failed?.type === "StateFailed" && failed.cause).toMatch(
      /^The cause could not be determined because Lambda did not return an error type\. Returned payload: \{"errorMessage":"RequestId: [0-9a-f-]+ Error: Runtime exited with error: signal: killed"\}$/,
    );
    expect(faults.injected).toEqual({
      "Lambda.Unknown": 1,
      "Sandbox.Timedout": 0,
      "States.Timeout": 0,
      after: 1,
      before: 0,
    });
    expect(faults.log()).toEqual([
      expect.objectContaining({
        execution: "local-run-1",
        state: "Write",
        functionName: "write",
        invocation: 1,
        error: "Lambda.Unknown",
        when: "after",
      }),
    ]);
  });

  it("fails the Task with Sandbox.Timedout before the handler runs, into the catcher", async () => {
    // Prepare
    const faults = new LambdaFaults({
      tasks: [{ rate: 1, error: "Sandbox.Timedout", when: "before" }],
    });
    const { writes, handler } = writer();
    const runner = new LocalStateMachineRunner(WRITE_DEFINITION, {
      faults,
      handlers: { write: handler },
    });

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(writes()).toBe(0);
    expect(outcome).toMatchObject({
      status: "SUCCEEDED",
      output: { error: { Error: "Sandbox.Timedout" } },
    });
    const cause =
      outcome.status === "SUCCEEDED"
        ? (outcome.output as { error: { Cause: string } }).error.Cause
        : "";
    expect(JSON.parse(cause)).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: expect.stringMatching(
        /^RequestId: \S+ Error: Task timed out after 60\.00 seconds$/,
      ),
    });
    expect(faults.injected.before).toBe(1);
  });

  it("leaves the handler's own error alone and does not count a fault planned for after it", async () => {
    // Prepare
    const faults = new LambdaFaults({ tasks: [{ rate: 1, error: "States.Timeout" }] });
    const runner = new LocalStateMachineRunner(WRITE_DEFINITION, {
      faults,
      handlers: {
        write: async () => {
          throw new TypeError("bad record");
        },
      },
    });

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(outcome).toMatchObject({ output: { error: { Error: "TypeError" } } });
    const caught = outcome.status === "SUCCEEDED" ? outcome.output : undefined;
    const cause = (caught as { error: { Cause: string } }).error.Cause;
    expect(JSON.parse(cause)).toMatchObject({ errorType: "TypeError", errorMessage: "bad record" });
    expect(faults.log()).toEqual([]);
  });

  it("meets only the state a rule names", async () => {
    // Prepare
    const faults = new LambdaFaults({ tasks: [{ state: "Other", rate: 1 }] });
    const { writes, handler } = writer();
    const runner = new LocalStateMachineRunner(WRITE_DEFINITION, {
      faults,
      handlers: { write: handler },
    });

    // Act
    const outcome = await runner.run({});

    // Assess
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { written: 1 } });
    expect(writes()).toBe(1);
    expect(faults.log()).toEqual([]);
  });
});

describe("Lambda faults in the service", () => {
  let service = new LocalStepFunctions();

  afterEach(async () => {
    await service.close();
  });

  it("records a States.Timeout fault as LambdaFunctionTimedOut, after the function's scheduled and started events", async () => {
    // Prepare
    const { handler } = writer();
    service = new LocalStepFunctions({
      timeScale: 1000,
      handlers: { write: handler },
      lambdaFaults: { tasks: [{ rate: 1, error: "States.Timeout" }], limit: 1 },
    });
    const { stateMachineArn } = service.createStateMachine({
      name: "write",
      definition: WRITE_DEFINITION,
    });

    // Act
    const { executionArn } = service.startExecution({ stateMachineArn, name: "first" });
    await service.waitForExecution(executionArn);
    const { events } = service.getExecutionHistory({ executionArn, includeExecutionData: false });

    // Assess
    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionTimedOut",
      "TaskStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events[4]).toMatchObject({
      lambdaFunctionTimedOutEventDetails: { error: "States.Timeout" },
    });
    expect(service.lambdaFaults.log()).toEqual([
      expect.objectContaining({ execution: executionArn, error: "States.Timeout" }),
    ]);
  });

  it("changes faults at run time, and counts the new configuration's limit afresh", async () => {
    // Prepare
    const { writes, handler } = writer();
    service = new LocalStepFunctions({ timeScale: 1000, handlers: { write: handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "write",
      definition: WRITE_DEFINITION,
    });
    const runOnce = async (name: string) => {
      const { executionArn } = service.startExecution({ stateMachineArn, name });
      return service.waitForExecution(executionArn);
    };

    // Act
    await runOnce("calm");
    service.lambdaFaults.configure({ tasks: [{ rate: 1 }], limit: 1 });
    await runOnce("faulty-1");
    service.lambdaFaults.configure({ tasks: [{ rate: 1 }], limit: 1 });
    await runOnce("faulty-2");

    // Assess
    expect(service.lambdaFaults.injected["Lambda.Unknown"]).toBe(2);
    expect(service.lambdaFaults.log().map((entry) => entry.execution.split(":").at(-1))).toEqual([
      "faulty-1",
      "faulty-2",
    ]);
    expect(writes()).toBe(5);
  });
});

describe("LambdaFaults draws", () => {
  it("draws the same faults for the same seed and invocations, whatever the order they come in", () => {
    // Prepare
    const config = { seed: "same", tasks: [{ rate: 0.5 }] };
    const calls = Array.from({ length: 40 }, (_, index) =>
      invocation({ execution: `e-${index % 8}`, invocation: Math.floor(index / 8) + 1 }),
    );
    const drawn = (faults: LambdaFaults, order: LambdaInvocation[]) =>
      new Set(
        order
          .filter((call) => faults.plan(call))
          .map((call) => `${call.execution}#${call.invocation}`),
      );

    // Act
    const forward = drawn(new LambdaFaults(config), calls);
    const backward = drawn(new LambdaFaults(config), calls.toReversed());
    const otherSeed = drawn(new LambdaFaults({ ...config, seed: "other" }), calls);

    // Assess
    expect(forward).toEqual(backward);
    expect(otherSeed).not.toEqual(forward);
    expect(forward.size).toBeGreaterThan(5);
    expect(forward.size).toBeLessThan(35);
  });

  it("stops at its limit and starts again after resetCounts", () => {
    // Prepare
    const faults = new LambdaFaults({ tasks: [{ rate: 1 }], limit: 1 });
    const planned = faults.plan(invocation());

    // Act
    const first = planned !== undefined && faults.inject(invocation(), planned);
    const afterLimit = faults.plan(invocation({ invocation: 2 }));
    faults.resetCounts();
    const afterReset = faults.plan(invocation({ invocation: 3 }));

    // Assess
    expect(first).toBe(true);
    expect(afterLimit).toBeUndefined();
    expect(afterReset).toMatchObject({ error: "Lambda.Unknown", when: "after" });
    expect(faults.injected["Lambda.Unknown"]).toBe(0);
  });

  it("refuses a configuration that breaks a rule, naming the field", () => {
    // Act
    const badRate = () => new LambdaFaults({ tasks: [{ rate: 2 }] });
    const badError = () =>
      new LambdaFaults({ tasks: [{ rate: 1, error: "Lambda.Crash" as "Lambda.Unknown" }] });

    // Assess
    expect(badRate).toThrow(InvalidFaultConfig);
    expect(badRate).toThrow(/^lambda faults: tasks\.0\.rate: /);
    expect(badError).toThrow(/tasks\.0\.error: /);
  });
});
