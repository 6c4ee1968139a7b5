import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Environment } from "../../../src/config.ts";
import { ConfigError, InvalidTriggerEventError } from "../../../src/errors.ts";
import { lambdaHandler } from "../../../src/handler.ts";
import { createRuntime } from "../../../src/runtime.ts";
import { registryTrigger, scheduleTrigger } from "../../../src/triggers/handler.ts";

const sfn = mockClient(SFNClient);
const ENV = {
  AWS_REGION: "us-east-1",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:111122223333:stateMachine:irflow",
};
const context = {
  functionName: "irflow-ScheduleTrigger",
  awsRequestId: "request-1",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:irflow-ScheduleTrigger",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
const config = {
  roleArn: "arn:aws:iam::111122223333:role/irflow-sagemaker",
  groups: {},
  schedule: {
    window: "weekly",
    targets: [
      {
        name: "bert",
        spec: {
          specVersion: 1,
          job: {
            JobType: "Default",
            RoleArn: "arn:aws:iam::111122223333:role/irflow-sagemaker",
            InputConfig: { ModelName: "bert" },
          },
        },
      },
    ],
  },
};

const runtime = (env: Environment) => createRuntime({ env, aws: { region: "us-east-1" } });
const registryTriggerHandler = (raw: unknown, env: Environment) =>
  lambdaHandler(registryTrigger(raw), runtime(env));
const scheduleTriggerHandler = (raw: unknown, env: Environment) =>
  lambdaHandler(scheduleTrigger(raw), runtime(env));

afterEach(() => {
  sfn.reset();
  vi.unstubAllEnvs();
  vi.resetModules();
  vi.restoreAllMocks();
});

describe("the trigger handlers", () => {
  it("fail at cold start when STATE_MACHINE_ARN is missing or the configuration is invalid", () => {
    // Act
    const withoutArn = () => registryTriggerHandler(config, { AWS_REGION: "us-east-1" });
    const withBadConfig = () => scheduleTriggerHandler({ ...config, roleArn: "nope" }, ENV);

    // Assess
    expect(withoutArn).toThrow(ConfigError);
    expect(withoutArn).toThrow(/STATE_MACHINE_ARN/);
    expect(withBadConfig).toThrow(/roleArn/);
  });

  it("load the bundled configuration in functions/", async () => {
    // Prepare
    vi.stubEnv("STATE_MACHINE_ARN", ENV.STATE_MACHINE_ARN);
    vi.stubEnv("AWS_REGION", "us-east-1");

    // Act
    const modules = await Promise.all([
      import("../../../functions/registry-trigger.ts"),
      import("../../../functions/schedule-trigger.ts"),
    ]);

    // Assess
    for (const module of modules) expect(typeof module.handler).toBe("function");
  });

  it("refuse an event that is not the rule's", async () => {
    // Prepare
    const handler = registryTriggerHandler(config, ENV);
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);

    // Act
    const invocation = handler({ "detail-type": "Something Else", detail: {} }, context);

    // Assess
    await expect(invocation).rejects.toBeInstanceOf(InvalidTriggerEventError);
  });

  it("run the schedule core on a Scheduled Event and return its summary", async () => {
    // Prepare
    const handler = scheduleTriggerHandler(config, ENV);
    // A new execution starts during the request, so its start date is not before it.
    sfn
      .on(StartExecutionCommand)
      .callsFake(() => ({ executionArn: "arn:execution", startDate: new Date() }));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);

    // Act
    const result = await handler(
      { "detail-type": "Scheduled Event", time: "2026-11-23T06:00:00Z", detail: {} },
      context,
    );

    // Assess
    expect(result).toEqual({
      window: "2026-W48",
      targets: [
        {
          target: "bert",
          kind: "spec",
          status: "accepted",
          executionName: "schedule-bert-2026-W48",
          executionArn: "arn:execution",
        },
      ],
    });
  });
});
