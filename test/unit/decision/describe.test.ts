import { describe, expect, it } from "vitest";
import {
  parseDescribeResponse,
  readDescribeJson,
  trafficPeakUsers,
} from "../../../src/decision/describe.ts";
import { AWS_FIXTURES, fixtureJob, readFixture } from "./support.ts";

const minimal = { JobName: "job-1", JobType: "Default", Status: "COMPLETED" };

function parsed(input: unknown) {
  const result = parseDescribeResponse(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe("parseDescribeResponse", () => {
  it("reads the AWS CLI's output: ISO timestamps, no RecommendationId, extra fields ignored", () => {
    // Act
    const job = fixtureJob(AWS_FIXTURES.defaultJob);

    // Assess
    expect(job).toMatchObject({
      jobName: "fraud-xgboost-default",
      jobType: "Default",
      status: "COMPLETED",
      region: "us-east-1",
      creationTime: "2021-10-26T20:04:57.627Z",
      benchmarkedEndpoints: [],
      endpointPerformances: [],
    });
    expect(job.trafficPeakUsers).toBeUndefined();
    expect(job.recommendations[0]).toEqual({
      recommendationId: "ml.c5.xlarge",
      endpointType: "RealTime",
      instanceType: "ml.c5.xlarge",
      jobInstanceCount: 1,
      endpointName: "sm-epc-fraud-xgboost-default-c5-xlarge",
      variantName: "sm-epc-fraud-xgboost-default-c5-xlarge",
      environment: [],
      metrics: {
        costPerHour: 0.20399999618530273,
        costPerInference: 5.246913588052848e-6,
        maxInvocations: 648,
        modelLatency: 263596,
      },
      unavailableMetrics: [],
    });
  });

  it("reads the service's JSON: epoch-second timestamps, the threshold and the traffic peak", () => {
    // Act
    const job = fixtureJob(AWS_FIXTURES.advancedJob);

    // Assess
    expect(job).toMatchObject({
      jobType: "Advanced",
      region: "us-west-2",
      creationTime: "2021-10-26T20:04:57.627Z",
      latencyThreshold: { percentile: "P95", valueInMilliseconds: 100 },
      maxInvocationsCondition: 1500,
      trafficPeakUsers: 3,
    });
    expect(job.recommendations.map((entry) => entry.recommendationId)).toEqual([
      "fraud-xgboost-load-test/ml.c5.xlarge",
      "fraud-xgboost-load-test/ml.m5.xlarge",
      "fraud-xgboost-load-test/ml.c6i.xlarge",
    ]);
    expect(job.recommendations[0]?.invocationStartTime).toBe("2021-10-26T20:10:12.500Z");
  });

  it("reads the SDK's output: Date objects and NaN numbers", () => {
    // Prepare
    const response = {
      ...minimal,
      CreationTime: new Date("2024-05-01T10:00:00Z"),
      InferenceRecommendations: [
        {
          RecommendationId: "r1",
          Metrics: { CostPerHour: 1.2, CpuUtilization: Number.NaN, ModelSetupTime: Number.NaN },
          EndpointConfiguration: { InstanceType: "ml.g5.xlarge", InitialInstanceCount: 1 },
          InvocationStartTime: new Date("2024-05-01T10:05:00Z"),
        },
      ],
    };

    // Act
    const job = parsed(response);

    // Assess
    expect(job.creationTime).toBe("2024-05-01T10:00:00.000Z");
    expect(job.recommendations[0]?.metrics).toEqual({ costPerHour: 1.2 });
    expect(job.recommendations[0]?.unavailableMetrics).toEqual([
      "CpuUtilization",
      "ModelSetupTime",
    ]);
  });

  it('treats "NaN" strings and null metrics as not available', () => {
    // Act
    const job = parsed({
      ...minimal,
      InferenceRecommendations: [
        {
          RecommendationId: "r1",
          Metrics: { CostPerHour: "NaN", CostPerInference: null, MaxInvocations: "Infinity" },
          EndpointConfiguration: { InstanceType: "ml.m5.large" },
        },
      ],
    });

    // Assess
    expect(job.recommendations[0]?.metrics).toEqual({});
    expect(job.recommendations[0]?.unavailableMetrics).toEqual(["CostPerHour", "MaxInvocations"]);
  });

  it("reads the MaximumInvocations spelling of AWS's example response", () => {
    // Act
    const job = parsed({
      ...minimal,
      InferenceRecommendations: [
        {
          Metrics: { MaximumInvocations: 648, ModelLatency: 263596 },
          EndpointConfiguration: { InstanceType: "ml.c5.xlarge" },
        },
      ],
    });

    // Assess
    expect(job.recommendations[0]?.metrics.maxInvocations).toBe(648);
  });

  it("reads an older revision with only the oldest fields", () => {
    // Act
    const job = parsed({
      ...minimal,
      Status: "STOPPED",
      InputConfig: { ModelPackageVersionArn: "arn:aws:sagemaker:eu-west-1:1:model-package/a/1" },
    });

    // Assess
    expect(job).toEqual({
      jobName: "job-1",
      jobType: "Default",
      status: "STOPPED",
      benchmarkedEndpoints: [],
      recommendations: [],
      endpointPerformances: [],
    });
  });

  it("tells serverless entries apart and keeps their configuration and environment", () => {
    // Act
    const job = parsed({
      ...minimal,
      InferenceRecommendations: [
        {
          Metrics: { CostPerInference: 2e-6, ModelSetupTime: 8000 },
          EndpointConfiguration: { ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 20 } },
          ModelConfiguration: {
            EnvironmentParameters: [
              { Key: "OMP_NUM_THREADS", ValueType: "string", Value: "2" },
              { Key: "BATCH", Value: "4" },
            ],
          },
        },
      ],
    });

    // Assess
    expect(job.recommendations[0]).toMatchObject({
      recommendationId: "serverless-4096mb-20[BATCH=4,OMP_NUM_THREADS=2]",
      endpointType: "Serverless",
      serverless: { memorySizeInMB: 4096, maxConcurrency: 20 },
      environment: [
        { key: "OMP_NUM_THREADS", value: "2" },
        { key: "BATCH", value: "4" },
      ],
      metrics: { costPerInference: 2e-6, modelSetupTime: 8000 },
    });
  });

  it("gives entries that share an id distinct ids, whatever their order", () => {
    // Prepare
    const a = {
      RecommendationId: "same",
      Metrics: { CostPerHour: 1 },
      EndpointConfiguration: { InstanceType: "ml.m5.large" },
    };
    const b = { ...a, Metrics: { CostPerHour: 2 } };

    // Act
    const forward = parsed({ ...minimal, InferenceRecommendations: [a, b] });
    const backward = parsed({ ...minimal, InferenceRecommendations: [b, a] });

    // Assess
    const ids = (job: typeof forward) =>
      Object.fromEntries(
        job.recommendations.map((entry) => [entry.metrics.costPerHour, entry.recommendationId]),
      );
    expect(ids(forward)).toEqual({ 1: "same", 2: "same#2" });
    expect(ids(backward)).toEqual(ids(forward));
  });

  it("reads the endpoint performances of a benchmarked endpoint", () => {
    // Act
    const job = parsed({
      ...minimal,
      InputConfig: { Endpoints: [{ EndpointName: "fraud-prod" }] },
      EndpointPerformances: [
        {
          Metrics: { MaxInvocations: 900, ModelLatency: 31000 },
          EndpointInfo: { EndpointName: "fraud-prod" },
        },
      ],
    });

    // Assess
    expect(job.benchmarkedEndpoints).toEqual(["fraud-prod"]);
    expect(job.endpointPerformances).toEqual([
      {
        endpointName: "fraud-prod",
        maxInvocations: 900,
        modelLatency: 31000,
        unavailableMetrics: [],
      },
    ]);
  });

  it("names every problem with its path and rule", () => {
    // Act
    const result = parseDescribeResponse({
      JobType: "Fancy",
      Status: "DONE",
      CreationTime: "yesterday",
      InferenceRecommendations: [
        { Metrics: { CostPerHour: "cheap" }, EndpointConfiguration: { InstanceType: 5 } },
        "not an object",
      ],
    });

    // Assess
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map(({ path, rule }) => `${path} ${rule}`)).toEqual([
      "CreationTime timestamp",
      "InferenceRecommendations[0].EndpointConfiguration.InstanceType type",
      "InferenceRecommendations[0].Metrics.CostPerHour type",
      "InferenceRecommendations[1] type",
      "JobName required",
      "JobType enum",
      "Status enum",
    ]);
    expect(issues[0]?.message).toBe(
      'must be an ISO 8601 time, epoch seconds or a Date; got "yesterday"',
    );
    expect(issues[2]?.message).toBe('must be a number or "NaN"; got a string');
  });

  it("reports a response that is not an object", () => {
    expect(parseDescribeResponse("COMPLETED")).toEqual({
      ok: false,
      issues: [{ path: "(response)", rule: "type", message: "must be an object; got a string" }],
    });
  });
});

describe("readDescribeJson", () => {
  it("reads the bare NaN and Infinity the AWS CLI prints, and leaves strings alone", () => {
    // Prepare
    const text = '{"a": NaN, "b": [Infinity, -Infinity, 1.5], "c": "NaN in text \\" NaN", "d": -2}';

    // Act
    const value = readDescribeJson(text);

    // Assess
    expect(value).toEqual({
      a: "NaN",
      b: ["Infinity", "-Infinity", 1.5],
      c: 'NaN in text " NaN',
      d: -2,
    });
  });

  it("reads a saved fixture the same as JSON.parse", () => {
    // Prepare
    const fixture = readFixture(AWS_FIXTURES.advancedJob);

    // Act
    const value = readDescribeJson(JSON.stringify(fixture, null, 2));

    // Assess
    expect(value).toEqual(fixture);
  });

  it("still refuses text that is not JSON", () => {
    expect(() => readDescribeJson("{JobName: x}")).toThrow(SyntaxError);
  });
});

describe("trafficPeakUsers", () => {
  it("is the largest phase's users at its end", () => {
    expect(
      trafficPeakUsers({
        TrafficPattern: {
          TrafficType: "PHASES",
          Phases: [
            { InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: 120 },
            { InitialNumberOfUsers: 3, SpawnRate: 3, DurationInSeconds: 150 },
          ],
        },
      }),
    ).toBe(12);
  });

  it("is the users of the last stair", () => {
    expect(
      trafficPeakUsers({
        TrafficPattern: {
          TrafficType: "STAIRS",
          Stairs: { DurationInSeconds: 60, NumberOfSteps: 5, UsersPerStep: 2 },
        },
      }),
    ).toBe(10);
  });

  it("is unknown without a pattern", () => {
    expect(trafficPeakUsers({})).toBeUndefined();
    expect(trafficPeakUsers(undefined)).toBeUndefined();
  });
});
