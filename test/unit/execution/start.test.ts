import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type StepFunctionsServer,
  startStepFunctionsServer,
} from "../../../local/stepfunctions/server.ts";
import { LocalStepFunctions } from "../../../local/stepfunctions/service.ts";
import { executionArnFor, startExecutionOnce } from "../../../src/execution/start.ts";

const STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:irflow";
const EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:irflow:job-1";
const INPUT = {
  spec: { specVersion: 1, job: { JobType: "Default" } },
  trigger: { type: "manual" },
};

function alreadyExists(): ExecutionAlreadyExists {
  return new ExecutionAlreadyExists({
    message: `Execution Already Exists: '${EXECUTION}'`,
    $metadata: { httpStatusCode: 400 },
  });
}

describe("startExecutionOnce with Step Functions' answers", () => {
  const client = new SFNClient({ region: "us-east-1" });
  const sfn = mockClient(client);

  beforeEach(() => {
    sfn.reset();
  });

  it("reports an accepted start with its ARN and describes nothing", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    // Act
    const result = await startExecutionOnce(client, {
      stateMachineArn: STATE_MACHINE,
      name: "job-1",
      input: INPUT,
    });

    // Assess
    expect(result).toEqual({ outcome: "accepted", executionArn: EXECUTION });
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name: "job-1",
      input: JSON.stringify(INPUT),
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it("adopts the existing execution when its input is the same JSON in another key order", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(alreadyExists());
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      status: "SUCCEEDED",
      input: '{"trigger":{"type":"manual"},"spec":{"job":{"JobType":"Default"},"specVersion":1}}',
    });

    // Act
    const result = await startExecutionOnce(client, {
      stateMachineArn: STATE_MACHINE,
      name: "job-1",
      input: INPUT,
    });

    // Assess
    expect(result).toEqual({
      outcome: "already-started",
      executionArn: EXECUTION,
      status: "SUCCEEDED",
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: EXECUTION,
    });
  });

  it.each([
    ["another input", JSON.stringify({ ...INPUT, trigger: { type: "schedule" } })],
    ["an input that is not JSON", "{not json"],
    ["no input", undefined],
  ])("reports a conflict for an existing execution with %s", async (_label, input) => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(alreadyExists());
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION, status: "RUNNING", input });

    // Act
    const result = await startExecutionOnce(client, {
      stateMachineArn: STATE_MACHINE,
      name: "job-1",
      input: INPUT,
    });

    // Assess
    expect(result).toEqual({ outcome: "conflict", executionArn: EXECUTION, status: "RUNNING" });
  });

  it("passes on other errors, and an error merely named ExecutionAlreadyExists, undescribed", async () => {
    // Prepare
    const lookalike = Object.assign(new Error("not from the SDK"), {
      name: "ExecutionAlreadyExists",
    });
    const missing = new ExecutionDoesNotExist({ message: "gone", $metadata: {} });
    sfn.on(StartExecutionCommand).rejectsOnce(lookalike).rejectsOnce(missing);
    const request = { stateMachineArn: STATE_MACHINE, name: "job-1", input: INPUT };

    // Act
    const first = startExecutionOnce(client, request);
    await expect(first).rejects.toBe(lookalike);
    const second = startExecutionOnce(client, request);

    // Assess
    await expect(second).rejects.toBe(missing);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });
});

describe("executionArnFor", () => {
  it.each([
    [STATE_MACHINE, EXECUTION],
    [`${STATE_MACHINE}:3`, EXECUTION],
    [`${STATE_MACHINE}:live`, EXECUTION],
    [
      "arn:aws-cn:states:cn-north-1:111122223333:stateMachine:irflow",
      "arn:aws-cn:states:cn-north-1:111122223333:execution:irflow:job-1",
    ],
  ])("names the execution of %s", (stateMachineArn, expected) => {
    // Act
    const arn = executionArnFor(stateMachineArn, "job-1");

    // Assess
    expect(arn).toBe(expected);
  });

  it("names the field when the ARN is not a state machine's", () => {
    // Act
    const derive = () => executionArnFor("arn:aws:lambda:us-east-1:111122223333:function:x", "j");

    // Assess
    expect(derive).toThrow(/stateMachineArn 'arn:aws:lambda:.*' is not a state machine ARN/);
  });
});

describe("startExecutionOnce on the local Step Functions service", () => {
  let service: LocalStepFunctions;
  let server: StepFunctionsServer;
  let client: SFNClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    // timeScale 1: the Wait state holds each execution RUNNING until the test stops it.
    service = new LocalStepFunctions({ timeScale: 1 });
    server = await startStepFunctionsServer({ service });
    client = new SFNClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    stateMachineArn = service.createStateMachine({
      name: "hold",
      roleArn: "arn:aws:iam::111122223333:role/irflow",
      definition: JSON.stringify({
        StartAt: "Hold",
        States: { Hold: { Type: "Wait", Seconds: 3600, End: true } },
      }),
    }).stateMachineArn;
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await service.close();
  });

  function executionsNamed(name: string) {
    return service
      .listExecutions({ stateMachineArn, maxResults: 1000 })
      .executions.filter((execution) => execution.name === name);
  }

  it("accepts a repeated start while the execution runs with the same input, starting one", async () => {
    // Prepare
    const request = { stateMachineArn, name: "same-while-running", input: INPUT };

    // Act
    const first = await startExecutionOnce(client, request);
    const again = await startExecutionOnce(client, {
      ...request,
      input: JSON.parse(JSON.stringify(INPUT)),
    });

    // Assess
    expect(first.outcome).toBe("accepted");
    expect(again).toEqual(first);
    expect(executionsNamed("same-while-running")).toHaveLength(1);
  });

  it("reports a conflict for another input while the execution runs", async () => {
    // Prepare
    const name = "other-while-running";
    const first = await startExecutionOnce(client, { stateMachineArn, name, input: INPUT });

    // Act
    const other = await startExecutionOnce(client, {
      stateMachineArn,
      name,
      input: { ...INPUT, trigger: { type: "schedule" } },
    });

    // Assess
    expect(other).toEqual({
      outcome: "conflict",
      executionArn: first.executionArn,
      status: "RUNNING",
    });
    expect(executionsNamed(name)).toHaveLength(1);
  });

  it("adopts a closed execution with the same input and refuses it with another", async () => {
    // Prepare
    const name = "closed";
    const first = await startExecutionOnce(client, { stateMachineArn, name, input: INPUT });
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));

    // Act
    const same = await startExecutionOnce(client, { stateMachineArn, name, input: INPUT });
    const other = await startExecutionOnce(client, {
      stateMachineArn,
      name,
      input: { ...INPUT, spec: { specVersion: 1 } },
    });

    // Assess
    expect(same).toEqual({
      outcome: "already-started",
      executionArn: first.executionArn,
      status: "ABORTED",
    });
    expect(other).toEqual({
      outcome: "conflict",
      executionArn: first.executionArn,
      status: "ABORTED",
    });
    expect(executionsNamed(name)).toHaveLength(1);
  });
});
