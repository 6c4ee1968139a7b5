import { afterEach, describe, expect, it } from "vitest";
import { toAwsJson } from "../../../../local/aws-json.ts";
import {
  type StepFunctionsServer,
  startStepFunctionsServer,
} from "../../../../local/stepfunctions/server.ts";
import { LocalStepFunctions } from "../../../../local/stepfunctions/service.ts";

const PASS_DEFINITION = JSON.stringify({
  StartAt: "Done",
  States: { Done: { Type: "Pass", End: true } },
});

const servers: StepFunctionsServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** One JSON 1.0 request through the server: target header and body text in, status and JSON out. */
async function handleJsonRequest(service: LocalStepFunctions, target: string, body: string) {
  const server = await startStepFunctionsServer({ service });
  servers.push(server);
  const response = await fetch(server.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body,
  });
  return { statusCode: response.status, body: await response.text() };
}

describe("the JSON 1.0 operations", () => {
  it("answers an operation with its result and timestamps in epoch seconds", async () => {
    // Prepare
    const service = new LocalStepFunctions();
    const body = JSON.stringify({ name: "irflow", definition: PASS_DEFINITION });

    // Act
    const response = await handleJsonRequest(service, "AWSStepFunctions.CreateStateMachine", body);

    // Assess
    expect(response.statusCode).toBe(200);
    const parsed = JSON.parse(response.body);
    expect(parsed.stateMachineArn).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:irflow",
    );
    expect(parsed.creationDate).toEqual(expect.any(Number));
    expect(Math.abs(parsed.creationDate - Date.now() / 1000)).toBeLessThan(60);
  });

  it("answers a service error with HTTP 400 and its name as __type", async () => {
    // Prepare
    const service = new LocalStepFunctions();
    const body = JSON.stringify({
      executionArn: "arn:aws:states:us-east-1:000000000000:execution:irflow:missing",
    });

    // Act
    const response = await handleJsonRequest(service, "AWSStepFunctions.DescribeExecution", body);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      __type: "ExecutionDoesNotExist",
      message: expect.stringContaining("missing"),
    });
  });

  it("answers a request missing a required member with ValidationException", async () => {
    // Prepare
    const service = new LocalStepFunctions();

    // Act
    const response = await handleJsonRequest(service, "AWSStepFunctions.StartExecution", "{}");

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      __type: "ValidationException",
      message: expect.stringContaining("stateMachineArn"),
    });
  });

  it("answers an unknown target and a body that is not JSON with their own errors", async () => {
    // Prepare
    const service = new LocalStepFunctions();

    // Act
    const unknown = await handleJsonRequest(service, "AWSStepFunctions.DeleteStateMachine", "{}");
    const garbled = await handleJsonRequest(service, "AWSStepFunctions.ListStateMachines", "{");

    // Assess
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body).__type).toBe("UnknownOperationException");
    expect(garbled.statusCode).toBe(400);
    expect(JSON.parse(garbled.body).__type).toBe("SerializationException");
  });
});

describe("toAwsJson", () => {
  it("turns nested dates into epoch seconds and keeps everything else", () => {
    // Prepare
    const value = { at: new Date(1_700_000_000_500), list: [{ at: new Date(0) }], name: "x" };

    // Act
    const wire = JSON.parse(toAwsJson(value));

    // Assess
    expect(wire).toEqual({ at: 1_700_000_000.5, list: [{ at: 0 }], name: "x" });
  });
});
