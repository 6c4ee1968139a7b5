import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AwsServiceError, type JsonObject } from "../../../../local/aws-json.ts";
import {
  CONSTRAINTS_SOURCE,
  parseCreateJobConstraints,
  validateCreateJobRequest,
} from "../../../../local/sagemaker/request-validation.ts";
import { setPath } from "../../../support/specs.ts";

const DATA_FILE = join(
  import.meta.dirname,
  "../../../../local/sagemaker/data/create-job-constraints.json",
);
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud-xgboost/7";
const IC = "InputConfig";

function advancedRequest(): JsonObject {
  return {
    JobName: "load-test-1",
    JobType: "Advanced",
    RoleArn: "arn:aws:iam::111122223333:role/irflow-sagemaker",
    InputConfig: {
      ModelPackageVersionArn: PACKAGE,
      JobDurationInSeconds: 7200,
      TrafficPattern: {
        TrafficType: "PHASES",
        Phases: [
          { InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: 600 },
          { InitialNumberOfUsers: 3, SpawnRate: 3, DurationInSeconds: 900 },
        ],
      },
      ResourceLimit: { MaxNumberOfTests: 4, MaxParallelOfTests: 2 },
      EndpointConfigurations: [{ InstanceType: "ml.c5.xlarge" }, { InstanceType: "ml.m5.xlarge" }],
    },
    StoppingConditions: {
      MaxInvocations: 3000,
      ModelLatencyThresholds: [{ Percentile: "P95", ValueInMilliseconds: 100 }],
    },
  };
}

function edited(edits: Record<string, unknown>): JsonObject {
  const request = advancedRequest();
  for (const [path, value] of Object.entries(edits)) setPath(request, path, value);
  return request;
}

/** The error validation throws; fails the test when the request is accepted. */
function refusal(request: JsonObject): AwsServiceError {
  try {
    validateCreateJobRequest(request);
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused, but it was accepted");
}

describe("the service model's constraints", () => {
  it("come from the installed botocore's SageMaker model, with its version and date", () => {
    // Act
    const source = CONSTRAINTS_SOURCE;

    // Assess
    expect(source).toMatchObject({
      package: "botocore",
      service: "SageMaker",
      apiVersion: "2017-07-24",
      operation: "CreateInferenceRecommendationsJob",
    });
    expect(source.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(source.extractedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("accepts a valid request and keeps it, without members the model does not have", () => {
    // Prepare
    const request = edited({ [`${IC}.MaxRuntime`]: 3600, Surprise: true });

    // Act
    const kept = validateCreateJobRequest(request);

    // Assess
    const expected = advancedRequest();
    expect(kept).toEqual(expected);
  });

  it("reports every broken constraint at once, in the service's words", () => {
    // Prepare
    const request = edited({
      RoleArn: undefined,
      JobName: "load_test",
      [`${IC}.TrafficPattern.Stairs`]: undefined,
      [`${IC}.EndpointConfigurations[1].InstanceType`]: "ml.m5.huge",
    });

    // Act
    const error = refusal(request);

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toMatch(/^3 validation errors detected: /);
    expect(error.message).toContain(
      "Value 'load_test' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}",
    );
    expect(error.message).toContain(
      "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
    expect(error.message).toContain(
      "Value 'ml.m5.huge' at 'inputConfig.endpointConfigurations.2.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [",
    );
  });

  it.each([
    [
      "a length",
      { JobDescription: "d".repeat(129) },
      `Value '${"d".repeat(129)}' at 'jobDescription' failed to satisfy constraint: Member must have length less than or equal to 128`,
    ],
    [
      "a minimum",
      { [`${IC}.TrafficPattern.Phases[1].SpawnRate`]: -1 },
      "Value '-1' at 'inputConfig.trafficPattern.phases.2.member.spawnRate' failed to satisfy constraint: Member must have value greater than or equal to 0",
    ],
    [
      "a maximum",
      {
        [`${IC}.TrafficPattern`]: {
          TrafficType: "STAIRS",
          Stairs: { DurationInSeconds: 60, NumberOfSteps: 2, UsersPerStep: 4 },
        },
      },
      "Value '4' at 'inputConfig.trafficPattern.stairs.usersPerStep' failed to satisfy constraint: Member must have value less than or equal to 3",
    ],
    [
      "a list's length",
      { "StoppingConditions.ModelLatencyThresholds": [] },
      "Value '[]' at 'stoppingConditions.modelLatencyThresholds' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      "an enum",
      { JobType: "Quick" },
      "Value 'Quick' at 'jobType' failed to satisfy constraint: Member must satisfy enum value set: [Default, Advanced]",
    ],
    [
      "a required member of a structure",
      { [`${IC}.VpcConfig`]: { Subnets: ["subnet-1"] } },
      "Value null at 'inputConfig.vpcConfig.securityGroupIds' failed to satisfy constraint: Member must not be null",
    ],
  ])("answers %s with ValidationException", (_, edits, message) => {
    // Act
    const error = refusal(edited(edits));

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toBe(`1 validation error detected: ${message}`);
  });

  it("treats a JSON null member as absent", () => {
    // Prepare
    const request = edited({ JobDescription: null });

    // Act
    const kept = validateCreateJobRequest(request);

    // Assess
    expect(kept).not.toHaveProperty("JobDescription");
  });

  it.each([
    ["a string for an integer", { [`${IC}.JobDurationInSeconds`]: "7200" }, "STRING_VALUE"],
    ["a fraction for an integer", { [`${IC}.JobDurationInSeconds`]: 7200.5 }, "NUMBER_VALUE"],
    ["an object for a list", { [`${IC}.EndpointConfigurations`]: {} }, "START_OBJECT"],
    ["a list for a structure", { StoppingConditions: [] }, "START_ARRAY"],
  ])("answers %s with SerializationException", (_, edits, kind) => {
    // Act
    const error = refusal(edited(edits));

    // Assess
    expect(error.name).toBe("SerializationException");
    expect(error.message).toContain(kind);
  });

  it("accepts an instance type the model lists and irflow does not", () => {
    // Prepare
    const request = edited({ [`${IC}.EndpointConfigurations[1].InstanceType`]: "ml.g7e.2xlarge" });

    // Act
    const kept = validateCreateJobRequest(request);

    // Assess
    expect(kept.InputConfig.EndpointConfigurations?.[1]?.InstanceType).toBe("ml.g7e.2xlarge");
  });

  it("refuses a constraints file that references a shape it does not define", () => {
    // Prepare
    const file = JSON.parse(readFileSync(DATA_FILE, "utf8"));
    delete file.shapes.RecommendationJobName;

    // Act
    const parse = () => parseCreateJobConstraints(file, "broken.json");

    // Assess
    expect(parse).toThrow(/broken\.json[\s\S]*RecommendationJobName/);
  });
});

describe("the documented rules the model does not express", () => {
  it.each([
    ["no model", { [`${IC}.ModelPackageVersionArn`]: undefined }, "must specify a model"],
    ["two models", { [`${IC}.ModelName`]: "fraud" }, "only one of ModelPackageVersionArn"],
    [
      "an unversioned package",
      { [`${IC}.ModelPackageVersionArn`]: PACKAGE.replace(/\/7$/, "") },
      "not the ARN of a versioned model package",
    ],
    ["a job over 18,000 s", { [`${IC}.JobDurationInSeconds`]: 18001 }, "at most 18000 seconds"],
    [
      "Phases with the STAIRS type",
      { [`${IC}.TrafficPattern.TrafficType`]: "STAIRS" },
      "Stairs is required for the STAIRS traffic type",
    ],
    [
      "Stairs without the STAIRS type",
      {
        [`${IC}.TrafficPattern`]: {
          Stairs: { DurationInSeconds: 60, NumberOfSteps: 2, UsersPerStep: 1 },
        },
      },
      "TrafficType must be STAIRS",
    ],
    [
      "a phase with 4 users",
      { [`${IC}.TrafficPattern.Phases[0].InitialNumberOfUsers`]: 4 },
      "InputConfig.TrafficPattern.Phases[0].InitialNumberOfUsers must be from 1 to 3",
    ],
    [
      "a phase spawning 4 users a minute",
      { [`${IC}.TrafficPattern.Phases[1].SpawnRate`]: 4 },
      "Phases[1].SpawnRate must be from 0 to 3",
    ],
    [
      "a phase of 119 s",
      { [`${IC}.TrafficPattern.Phases[0].DurationInSeconds`]: 119 },
      "Phases[0].DurationInSeconds must be from 120 to 3600",
    ],
    [
      "phases longer than the job",
      { [`${IC}.JobDurationInSeconds`]: 1499 },
      "The traffic phases last 1500 seconds, longer than InputConfig.JobDurationInSeconds (1499)",
    ],
    [
      "11 tests",
      { [`${IC}.ResourceLimit.MaxNumberOfTests`]: 11 },
      "MaxNumberOfTests must be at most 10",
    ],
    [
      "30,001 invocations a minute",
      { "StoppingConditions.MaxInvocations": 30001 },
      "MaxInvocations must be from 1 to 30000",
    ],
    [
      "a P90 threshold",
      { "StoppingConditions.ModelLatencyThresholds[0].Percentile": "P90" },
      "must be P95 or P99",
    ],
    [
      "P99 in a custom load test",
      { "StoppingConditions.ModelLatencyThresholds[0].Percentile": "P99" },
      "must be P95 for a custom load test",
    ],
    [
      "3,000 MB of serverless memory",
      {
        [`${IC}.EndpointConfigurations[0]`]: {
          ServerlessConfig: { MemorySizeInMB: 3000, MaxConcurrency: 5 },
        },
      },
      "MemorySizeInMB must be 1024, 2048, 3072, 4096, 5120 or 6144 MB",
    ],
    [
      "provisioned concurrency",
      {
        [`${IC}.EndpointConfigurations[0]`]: {
          ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5, ProvisionedConcurrency: 1 },
        },
      },
      "ProvisionedConcurrency is not supported",
    ],
    [
      "a burstable type in a load test",
      { [`${IC}.EndpointConfigurations[0].InstanceType`]: "ml.t2.medium" },
      "ml.t2.medium is a burstable instance type",
    ],
    [
      "an undocumented Domain",
      { [`${IC}.ContainerConfig`]: { Domain: "AUDIO" } },
      "ContainerConfig.Domain must be one of COMPUTER_VISION",
    ],
    [
      "a sample payload that is not a .tar.gz",
      {
        [`${IC}.ContainerConfig`]: {
          PayloadConfig: { SamplePayloadUrl: "s3://irflow-samples/payload.zip" },
        },
      },
      "SamplePayloadUrl must be the S3 location of a single .tar.gz archive",
    ],
  ])("refuses %s with a ValidationException", (_, edits, message) => {
    // Act
    const error = refusal(edited(edits));

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain(message);
  });

  it("takes P99 and a burstable type in a Default job, which runs no load test", () => {
    // Prepare
    const request = edited({
      JobType: "Default",
      [`${IC}.TrafficPattern`]: undefined,
      [`${IC}.EndpointConfigurations[0].InstanceType`]: "ml.t2.medium",
      "StoppingConditions.ModelLatencyThresholds[0].Percentile": "P99",
    });

    // Act
    const kept = validateCreateJobRequest(request);

    // Assess
    expect(kept.JobType).toBe("Default");
  });
});
