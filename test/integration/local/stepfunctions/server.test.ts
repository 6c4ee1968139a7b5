import { readFileSync } from "node:fs";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type StepFunctionsServer,
  startStepFunctionsServer,
} from "../../../../local/stepfunctions/server.ts";
import { LocalStepFunctions } from "../../../../local/stepfunctions/service.ts";

const pollLoop = readFileSync(
  new URL("../../../fixtures/asl/job-poll-loop.asl.json", import.meta.url),
  "utf8",
);

const HOLD_DEFINITION = JSON.stringify({
  StartAt: "Pause",
  States: { Pause: { Type: "Wait", Seconds: 3600, End: true } },
});

describe("local Step Functions server", () => {
  let server: StepFunctionsServer;
  let service: LocalStepFunctions;
  let client: SFNClient;
  let pollLoopArn: string;

  beforeAll(async () => {
    let describeCalls = 0;
    service = new LocalStepFunctions({
      timeScale: 6000,
      handlers: {
        "irflow-start-job": async () => ({ jobName: "job-1", pollSeconds: 300 }),
        "irflow-describe-job": async () => {
          describeCalls += 1;
          return { state: describeCalls % 2 === 0 ? "COMPLETED" : "IN_PROGRESS" };
        },
      },
    });
    server = await startStepFunctionsServer({ port: 0, service });
    client = new SFNClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const created = await client.send(
      new CreateStateMachineCommand({
        name: "irflow-poll",
        definition: pollLoop,
        roleArn: "arn:aws:iam::000000000000:role/irflow",
      }),
    );
    pollLoopArn = created.stateMachineArn ?? "";
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await service.close();
  });

  it("listens on 127.0.0.1 only", () => {
    // Prepare
    const expected = `http://127.0.0.1:${server.port}`;

    // Act
    const { endpoint } = server;

    // Assess
    expect(endpoint).toBe(expected);
    expect(server.port).toBeGreaterThan(0);
  });

  it("describes and lists the state machine with SDK-parsed dates", async () => {
    // Prepare
    const describe = new DescribeStateMachineCommand({ stateMachineArn: pollLoopArn });

    // Act
    const described = await client.send(describe);
    const listed = await client.send(new ListStateMachinesCommand({}));

    // Assess
    expect(pollLoopArn).toBe("arn:aws:states:us-east-1:000000000000:stateMachine:irflow-poll");
    expect(described).toMatchObject({
      name: "irflow-poll",
      status: "ACTIVE",
      type: "STANDARD",
      definition: pollLoop,
      roleArn: "arn:aws:iam::000000000000:role/irflow",
    });
    expect(described.creationDate).toBeInstanceOf(Date);
    expect(listed.stateMachines?.map((machine) => machine.name)).toContain("irflow-poll");
  });

  it("runs an execution to SUCCEEDED and reports it in list and history", async () => {
    // Prepare
    const start = new StartExecutionCommand({
      stateMachineArn: pollLoopArn,
      name: "run-1",
      input: JSON.stringify({ model: "fraud" }),
    });

    // Act
    const started = await client.send(start);
    const executionArn = started.executionArn ?? "";
    let described: DescribeExecutionCommandOutput;
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      described = await client.send(new DescribeExecutionCommand({ executionArn }));
    } while (described.status === "RUNNING");
    const listed = await client.send(
      new ListExecutionsCommand({ stateMachineArn: pollLoopArn, statusFilter: "SUCCEEDED" }),
    );
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assess
    expect(executionArn).toBe("arn:aws:states:us-east-1:000000000000:execution:irflow-poll:run-1");
    expect(started.startDate).toBeInstanceOf(Date);
    expect(described.status).toBe("SUCCEEDED");
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(started.startDate?.getTime() ?? 0);
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      model: "fraud",
      status: { state: "COMPLETED" },
    });
    expect(listed.executions?.map((execution) => execution.name)).toContain("run-1");
    const events = history.events ?? [];
    expect(events[0]?.type).toBe("ExecutionStarted");
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events.at(-1)?.type).toBe("ExecutionSucceeded");
    expect(
      events.flatMap((event) =>
        event.type === "TaskStateEntered" ? [event.stateEnteredEventDetails?.name] : [],
      ),
    ).toEqual(["StartJob", "DescribeJob", "DescribeJob"]);
  });

  it("surfaces ExecutionAlreadyExists as the SDK exception of that name", async () => {
    // Prepare
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({
        name: "irflow-hold",
        definition: HOLD_DEFINITION,
        roleArn: "arn:aws:iam::000000000000:role/irflow",
      }),
    );
    await client.send(new StartExecutionCommand({ stateMachineArn, name: "held", input: "{}" }));

    // Act
    const repeated = client.send(
      new StartExecutionCommand({ stateMachineArn, name: "held", input: '{"other":true}' }),
    );

    // Assess
    await expect(repeated).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(repeated).rejects.toMatchObject({
      name: "ExecutionAlreadyExists",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("stops a running execution as ABORTED", async () => {
    // Prepare
    const stateMachineArn = "arn:aws:states:us-east-1:000000000000:stateMachine:irflow-hold";
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: "to-stop" }),
    );

    // Act
    const stopped = await client.send(
      new StopExecutionCommand({ executionArn, error: "Cancelled", cause: "test" }),
    );
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: "ABORTED", error: "Cancelled", cause: "test" });
  });

  it("surfaces InvalidDefinition and ExecutionDoesNotExist as SDK exceptions", async () => {
    // Prepare
    const createBroken = new CreateStateMachineCommand({
      name: "broken",
      definition: '{"StartAt":"Nowhere","States":{}}',
      roleArn: "arn:aws:iam::000000000000:role/irflow",
    });
    const describeMissing = new DescribeExecutionCommand({
      executionArn: "arn:aws:states:us-east-1:000000000000:execution:irflow-poll:missing",
    });

    // Act
    const created = client.send(createBroken);
    const described = client.send(describeMissing);

    // Assess
    await expect(created).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(described).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it("answers with the JSON 1.0 content type and a request id", async () => {
    // Prepare
    const request = {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
      },
      body: "{}",
    };

    // Act
    const response = await fetch(`${server.endpoint}/`, request);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toHaveProperty("stateMachines");
  });

  it("describes the state machine of an execution with DescribeStateMachineForExecution", async () => {
    // Prepare
    const { executionArn } = await client.send(
      new StartExecutionCommand({ stateMachineArn: pollLoopArn, name: "for-execution" }),
    );

    // Act
    const described = await client.send(
      new DescribeStateMachineForExecutionCommand({ executionArn }),
    );

    // Assess
    expect(described).toMatchObject({
      stateMachineArn: pollLoopArn,
      name: "irflow-poll",
      definition: pollLoop,
      roleArn: "arn:aws:iam::000000000000:role/irflow",
      updateDate: expect.any(Date),
    });
  });

  it("lists no tags for a state machine, and refuses an unknown resource", async () => {
    // Act
    const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: pollLoopArn }));
    const unknown = await client
      .send(
        new ListTagsForResourceCommand({
          resourceArn: "arn:aws:states:us-east-1:000000000000:stateMachine:none",
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(listed.tags).toEqual([]);
    expect(unknown).toMatchObject({ name: "ResourceNotFound" });
  });

  it("validates a definition with the checks CreateStateMachine makes", async () => {
    // Act
    const valid = await client.send(
      new ValidateStateMachineDefinitionCommand({ definition: pollLoop }),
    );
    const invalid = await client.send(
      new ValidateStateMachineDefinitionCommand({
        definition: JSON.stringify({ StartAt: "Missing", States: { Only: { Type: "Succeed" } } }),
      }),
    );

    // Assess
    expect(valid).toMatchObject({ result: "OK", diagnostics: [], truncated: false });
    expect(invalid.result).toBe("FAIL");
    expect(invalid.diagnostics).toContainEqual({
      severity: "ERROR",
      code: "SCHEMA_VALIDATION_FAILED",
      message: "MISSING_TRANSITION_TARGET: State Only is not reachable",
    });
  });
});
