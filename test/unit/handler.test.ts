import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  DescribeInferenceRecommendationsJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { defineFunction, lambdaHandler } from "../../src/handler.ts";
import { createRuntime } from "../../src/runtime.ts";
import { runningRecord } from "../support/records.ts";

const sagemaker = mockClient(SageMakerClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:irflow:run-7";
/** A poll after which the schedule wants a plain Describe, not the steps. */
const POLLED = { status: "PENDING", waitSeconds: 60, deadlinePassed: false, pollCount: 1 };
const context = {
  functionName: "irflow-DescribeJob",
  awsRequestId: "request-1",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:irflow-DescribeJob",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  vi.stubEnv("TABLE_NAME", "irflow-jobs");
  vi.stubEnv("EVENT_BUS_NAME", "irflow");
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("POWERTOOLS_LOG_LEVEL", "INFO");
  ({ handler } = await import("../../functions/describe-job.ts"));
});

beforeEach(() => {
  sagemaker.reset();
  dynamo.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function captureLogs(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      return true;
    });
  }
  return lines;
}

describe("a step handler", () => {
  it("logs structured JSON with the job name and execution on every line", async () => {
    // Prepare
    const record = runningRecord(
      "job-7",
      { version: 3, executionArn: EXECUTION, pollCount: 1, waitedSeconds: 30, lastPoll: POLLED },
      new Date(),
    );
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ Status: "IN_PROGRESS" } as never);
    dynamo.on(GetCommand).resolves({ Item: record });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...record, version: 4 } });
    const lines = captureLogs();

    // Act
    const output = await handler({ jobName: "job-7", executionArn: EXECUTION }, context);

    // Assess
    expect(output).toMatchObject({ status: "IN_PROGRESS", pollCount: 2, deadlinePassed: false });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        jobName: "job-7",
        executionArn: EXECUTION,
        service: "irflow",
        step: "DescribeJob",
      });
    }
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe("#version = :expected");
    expect(update?.ExpressionAttributeValues?.[":expected"]).toBe(3);
  });

  it("fails with InvalidStepInputError when the state machine sends something else", async () => {
    // Prepare
    captureLogs();

    // Act
    const error = await handler({ job: "job-7" }, context).catch((caught: Error) => caught);

    // Assess
    expect((error as Error).name).toBe("InvalidStepInputError");
    expect((error as Error).message).toContain("jobName");
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it("passes throttling on as TransientAwsError for the state machine to retry", async () => {
    // Prepare
    captureLogs();
    dynamo.on(GetCommand).resolves({
      Item: runningRecord("job-7", { executionArn: EXECUTION, lastPoll: POLLED }, new Date()),
    });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));

    // Act
    const error = await handler({ jobName: "job-7", executionArn: EXECUTION }, context).catch(
      (caught: Error) => caught,
    );

    // Assess
    expect((error as Error).name).toBe("TransientAwsError");
    expect((error as Error).cause).toMatchObject({ name: "ThrottlingException" });
  });
});

describe("loadConfig", () => {
  it("names every missing setting", () => {
    // Act
    const error = (() => {
      try {
        loadConfig({ EVENT_BUS_NAME: "" });
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("TABLE_NAME");
    expect((error as Error).message).toContain("EVENT_BUS_NAME");
  });
});

describe("lambdaHandler", () => {
  const definition = defineFunction({
    name: "Probe",
    kind: "step",
    input: z.object({ count: z.number().int() }),
    settings: z.object({}),
    connect: (runtime) => ({ metrics: runtime.metrics }),
    run: async (input: { count: number }, deps: { metrics?: Metrics | undefined }) => {
      if (input.count > 0) deps.metrics?.addMetric("Probed", MetricUnit.Count, input.count);
      return { ok: true };
    },
  });

  it("flushes the metrics an invocation recorded, and writes none when it recorded none", async () => {
    // Prepare
    const metrics = new Metrics({ namespace: "irflow-test", serviceName: "irflow" });
    const runtime = { ...createRuntime({ env: {}, aws: {} }), metrics };
    const handler = lambdaHandler(definition, runtime);
    const lines = captureLogs();

    // Act
    await handler({ count: 3 }, context);
    const afterFirst = lines.filter((line) => "_aws" in line);
    await handler({ count: 0 }, context);
    const afterSecond = lines.filter((line) => "_aws" in line);

    // Assess
    expect(afterFirst).toHaveLength(1);
    expect(afterFirst[0]).toMatchObject({ Probed: 3 });
    expect(afterSecond).toHaveLength(1);
  });

  it("validates the function's settings all at once before its first invocation", () => {
    // Prepare
    const needsTwo = defineFunction({
      ...definition,
      settings: z.object({ FIRST: z.string(), SECOND: z.string() }),
      connect: () => ({}),
    });

    // Act
    const build = () => lambdaHandler(needsTwo, createRuntime({ env: {}, aws: {} }));

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/FIRST[\s\S]*SECOND/);
  });
});
