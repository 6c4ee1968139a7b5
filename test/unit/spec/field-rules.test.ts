import { describe, expect, it } from "vitest";
import { validateSpec } from "../../../src/spec/validate.ts";
import { sampleSpec, setPath } from "../../support/specs.ts";

// Where each rule is stated. The reference files are in shared/reference.
const CREATE = "reference 004: create-inference-recommendations-job (CLI v2 web reference)";
const LIMITS = "reference README: documented limits";
const DESCRIBE = "reference 001: describe_inference_recommendations_job (boto3, newest)";
const MODEL = "SageMaker service model (botocore sagemaker 2017-07-24)";

interface FieldRule {
  name: string;
  sample: string;
  path: string;
  valid: unknown;
  invalid: unknown;
  rule: string;
  source: string;
}

const ADV = "advanced-phases.json";
const DEF = "default-model-name.json";
const SRV = "serverless-endpoints.json";
const EXI = "existing-endpoint.json";
const STA = "advanced-stairs.json";
const IC = "job.InputConfig";
const PHASE = `${IC}.TrafficPattern.Phases[0]`;
const STAIRS = `${IC}.TrafficPattern.Stairs`;
const SERVERLESS = `${IC}.EndpointConfigurations[0].ServerlessConfig`;
const CONTAINER = `${IC}.ContainerConfig`;

const FIELD_RULES: FieldRule[] = [
  {
    name: "JobName length",
    sample: DEF,
    path: "job.JobName",
    valid: "a".repeat(64),
    invalid: "a".repeat(65),
    rule: "length",
    source: MODEL,
  },
  {
    name: "JobName pattern",
    sample: DEF,
    path: "job.JobName",
    valid: "my-job-1",
    invalid: "-my-job",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "JobType enum",
    sample: DEF,
    path: "job.JobType",
    valid: "Default",
    invalid: "Quick",
    rule: "enum",
    source: CREATE,
  },
  {
    name: "RoleArn required",
    sample: DEF,
    path: "job.RoleArn",
    valid: "arn:aws:iam::111122223333:role/r",
    invalid: undefined,
    rule: "required",
    source: MODEL,
  },
  {
    name: "RoleArn pattern",
    sample: DEF,
    path: "job.RoleArn",
    valid: "arn:aws-cn:iam::111122223333:role/path/r",
    invalid: "arn:aws:iam::111122223333:user/someone",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "JobDescription length",
    sample: DEF,
    path: "job.JobDescription",
    valid: "d".repeat(128),
    invalid: "d".repeat(129),
    rule: "length",
    source: MODEL,
  },
  {
    name: "ModelName pattern",
    sample: DEF,
    path: `${IC}.ModelName`,
    valid: "model-1",
    invalid: "model_1",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "ModelPackageVersionArn is versioned",
    sample: ADV,
    path: `${IC}.ModelPackageVersionArn`,
    valid: "arn:aws:sagemaker:eu-west-1:111122223333:model-package/g/12",
    invalid: "arn:aws:sagemaker:eu-west-1:111122223333:model-package/g",
    rule: "versioned-model-package-arn",
    source: CREATE,
  },
  {
    name: "JobDurationInSeconds maximum 18,000 s",
    sample: ADV,
    path: `${IC}.JobDurationInSeconds`,
    valid: 18000,
    invalid: 18001,
    rule: "range",
    source: CREATE,
  },
  {
    name: "JobDurationInSeconds minimum",
    sample: DEF,
    path: `${IC}.JobDurationInSeconds`,
    valid: 1,
    invalid: 0,
    rule: "range",
    source: MODEL,
  },
  {
    name: "TrafficType enum",
    sample: ADV,
    path: `${IC}.TrafficPattern.TrafficType`,
    valid: "PHASES",
    invalid: "RAMP",
    rule: "enum",
    source: CREATE,
  },
  {
    name: "Phases at least one",
    sample: ADV,
    path: `${IC}.TrafficPattern.Phases`,
    valid: [{ InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: 120 }],
    invalid: [],
    rule: "items",
    source: MODEL,
  },
  {
    name: "InitialNumberOfUsers 1-3 (low)",
    sample: ADV,
    path: `${PHASE}.InitialNumberOfUsers`,
    valid: 1,
    invalid: 0,
    rule: "range",
    source: CREATE,
  },
  {
    name: "InitialNumberOfUsers 1-3 (high)",
    sample: ADV,
    path: `${PHASE}.InitialNumberOfUsers`,
    valid: 3,
    invalid: 4,
    rule: "range",
    source: CREATE,
  },
  {
    name: "SpawnRate 0-3 (low)",
    sample: ADV,
    path: `${PHASE}.SpawnRate`,
    valid: 0,
    invalid: -1,
    rule: "range",
    source: LIMITS,
  },
  {
    name: "SpawnRate 0-3 (high)",
    sample: ADV,
    path: `${PHASE}.SpawnRate`,
    valid: 3,
    invalid: 4,
    rule: "range",
    source: LIMITS,
  },
  {
    name: "Phase DurationInSeconds 120-3600 (low)",
    sample: ADV,
    path: `${PHASE}.DurationInSeconds`,
    valid: 120,
    invalid: 119,
    rule: "range",
    source: CREATE,
  },
  {
    name: "Phase DurationInSeconds 120-3600 (high)",
    sample: ADV,
    path: `${PHASE}.DurationInSeconds`,
    valid: 3600,
    invalid: 3601,
    rule: "range",
    source: CREATE,
  },
  {
    name: "Phase values are integers",
    sample: ADV,
    path: `${PHASE}.SpawnRate`,
    valid: 2,
    invalid: 1.5,
    rule: "type",
    source: MODEL,
  },
  {
    name: "Stairs UsersPerStep 1-3",
    sample: STA,
    path: `${STAIRS}.UsersPerStep`,
    valid: 3,
    invalid: 4,
    rule: "range",
    source: MODEL,
  },
  {
    name: "Stairs NumberOfSteps at least 1",
    sample: STA,
    path: `${STAIRS}.NumberOfSteps`,
    valid: 1,
    invalid: 0,
    rule: "range",
    source: MODEL,
  },
  {
    name: "Stairs DurationInSeconds at least 1",
    sample: STA,
    path: `${STAIRS}.DurationInSeconds`,
    valid: 1,
    invalid: 0,
    rule: "range",
    source: MODEL,
  },
  {
    name: "MaxNumberOfTests 1-10",
    sample: ADV,
    path: `${IC}.ResourceLimit.MaxNumberOfTests`,
    valid: 10,
    invalid: 11,
    rule: "range",
    source: LIMITS,
  },
  {
    name: "MaxParallelOfTests 1-10",
    sample: ADV,
    path: `${IC}.ResourceLimit.MaxParallelOfTests`,
    valid: 1,
    invalid: 0,
    rule: "range",
    source: LIMITS,
  },
  {
    name: "EndpointConfigurations at most 10",
    sample: ADV,
    path: `${IC}.EndpointConfigurations`,
    valid: Array.from({ length: 10 }, () => ({ InstanceType: "ml.m5.large" })),
    invalid: Array.from({ length: 11 }, () => ({ InstanceType: "ml.m5.large" })),
    rule: "items",
    source: LIMITS,
  },
  {
    name: "EndpointConfigurations at least 1",
    sample: ADV,
    path: `${IC}.EndpointConfigurations`,
    valid: [{ InstanceType: "ml.m5.large" }],
    invalid: [],
    rule: "items",
    source: LIMITS,
  },
  {
    name: "InstanceType of a listed type",
    sample: ADV,
    path: `${IC}.EndpointConfigurations[0].InstanceType`,
    valid: "ml.p6-b200.48xlarge",
    invalid: "ml.m5.huge",
    rule: "instance-type",
    source: DESCRIBE,
  },
  {
    name: "InstanceType of an instance type's form",
    sample: ADV,
    path: `${IC}.EndpointConfigurations[0].InstanceType`,
    valid: "ml.g7e.2xlarge",
    invalid: "g7e.2xlarge",
    rule: "instance-type",
    source: MODEL,
  },
  {
    name: "InferenceSpecificationName pattern",
    sample: ADV,
    path: `${IC}.EndpointConfigurations[0].InferenceSpecificationName`,
    valid: "spec-a",
    invalid: "spec a",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "CategoricalParameterRanges at most 5",
    sample: ADV,
    path: `${IC}.EndpointConfigurations[2].EnvironmentParameterRanges.CategoricalParameterRanges`,
    valid: Array.from({ length: 5 }, (_, i) => ({ Name: `P${i}`, Value: ["1"] })),
    invalid: Array.from({ length: 6 }, (_, i) => ({ Name: `P${i}`, Value: ["1"] })),
    rule: "items",
    source: MODEL,
  },
  {
    name: "CategoricalParameter values 1-3",
    sample: ADV,
    path: `${IC}.EndpointConfigurations[2].EnvironmentParameterRanges.CategoricalParameterRanges[0].Value`,
    valid: ["1", "2", "3"],
    invalid: ["1", "2", "3", "4"],
    rule: "items",
    source: MODEL,
  },
  {
    name: "Serverless MemorySizeInMB minimum 1024",
    sample: SRV,
    path: `${SERVERLESS}.MemorySizeInMB`,
    valid: 1024,
    invalid: 512,
    rule: "range",
    source: CREATE,
  },
  {
    name: "Serverless MemorySizeInMB maximum 6144",
    sample: SRV,
    path: `${SERVERLESS}.MemorySizeInMB`,
    valid: 6144,
    invalid: 7168,
    rule: "range",
    source: CREATE,
  },
  {
    name: "Serverless MemorySizeInMB in 1 GB steps",
    sample: SRV,
    path: `${SERVERLESS}.MemorySizeInMB`,
    valid: 5120,
    invalid: 1536,
    rule: "step",
    source: CREATE,
  },
  {
    name: "Serverless MaxConcurrency 1-200",
    sample: SRV,
    path: `${SERVERLESS}.MaxConcurrency`,
    valid: 200,
    invalid: 201,
    rule: "range",
    source: MODEL,
  },
  {
    name: "Serverless MaxConcurrency required",
    sample: SRV,
    path: `${SERVERLESS}.MaxConcurrency`,
    valid: 1,
    invalid: undefined,
    rule: "required",
    source: MODEL,
  },
  {
    name: "VolumeKmsKeyId formats",
    sample: EXI,
    path: `${IC}.VolumeKmsKeyId`,
    valid: "1234abcd-12ab-34cd-56ef-1234567890ab",
    invalid: "key/1234",
    rule: "kms-key-format",
    source: CREATE,
  },
  {
    name: "VolumeKmsKeyId alias ARN",
    sample: EXI,
    path: `${IC}.VolumeKmsKeyId`,
    valid: "arn:aws:kms:us-east-1:111122223333:alias/volumes",
    invalid: "arn:aws:kms:us-east-1:111122223333:alias",
    rule: "kms-key-format",
    source: CREATE,
  },
  {
    name: "OutputConfig KmsKeyId formats",
    sample: EXI,
    path: "job.OutputConfig.KmsKeyId",
    valid: "alias/ExampleAlias",
    invalid: "ExampleAlias",
    rule: "kms-key-format",
    source: CREATE,
  },
  {
    name: "CompiledOutputConfig S3OutputUri",
    sample: EXI,
    path: "job.OutputConfig.CompiledOutputConfig.S3OutputUri",
    valid: "s3://compiled-models/out/",
    invalid: "compiled-models/out/",
    rule: "s3-uri",
    source: CREATE,
  },
  {
    name: "Domain enum",
    sample: DEF,
    path: `${CONTAINER}.Domain`,
    valid: "COMPUTER_VISION",
    invalid: "AUDIO",
    rule: "enum",
    source: DESCRIBE,
  },
  {
    name: "Task enum",
    sample: DEF,
    path: `${CONTAINER}.Task`,
    valid: "OBJECT_DETECTION",
    invalid: "TRANSLATION",
    rule: "enum",
    source: DESCRIBE,
  },
  {
    name: "Framework enum",
    sample: DEF,
    path: `${CONTAINER}.Framework`,
    valid: "XGBOOST",
    invalid: "JAX",
    rule: "enum",
    source: DESCRIBE,
  },
  {
    name: "FrameworkVersion pattern",
    sample: DEF,
    path: `${CONTAINER}.FrameworkVersion`,
    valid: "1.13",
    invalid: "v2.0",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "FrameworkVersion length",
    sample: DEF,
    path: `${CONTAINER}.FrameworkVersion`,
    valid: "2.1.0-gpu1",
    invalid: "2.1.0-gpu12",
    rule: "length",
    source: MODEL,
  },
  {
    name: "NearestModelName enum",
    sample: DEF,
    path: `${CONTAINER}.NearestModelName`,
    valid: "resnet50",
    invalid: "gpt-2",
    rule: "enum",
    source: CREATE,
  },
  {
    name: "SamplePayloadUrl is an S3 .tar.gz",
    sample: DEF,
    path: `${CONTAINER}.PayloadConfig.SamplePayloadUrl`,
    valid: "s3://bucket/p.tar.gz",
    invalid: "https://bucket.s3.amazonaws.com/p.tar.gz",
    rule: "s3-targz",
    source: CREATE,
  },
  {
    name: "SupportedEndpointType enum",
    sample: DEF,
    path: `${CONTAINER}.SupportedEndpointType`,
    valid: "Serverless",
    invalid: "Batch",
    rule: "enum",
    source: CREATE,
  },
  {
    name: "SupportedInstanceTypes of an instance type's form",
    sample: DEF,
    path: `${CONTAINER}.SupportedInstanceTypes[0]`,
    valid: "ml.inf2.xlarge",
    invalid: "m5.xlarge",
    rule: "instance-type",
    source: CREATE,
  },
  {
    name: "DataInputConfig length",
    sample: DEF,
    path: `${CONTAINER}.DataInputConfig`,
    valid: '{"input":[1,3,224,224]}',
    invalid: "",
    rule: "length",
    source: MODEL,
  },
  {
    name: "SupportedResponseMIMETypes pattern",
    sample: DEF,
    path: `${CONTAINER}.SupportedResponseMIMETypes[0]`,
    valid: "text/csv",
    invalid: "csv",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "Endpoints at most one",
    sample: EXI,
    path: `${IC}.Endpoints`,
    valid: [{ EndpointName: "a" }],
    invalid: [{ EndpointName: "a" }, { EndpointName: "b" }],
    rule: "items",
    source: LIMITS,
  },
  {
    name: "EndpointName pattern",
    sample: EXI,
    path: `${IC}.Endpoints[0].EndpointName`,
    valid: "prod-endpoint",
    invalid: "prod_endpoint",
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "SecurityGroupIds are sg- IDs",
    sample: EXI,
    path: `${IC}.VpcConfig.SecurityGroupIds[0]`,
    valid: "sg-12345678",
    invalid: "group-12345678",
    rule: "security-group-format",
    source: CREATE,
  },
  {
    name: "SecurityGroupIds 1-5",
    sample: EXI,
    path: `${IC}.VpcConfig.SecurityGroupIds`,
    valid: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5"],
    invalid: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"],
    rule: "items",
    source: MODEL,
  },
  {
    name: "Subnets 1-16",
    sample: EXI,
    path: `${IC}.VpcConfig.Subnets`,
    valid: ["subnet-1"],
    invalid: [],
    rule: "items",
    source: MODEL,
  },
  {
    name: "MaxInvocations 1-30,000 per minute",
    sample: ADV,
    path: "job.StoppingConditions.MaxInvocations",
    valid: 30000,
    invalid: 30001,
    rule: "range",
    source: LIMITS,
  },
  {
    name: "Exactly one ModelLatencyThreshold",
    sample: ADV,
    path: "job.StoppingConditions.ModelLatencyThresholds",
    valid: [{ Percentile: "P95", ValueInMilliseconds: 50 }],
    invalid: [],
    rule: "items",
    source: LIMITS,
  },
  {
    name: "Percentile P95 or P99",
    sample: DEF,
    path: "job.StoppingConditions.ModelLatencyThresholds",
    valid: [{ Percentile: "P99", ValueInMilliseconds: 50 }],
    invalid: [{ Percentile: "P90", ValueInMilliseconds: 50 }],
    rule: "enum",
    source: CREATE,
  },
  {
    name: "FlatInvocations enum",
    sample: ADV,
    path: "job.StoppingConditions.FlatInvocations",
    valid: "Continue",
    invalid: "Pause",
    rule: "enum",
    source: CREATE,
  },
  {
    // The service's 50 less the two irflow adds to every job.
    name: "Tags at most 48",
    sample: DEF,
    path: "job.Tags",
    valid: Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
    invalid: Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
    rule: "items",
    source: MODEL,
  },
  {
    name: "Tag key length",
    sample: DEF,
    path: "job.Tags",
    valid: [{ Key: "k".repeat(128), Value: "" }],
    invalid: [{ Key: "", Value: "v" }],
    rule: "length",
    source: MODEL,
  },
  {
    name: "Tag value pattern",
    sample: DEF,
    path: "job.Tags",
    valid: [{ Key: "team", Value: "risk ml:a/b=c+d-e@f" }],
    invalid: [{ Key: "team", Value: "risk#ml" }],
    rule: "pattern",
    source: MODEL,
  },
  {
    name: "Unknown fields are rejected",
    sample: DEF,
    path: `${IC}.MaxRuntime`,
    valid: undefined,
    invalid: 3600,
    rule: "unknown-field",
    source: MODEL,
  },
  {
    name: "specVersion is 1",
    sample: DEF,
    path: "specVersion",
    valid: 1,
    invalid: 2,
    rule: "enum",
    source: "irflow spec contract (docs/spec.md)",
  },
  {
    name: "runKey pattern",
    sample: DEF,
    path: "irflow.runKey",
    valid: "2026-11-23T00:00",
    invalid: "week 47",
    rule: "pattern",
    source: "irflow spec contract (docs/spec.md)",
  },
];

describe("field rules", () => {
  it.each(FIELD_RULES)("accepts a valid $name ($source)", ({ sample, path, valid }) => {
    // Prepare
    const spec = sampleSpec(sample);
    setPath(spec, path, valid);

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it.each(FIELD_RULES)("rejects an invalid $name ($source)", ({ sample, path, invalid, rule }) => {
    // Prepare
    const spec = sampleSpec(sample);
    setPath(spec, path, invalid);

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid).toBe(false);
    const errors = result.valid ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.rule).toBe(rule);
    expect(errors[0]?.path.startsWith(path.replace(/\[\d+\]$/, ""))).toBe(true);
    expect(errors[0]?.message.length).toBeGreaterThan(5);
    expect(errors[0]?.message.startsWith(`${rule}:`)).toBe(false);
  });
});
