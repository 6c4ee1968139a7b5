import { describe, expect, it } from "vitest";
import { resolveTaskTarget, TaskFailure } from "../../../../local/stepfunctions/targets.ts";

const location = { region: "us-east-1", accountId: "000000000000" };

describe("resolveTaskTarget", () => {
  it("reads the function and Payload of a lambda:invoke Task", () => {
    // Prepare
    const input = { FunctionName: "irflow-start-job:live", Payload: { spec: 1 } };

    // Act
    const target = resolveTaskTarget("arn:aws:states:::lambda:invoke", input, location);

    // Assess
    expect(target).toEqual({
      kind: "lambda",
      integration: "invoke",
      functionName: "irflow-start-job",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:irflow-start-job:live",
      payload: { spec: 1 },
      handlerKeys: [
        "irflow-start-job:live",
        "arn:aws:lambda:us-east-1:000000000000:function:irflow-start-job:live",
        "irflow-start-job",
      ],
    });
  });

  it("takes the function from a Lambda ARN resource and passes the whole input", () => {
    // Prepare
    const resource = "arn:aws:lambda:eu-west-1:123456789012:function:irflow-check";

    // Act
    const target = resolveTaskTarget(resource, { jobName: "j" }, location);

    // Assess
    expect(target).toMatchObject({
      kind: "lambda",
      integration: "direct",
      functionName: "irflow-check",
      invokedFunctionArn: resource,
      payload: { jobName: "j" },
      handlerKeys: [resource, "irflow-check"],
    });
  });

  it("binds any other resource by its full ARN", () => {
    // Prepare
    const resource = "arn:aws:states:::events:putEvents";

    // Act
    const target = resolveTaskTarget(resource, { Entries: [] }, location);

    // Assess
    expect(target).toEqual({
      kind: "resource",
      resource,
      payload: { Entries: [] },
      handlerKeys: [resource],
    });
  });

  it("fails a lambda:invoke Task without a FunctionName with States.Runtime", () => {
    // Prepare
    const input = { Payload: {} };

    // Act
    const resolve = () => resolveTaskTarget("arn:aws:states:::lambda:invoke", input, location);

    // Assess
    expect(resolve).toThrow(TaskFailure);
    expect(resolve).toThrow(expect.objectContaining({ name: "States.Runtime" }));
  });
});

describe("TaskFailure.fromThrown", () => {
  it("keeps a thrown error's name and message", () => {
    // Prepare
    const thrown = new TypeError("bad variant");

    // Act
    const failure = TaskFailure.fromThrown(thrown);

    // Assess
    expect(failure).toMatchObject({ name: "TypeError", message: "bad variant" });
  });
});

describe("TaskFailure.fromLambda", () => {
  it("reports a thrown error as the Lambda Node.js runtime does: errorType, errorMessage, trace", () => {
    // Prepare
    const thrown = new TypeError("bad variant");

    // Act
    const failure = TaskFailure.fromLambda(thrown);

    // Assess
    expect(failure.name).toBe("TypeError");
    expect(failure.message).toBe(
      JSON.stringify({
        errorType: "TypeError",
        errorMessage: "bad variant",
        trace: thrown.stack?.split("\n"),
      }),
    );
  });

  it("reports a thrown string with its type as errorType and no trace", () => {
    // Act
    const failure = TaskFailure.fromLambda("quota reached");

    // Assess
    expect(failure.name).toBe("string");
    expect(JSON.parse(failure.message)).toEqual({
      errorType: "string",
      errorMessage: "quota reached",
      trace: [],
    });
  });
});
