import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionWaitTimeout,
  InvalidArn,
  InvalidDefinition,
  InvalidName,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
} from "../../../../local/stepfunctions/errors.ts";
import type { LocalTaskHandler } from "../../../../local/stepfunctions/runner.ts";
import { LocalStepFunctions } from "../../../../local/stepfunctions/service.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/asl/${name}`, import.meta.url), "utf8");

/** One Task on the `hold` function, which returns only once released. */
const HOLD_DEFINITION = JSON.stringify({
  StartAt: "Hold",
  States: {
    Hold: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "hold", "Payload.$": "$" },
      OutputPath: "$.Payload",
      End: true,
    },
  },
});

/** A handler that holds each invocation until `release()`, or until the execution stops. */
function holdingHandler(): { handler: LocalTaskHandler; release: () => void } {
  const waiting: Array<() => void> = [];
  let released = false;
  const handler: LocalTaskHandler = (input, context) =>
    new Promise((resolve) => {
      const finish = () => resolve({ held: input });
      if (released) return finish();
      waiting.push(finish);
      context.signal.addEventListener("abort", finish, { once: true });
    });
  const release = () => {
    released = true;
    for (const finish of waiting.splice(0)) finish();
  };
  return { handler, release };
}

describe("LocalStepFunctions", () => {
  let service = new LocalStepFunctions();

  afterEach(async () => {
    await service.close();
  });

  it("creates a state machine with an AWS-shaped ARN and describes it", () => {
    // Prepare
    service = new LocalStepFunctions();

    // Act
    const created = service.createStateMachine({ name: "irflow", definition: HOLD_DEFINITION });
    const described = service.describeStateMachine(created.stateMachineArn);

    // Assess
    expect(created.stateMachineArn).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:irflow",
    );
    expect(described).toMatchObject({
      name: "irflow",
      status: "ACTIVE",
      type: "STANDARD",
      definition: HOLD_DEFINITION,
      roleArn: "arn:aws:iam::000000000000:role/irflow-local-stepfunctions",
    });
    expect(described.creationDate).toEqual(created.creationDate);
  });

  it("returns the existing state machine for an identical create and refuses a different one", () => {
    // Prepare
    service = new LocalStepFunctions();
    const first = service.createStateMachine({ name: "irflow", definition: HOLD_DEFINITION });

    // Act
    const again = service.createStateMachine({ name: "irflow", definition: HOLD_DEFINITION });
    const conflicting = () =>
      service.createStateMachine({ name: "irflow", definition: fixture("fan-out.asl.json") });

    // Assess
    expect(again).toEqual(first);
    expect(conflicting).toThrow(StateMachineAlreadyExists);
    expect(service.listStateMachines().stateMachines).toHaveLength(1);
  });

  it("refuses an invalid definition with InvalidDefinition and a bad name with InvalidName", () => {
    // Prepare
    service = new LocalStepFunctions();

    // Act
    const invalidDefinition = () =>
      service.createStateMachine({ name: "broken", definition: '{"StartAt":"Nowhere"}' });
    const invalidName = () =>
      service.createStateMachine({ name: "has space", definition: HOLD_DEFINITION });

    // Assess
    expect(invalidDefinition).toThrow(InvalidDefinition);
    expect(invalidName).toThrow(InvalidName);
  });

  it("returns the running execution for a repeated start with the same name and input", async () => {
    // Prepare
    const hold = holdingHandler();
    service = new LocalStepFunctions({ handlers: { hold: hold.handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });
    const first = service.startExecution({ stateMachineArn, name: "run-1", input: '{"a":1}' });

    // Act
    const repeated = service.startExecution({
      stateMachineArn,
      name: "run-1",
      input: '{ "a": 1 }',
    });
    const conflicting = () =>
      service.startExecution({ stateMachineArn, name: "run-1", input: '{"a":2}' });

    // Assess
    expect(repeated).toEqual(first);
    expect(first.executionArn).toBe("arn:aws:states:us-east-1:000000000000:execution:irflow:run-1");
    expect(conflicting).toThrow(ExecutionAlreadyExists);
    expect(service.listExecutions({ stateMachineArn }).executions).toHaveLength(1);
    hold.release();
    await expect(service.waitForExecution(first.executionArn)).resolves.toMatchObject({
      status: "SUCCEEDED",
      output: '{"held":{"a":1}}',
    });
  });

  it("lets a handler describe its own execution while it runs", async () => {
    // Prepare
    const seen: string[] = [];
    service = new LocalStepFunctions();
    service.bindHandler("hold", async (_input, context) => {
      seen.push(service.describeExecution(context.executionArn ?? "").status);
      return {};
    });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });

    // Act
    const { executionArn } = service.startExecution({ stateMachineArn });
    const described = await service.waitForExecution(executionArn);

    // Assess
    expect(seen).toEqual(["RUNNING"]);
    expect(described.status).toBe("SUCCEEDED");
  });

  it("refuses a name reused after the execution closed, whatever the input", async () => {
    // Prepare
    const hold = holdingHandler();
    hold.release();
    service = new LocalStepFunctions({ handlers: { hold: hold.handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });
    const { executionArn } = service.startExecution({ stateMachineArn, name: "run-1" });
    await service.waitForExecution(executionArn);

    // Act
    const restart = () => service.startExecution({ stateMachineArn, name: "run-1" });

    // Assess
    expect(restart).toThrow(ExecutionAlreadyExists);
  });

  it("lists executions newest first, by status, a page at a time", async () => {
    // Prepare
    const hold = holdingHandler();
    service = new LocalStepFunctions({ handlers: { hold: hold.handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });
    const done = service.startExecution({ stateMachineArn, name: "done" });
    hold.release();
    await service.waitForExecution(done.executionArn);
    const blocked = holdingHandler();
    service.bindHandler("hold", blocked.handler);
    service.startExecution({ stateMachineArn, name: "running-1" });
    service.startExecution({ stateMachineArn, name: "running-2" });

    // Act
    const running = service.listExecutions({ stateMachineArn, statusFilter: "RUNNING" });
    const succeeded = service.listExecutions({ stateMachineArn, statusFilter: "SUCCEEDED" });
    const firstPage = service.listExecutions({ stateMachineArn, maxResults: 2 });
    const secondPage = service.listExecutions({
      stateMachineArn,
      maxResults: 2,
      nextToken: firstPage.nextToken,
    });

    // Assess
    expect(running.executions.map((execution) => execution.name)).toEqual([
      "running-2",
      "running-1",
    ]);
    expect(succeeded.executions.map((execution) => execution.name)).toEqual(["done"]);
    expect(succeeded.executions[0]?.stopDate).toBeInstanceOf(Date);
    expect(firstPage.executions.map((execution) => execution.name)).toEqual([
      "running-2",
      "running-1",
    ]);
    expect(firstPage.nextToken).toEqual(expect.any(String));
    expect(secondPage.executions.map((execution) => execution.name)).toEqual(["done"]);
    expect(secondPage.nextToken).toBeUndefined();
  });

  it("stops a running execution as ABORTED with the given error and cause", async () => {
    // Prepare
    const hold = holdingHandler();
    service = new LocalStepFunctions({ handlers: { hold: hold.handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });
    const { executionArn } = service.startExecution({ stateMachineArn, name: "run-1" });

    // Act
    const { stopDate } = service.stopExecution({
      executionArn,
      error: "UserCancelled",
      cause: "cancelled from the CLI",
    });
    const described = await service.waitForExecution(executionArn);

    // Assess
    expect(described).toMatchObject({
      status: "ABORTED",
      error: "UserCancelled",
      cause: "cancelled from the CLI",
      stopDate,
    });
    const { events } = service.getExecutionHistory({ executionArn });
    expect(events.at(-1)).toMatchObject({
      type: "ExecutionAborted",
      executionAbortedEventDetails: { error: "UserCancelled", cause: "cancelled from the CLI" },
    });
  });

  it("records the history of a run with state names and the closing event", async () => {
    // Prepare
    let polls = 0;
    service = new LocalStepFunctions({
      timeScale: 6000,
      handlers: {
        "irflow-start-job": async () => ({ jobName: "job-1", pollSeconds: 60 }),
        "irflow-describe-job": async () => {
          polls += 1;
          return { state: polls >= 2 ? "FAILED" : "IN_PROGRESS" };
        },
      },
    });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: fixture("job-poll-loop.asl.json"),
    });
    const { executionArn } = service.startExecution({ stateMachineArn, input: '{"model":"m"}' });
    await service.waitForExecution(executionArn);

    // Act
    const { events } = service.getExecutionHistory({ executionArn });

    // Assess
    expect(events[0]).toMatchObject({
      id: 1,
      previousEventId: 0,
      type: "ExecutionStarted",
      executionStartedEventDetails: { input: '{"model":"m"}' },
    });
    expect(events[1]).toMatchObject({
      type: "TaskStateEntered",
      stateEnteredEventDetails: { name: "StartJob", input: '{"model":"m"}' },
    });
    expect(events.map((event) => event.type)).toContain("WaitStateEntered");
    expect(events.map((event) => event.type)).toContain("ChoiceStateExited");
    expect(events.at(-2)).toMatchObject({
      type: "FailStateEntered",
      stateEnteredEventDetails: { name: "JobFailed" },
    });
    expect(events.at(-1)).toMatchObject({
      type: "ExecutionFailed",
      executionFailedEventDetails: { error: "JobFailed", cause: "The job reported FAILED" },
    });
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(service.describeExecution(executionArn)).toMatchObject({
      status: "FAILED",
      error: "JobFailed",
      cause: "The job reported FAILED",
    });
  });

  it("records each lambda:invoke call as TaskScheduled, TaskStarted and TaskSucceeded", async () => {
    // Prepare
    const { handler, release } = holdingHandler();
    release();
    service = new LocalStepFunctions({ region: "eu-west-1", handlers: { hold: handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "hold",
      definition: HOLD_DEFINITION,
    });
    const { executionArn } = service.startExecution({ stateMachineArn, input: '{"n":1}' });
    await service.waitForExecution(executionArn);

    // Act
    const { events } = service.getExecutionHistory({ executionArn });

    // Assess
    expect(events.slice(1, 6)).toMatchObject([
      { type: "TaskStateEntered" },
      {
        type: "TaskScheduled",
        taskScheduledEventDetails: {
          resourceType: "lambda",
          resource: "invoke",
          region: "eu-west-1",
          parameters: '{"FunctionName":"hold","Payload":{"n":1}}',
        },
      },
      {
        type: "TaskStarted",
        taskStartedEventDetails: { resourceType: "lambda", resource: "invoke" },
      },
      {
        type: "TaskSucceeded",
        taskSucceededEventDetails: {
          resourceType: "lambda",
          resource: "invoke",
          output: '{"ExecutedVersion":"$LATEST","Payload":{"held":{"n":1}},"StatusCode":200}',
        },
      },
      { type: "TaskStateExited", stateExitedEventDetails: { output: '{"held":{"n":1}}' } },
    ]);
  });

  it("records a failed Lambda Task as LambdaFunctionFailed in the history", async () => {
    // Prepare
    service = new LocalStepFunctions({
      handlers: {
        "irflow-benchmark": async () => {
          throw new TypeError("no such variant");
        },
      },
    });
    const { stateMachineArn } = service.createStateMachine({
      name: "fan-out",
      definition: fixture("fan-out.asl.json"),
    });
    const { executionArn } = service.startExecution({ stateMachineArn, input: '{"variants":[1]}' });
    await service.waitForExecution(executionArn);

    // Act
    const { events } = service.getExecutionHistory({ executionArn, includeExecutionData: false });

    // Assess
    const failed = events.find((event) => event.type === "LambdaFunctionFailed");
    expect(failed?.lambdaFunctionFailedEventDetails?.error).toBe("TypeError");
    // The cause is the document the Lambda Node.js runtime returns, as a JSON string.
    const cause = String(failed?.lambdaFunctionFailedEventDetails?.cause);
    expect(Object.keys(JSON.parse(cause))).toEqual(["errorType", "errorMessage", "trace"]);
    expect(JSON.parse(cause)).toMatchObject({
      errorType: "TypeError",
      errorMessage: "no such variant",
      trace: expect.arrayContaining(["TypeError: no such variant"]),
    });
    expect(events[0]?.executionStartedEventDetails).not.toHaveProperty("input");
  });

  it("times out an execution that outlives its TimeoutSeconds", async () => {
    // Prepare
    service = new LocalStepFunctions();
    const { stateMachineArn } = service.createStateMachine({
      name: "slow",
      definition: fixture("timeout.asl.json"),
    });
    const { executionArn } = service.startExecution({ stateMachineArn });

    // Act
    const described = await service.waitForExecution(executionArn, { timeoutMs: 5000 });

    // Assess
    expect(described).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
    expect(service.getExecutionHistory({ executionArn }).events.at(-1)?.type).toBe(
      "ExecutionTimedOut",
    );
  });

  it("reports unknown and malformed ARNs with the AWS error names", () => {
    // Prepare
    service = new LocalStepFunctions();
    const missingExecution = "arn:aws:states:us-east-1:000000000000:execution:irflow:nope";
    const missingStateMachine = "arn:aws:states:us-east-1:000000000000:stateMachine:nope";

    // Act
    const describeMissing = () => service.describeExecution(missingExecution);
    const startMissing = () => service.startExecution({ stateMachineArn: missingStateMachine });
    const describeMalformed = () => service.describeExecution("not-an-arn");

    // Assess
    expect(describeMissing).toThrow(ExecutionDoesNotExist);
    expect(startMissing).toThrow(StateMachineDoesNotExist);
    expect(describeMalformed).toThrow(InvalidArn);
  });

  it("gives up waiting for an execution after the timeout", async () => {
    // Prepare
    const hold = holdingHandler();
    service = new LocalStepFunctions({ handlers: { hold: hold.handler } });
    const { stateMachineArn } = service.createStateMachine({
      name: "irflow",
      definition: HOLD_DEFINITION,
    });
    const { executionArn } = service.startExecution({ stateMachineArn });

    // Act
    const waiting = service.waitForExecution(executionArn, { timeoutMs: 20 });

    // Assess
    await expect(waiting).rejects.toThrow(ExecutionWaitTimeout);
    expect(service.describeExecution(executionArn).status).toBe("RUNNING");
  });
});
