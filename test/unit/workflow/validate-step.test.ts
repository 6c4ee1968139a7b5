import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { ExecutionInput } from "../../../src/workflow/execution-input.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { validateJobSpec } from "../../../src/workflow/steps/validate-spec.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { sampleSpec } from "../../support/specs.ts";

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const dynamo = mockClient(document);
const deps = {
  store: new JobStore(document, "irflow-jobs"),
  now: () => new Date("2026-11-23T06:00:00Z"),
};
const EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:irflow:registry-x-v7-abc";
const DOMAIN_MISSING = {
  path: "ModelPackage.Domain",
  rule: "required",
  message: "the model package version has no Domain",
};

function written(): JobRecord {
  return dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item as JobRecord;
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
});

/** The step's input as the state machine builds it from the execution input. */
function validateStep(input: {
  spec: unknown;
  executionArn: string;
  executionName: string;
  trigger?: ExecutionInput["trigger"];
  precheckErrors?: ExecutionInput["precheckErrors"];
}) {
  const { executionArn, executionName, ...request } = input;
  return validateJobSpec({ request, executionArn, executionName }, deps);
}

describe("validateJobSpec with precheck errors", () => {
  it("rejects an otherwise valid spec, listing the precheck errors", async () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");

    // Act
    const output = await validateStep({
      spec,
      executionArn: EXECUTION,
      executionName: "registry-x-v7-abc",
      trigger: { type: "model-registry", detail: "arn:package" },
      precheckErrors: [DOMAIN_MISSING],
    });

    // Assess
    expect(output).toEqual({ valid: false, jobName: "rejected-registry-x-v7-abc", errorCount: 1 });
    expect(written()).toMatchObject({
      jobName: "rejected-registry-x-v7-abc",
      status: "REJECTED",
      outcome: "rejected",
      trigger: { type: "model-registry", detail: "arn:package" },
      failure: { step: "ValidateSpec", errors: [DOMAIN_MISSING] },
    });
  });

  it("lists the spec's own errors and the precheck errors together", async () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");
    (spec.job as Record<string, unknown>).JobType = "Sometimes";

    // Act
    const output = await validateStep({
      spec,
      executionArn: EXECUTION,
      executionName: "registry-x-v7-abc",
      precheckErrors: [DOMAIN_MISSING],
    });

    // Assess
    expect(output).toMatchObject({ valid: false, errorCount: 2 });
    expect(written().failure?.errors?.map((issue) => issue.path)).toEqual([
      "job.JobType",
      "ModelPackage.Domain",
    ]);
  });

  it("accepts a valid spec when the precheck found nothing", async () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");

    // Act
    const output = await validateStep({
      spec,
      executionArn: EXECUTION,
      executionName: "registry-x-v7-abc",
      precheckErrors: [],
    });

    // Assess
    expect(output).toMatchObject({ valid: true, jobType: "Default" });
    expect(written().status).toBe("VALIDATED");
  });
});

describe("validateJobSpec with an execution input that is not { spec }", () => {
  it("refuses a job spec sent on its own, saying to send it as { spec }", async () => {
    // Prepare
    const request = sampleSpec("default-model-package.json");

    // Act
    const output = await validateJobSpec(
      { request, executionArn: EXECUTION, executionName: "plain-spec" },
      deps,
    );

    // Assess
    expect(output).toEqual({ valid: false, jobName: "rejected-plain-spec", errorCount: 1 });
    expect(written().failure?.errors).toEqual([
      {
        path: "spec",
        rule: "execution-input",
        message:
          'is required: this input is a job spec on its own; start the execution with { "spec": <the job spec> } instead',
      },
    ]);
  });

  it("names the input's shape when it has neither a spec nor a job", async () => {
    // Act
    const output = await validateJobSpec(
      { request: { trigger: { type: "manual" } }, executionArn: EXECUTION, executionName: "empty" },
      deps,
    );

    // Assess
    expect(output).toMatchObject({ valid: false, errorCount: 1 });
    expect(written().failure?.errors?.[0]?.message).toBe(
      'is required: start the execution with { "spec": <the job spec>, "trigger"?: ... }',
    );
  });
});
