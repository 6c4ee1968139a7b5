import { describe, expect, it } from "vitest";
import {
  categorize,
  diagnoseFailure,
  LOG_GROUP,
  logEventsUrl,
  parseJobSteps,
} from "../../../src/decision/diagnose.ts";
import { fixtureJob, readFixture } from "./support.ts";

describe("categorize", () => {
  it.each([
    [
      "Specify Domain in the Model Package version 1. Domain is a mandatory parameter for the job.",
      "invalid-input",
    ],
    [
      "Specify Framework in the Model Package version 1.Framework is a mandatory parameter for the job.",
      "invalid-input",
    ],
    [
      "Provided role ARN cannot be assumed and an AWSSecurityTokenServiceException error occurred.",
      "permissions",
    ],
    [
      "Users at the end of prev phase is 0 while initial users of current phase is 1",
      "invalid-input",
    ],
    ["Total traffic duration (across) should not exceed job duration.", "invalid-input"],
    ["Burstable instance type ml.t2.medium are not allowed.", "invalid-input"],
    ["ResourceLimitExceeded when calling CreateEndpoint operation", "quota"],
    ["ModelError when calling InvokeEndpoint operation", "model-error"],
    ["ModelError: the model cannot process the input payload", "model-error"],
    ["PayloadError when calling InvokeEndpoint operation", "payload"],
    ["InsufficientInstanceCapacity: not enough ml.p4d.24xlarge capacity", "capacity"],
    ["The job timed out before the benchmarks finished", "timeout"],
    ["InternalServerError: an internal error occurred", "internal"],
    ["Something nobody documented", "unknown"],
  ] as const)("reads %j as %s", (reason, category) => {
    expect(categorize(reason)).toBe(category);
  });

  it("reads the emulator's failure reasons as the documented causes they imitate", () => {
    expect(
      categorize(
        "Benchmark on ml.m5.xlarge failed: the model container did not answer the /ping health check before the startup timeout.",
      ),
    ).toBe("model-error");
    expect(
      categorize(
        "Benchmark on ml.m5.xlarge failed: every invocation with the sample payload returned a client error (4xx).",
      ),
    ).toBe("payload");
    expect(
      categorize(
        "Benchmark on ml.m5.xlarge failed: ResourceLimitExceeded when creating the endpoint; the account's quota for ml.m5.xlarge endpoint usage is used up.",
      ),
    ).toBe("quota");
  });
});

describe("diagnoseFailure", () => {
  it("names the failed benchmarks, the job's category, the next step and where to look", () => {
    // Prepare
    const job = fixtureJob("failed-model-error");
    const steps = parseJobSteps(readFixture("failed-model-error.steps"));
    if (!steps.ok) throw new Error(JSON.stringify(steps.issues));

    // Act
    const diagnosis = diagnoseFailure({ ...job, steps: steps.value });

    // Assess: the job's own reason names no cause; two of three benchmarks are model errors.
    expect(diagnosis.category).toBe("model-error");
    expect(diagnosis.hint).toMatch(/^The model container failed/);
    expect(diagnosis.failureReason).toBe(
      "All benchmarks failed. See the job's log streams for details.",
    );
    expect(diagnosis.failedBenchmarks.map((item) => [item.instanceType, item.category])).toEqual([
      ["ml.c5.xlarge", "model-error"],
      ["ml.m5.xlarge", "model-error"],
      ["ml.g4dn.xlarge", "quota"],
    ]);
    expect(diagnosis.logs).toEqual({
      logGroup: "/aws/sagemaker/InferenceRecommendationsJobs",
      streams: [
        "fraud-xgboost-v8-flaky/execution",
        "fraud-xgboost-v8-flaky/Endpoint/sm-epc-fraud-xgboost-v8-flaky-c5-xlarge",
        "fraud-xgboost-v8-flaky/Endpoint/sm-epc-fraud-xgboost-v8-flaky-g4dn-xlarge",
        "fraud-xgboost-v8-flaky/Endpoint/sm-epc-fraud-xgboost-v8-flaky-m5-xlarge",
      ],
    });
    expect(diagnosis.consoleUrl).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FInferenceRecommendationsJobs/log-events/fraud-xgboost-v8-flaky$252Fexecution",
    );
  });

  it("prefers the category the job's own reason names", () => {
    // Act
    const diagnosis = diagnoseFailure({
      jobName: "j",
      status: "FAILED",
      failureReason:
        "Provided role ARN cannot be assumed and an AWSSecurityTokenServiceException error occurred.",
      steps: [
        {
          Status: "FAILED",
          InferenceBenchmark: { FailureReason: "ModelError when calling InvokeEndpoint" },
        },
      ],
    });

    // Assess
    expect(diagnosis.category).toBe("permissions");
  });

  it("says a stopped job was stopped, without inventing a cause", () => {
    // Act
    const diagnosis = diagnoseFailure({ jobName: "j", status: "STOPPED" });

    // Assess
    expect(diagnosis).toMatchObject({ category: "unknown", failedBenchmarks: [] });
    expect(diagnosis.hint).toMatch(/^The job was stopped before it completed/);
    expect(diagnosis.logs.streams).toEqual(["j/execution"]);
    expect(diagnosis.consoleUrl).toBeUndefined();
  });

  it("names a failed serverless benchmark by its configuration", () => {
    // Act
    const diagnosis = diagnoseFailure({
      jobName: "j",
      status: "FAILED",
      steps: [
        {
          Status: "FAILED",
          InferenceBenchmark: {
            FailureReason: "PayloadError when calling InvokeEndpoint operation",
            EndpointConfiguration: {
              ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
            },
          },
        },
      ],
    });

    // Assess
    expect(diagnosis.failedBenchmarks).toEqual([
      {
        serverless: { memorySizeInMB: 2048, maxConcurrency: 5 },
        reason: "PayloadError when calling InvokeEndpoint operation",
        category: "payload",
      },
    ]);
    expect(diagnosis.category).toBe("payload");
  });
});

describe("parseJobSteps", () => {
  it("reads a response or its Steps array, and names what is wrong", () => {
    expect(parseJobSteps({ Steps: [{ StepType: "BENCHMARK" }] })).toEqual({
      ok: true,
      value: [{ StepType: "BENCHMARK" }],
    });
    expect(parseJobSteps([])).toEqual({ ok: true, value: [] });
    expect(parseJobSteps({})).toEqual({ ok: true, value: [] });
    const bad = parseJobSteps({ Steps: [{ InferenceBenchmark: { FailureReason: 7 } }] });
    expect(bad.ok).toBe(false);
  });
});

describe("logEventsUrl", () => {
  it("links to the console of the region's partition", () => {
    expect(logEventsUrl("cn-north-1", "j/execution")).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/cloudwatch\/home\?region=cn-north-1#/,
    );
    expect(logEventsUrl("us-gov-west-1", "j/execution")).toMatch(
      /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\//,
    );
    expect(LOG_GROUP).toBe("/aws/sagemaker/InferenceRecommendationsJobs");
  });
});
