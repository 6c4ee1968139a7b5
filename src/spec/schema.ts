/**
 * The irflow job spec: the CreateInferenceRecommendationsJob request (`job`) plus irflow's own
 * settings (`irflow`). Field limits are those of the SageMaker API reference in
 * shared/reference and its service model; cross-field rules live in rules.ts.
 *
 * Messages are plain text. The rule an issue breaks follows from its zod code (see validate.ts),
 * except for irflow's own rules, which a custom check names in the issue's `params`.
 */
import * as z from "zod";
import { policySchema } from "../decision/policy.ts";
import { TIME_BUDGET } from "../time-budget.ts";
import { INSTANCE_TYPE_PATTERN, INSTANCE_TYPES } from "./instance-types.ts";
import { lenient } from "./lenient.ts";
import type { RuleId } from "./rules.ts";

/** The params of a custom check: the rule it reports. */
interface RuleParams {
  rule: RuleId;
}

interface TextLimits {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** The rule a pattern mismatch reports, when it is more specific than `pattern`. */
  patternRule?: RuleId;
  /** What the pattern means, in words, for the error message. */
  patternLabel?: string;
}

function text({ min = 0, max, pattern, patternRule = "pattern", patternLabel }: TextLimits) {
  const schema = z
    .string({ error: (issue) => typeError(issue.input, "a string") })
    .min(min, { error: lengthMessage(min, max) })
    .max(max, { error: lengthMessage(min, max) });
  if (!pattern) return schema;
  const message = `must match ${patternLabel ?? pattern.source}`;
  return patternRule === "pattern"
    ? schema.regex(pattern, { error: message })
    : matching(schema, pattern, patternRule, message);
}

/**
 * A pattern check that reports its own rule. The pattern is kept in the JSON Schema, as `regex`
 * would put it there.
 */
function matching(schema: z.ZodString, pattern: RegExp, rule: RuleId, message: string) {
  const params: RuleParams = { rule };
  return schema
    .refine((value) => pattern.test(value), { error: message, params })
    .meta({ pattern: pattern.source });
}

function lengthMessage(min: number, max: number): string {
  return min > 0
    ? `must be ${min} to ${max} characters long`
    : `must be at most ${max} characters long`;
}

function integer(min?: number, max?: number) {
  let schema = z
    .number({ error: (issue) => typeError(issue.input, "an integer") })
    .int({ error: "must be an integer" });
  if (min === undefined) return schema;
  const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
  schema = schema.min(min, { error: `must be an integer ${range}` });
  if (max !== undefined) {
    schema = schema.max(max, { error: `must be an integer ${range}` });
  }
  return schema;
}

function list<T extends z.ZodType>(item: T, min: number, max?: number) {
  const count = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  let schema = z
    .array(item, { error: (issue) => typeError(issue.input, "an array") })
    .min(min, { error: `must have ${count} item${max === 1 ? "" : "s"}` });
  if (max !== undefined) {
    schema = schema.max(max, { error: `must have ${count} items` });
  }
  return schema;
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, label?: string) {
  const shown = label ?? `one of ${values.join(", ")}`;
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : `must be ${shown}; got ${JSON.stringify(issue.input)}`,
  });
}

function struct<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? "is not a field of this object"
        : typeError(issue.input, "an object"),
  });
}

function typeError(input: unknown, expected: string): string {
  if (input === undefined) return "is required";
  const got = input === null ? "null" : Array.isArray(input) ? "an array" : typeof input;
  return `must be ${expected}; got ${got}`;
}

// Identifier formats ---------------------------------------------------------------------------

const KMS_KEY =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}|alias\/[a-zA-Z0-9/_-]+|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/(?:[0-9a-fA-F-]{36}|mrk-[0-9a-fA-F]{32})|alias\/[a-zA-Z0-9/_-]+))$/;
const kmsKeyId = text({
  max: 2048,
  pattern: KMS_KEY,
  patternRule: "kms-key-format",
  patternLabel: "a KMS key ID, key ARN, alias name (alias/...) or alias ARN",
});

const s3Uri = text({
  max: 1024,
  pattern: /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/.*)?$/,
  patternRule: "s3-uri",
  patternLabel: "s3://bucket/key",
});

export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/;
const jobName = text({
  min: 1,
  max: 64,
  pattern: JOB_NAME_PATTERN,
  patternLabel: "letters, digits and inner hyphens, starting and ending with a letter or digit",
});

const resourceName = (max: number) =>
  text({
    min: 1,
    max,
    pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/,
    patternLabel: "letters, digits and inner hyphens, starting and ending with a letter or digit",
  });

const roleArn = text({
  min: 20,
  max: 2048,
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-/]+$/,
  patternLabel: "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
});

export const MODEL_PACKAGE_VERSION_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]{9,16}:(\d{12}):model-package\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/(\d+)$/;
const modelPackageVersionArn = text({
  min: 1,
  max: 2048,
  pattern: MODEL_PACKAGE_VERSION_ARN,
  patternRule: "versioned-model-package-arn",
  patternLabel:
    "a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)",
});

// Enumerations documented in the reference ------------------------------------------------------

export const JOB_TYPES = ["Default", "Advanced"] as const;
export const TRAFFIC_TYPES = ["PHASES", "STAIRS"] as const;
export const LATENCY_PERCENTILES = ["P95", "P99"] as const;
export const DOMAINS = [
  "COMPUTER_VISION",
  "NATURAL_LANGUAGE_PROCESSING",
  "MACHINE_LEARNING",
] as const;
export const TASKS = [
  "IMAGE_CLASSIFICATION",
  "OBJECT_DETECTION",
  "TEXT_GENERATION",
  "IMAGE_SEGMENTATION",
  "FILL_MASK",
  "CLASSIFICATION",
  "REGRESSION",
  "OTHER",
] as const;
export const FRAMEWORKS = ["TENSORFLOW", "PYTORCH", "XGBOOST", "SAGEMAKER-SCIKIT-LEARN"] as const;
export const NEAREST_MODEL_NAMES = [
  "efficientnetb7",
  "unet",
  "xgboost",
  "faster-rcnn-resnet101",
  "nasnetlarge",
  "vgg16",
  "inception-v3",
  "mask-rcnn",
  "sagemaker-scikit-learn",
  "densenet201-gluon",
  "resnet18v2-gluon",
  "xception",
  "densenet201",
  "yolov4",
  "resnet152",
  "bert-base-cased",
  "xceptionV1-keras",
  "resnet50",
  "retinanet",
] as const;
export const ENDPOINT_TYPES = ["RealTime", "Serverless"] as const;

// The request -----------------------------------------------------------------------------------

const phase = struct({
  InitialNumberOfUsers: integer(1, 3),
  SpawnRate: integer(0, 3),
  DurationInSeconds: integer(120, 3600),
});

const stairs = struct({
  DurationInSeconds: integer(1),
  NumberOfSteps: integer(1),
  UsersPerStep: integer(1, 3),
});

const trafficPattern = struct({
  TrafficType: oneOf(TRAFFIC_TYPES).optional(),
  Phases: list(phase, 1).optional(),
  Stairs: stairs.optional(),
});

const serverlessConfig = struct({
  MemorySizeInMB: integer(1024, 6144).multipleOf(1024, {
    error: "must be 1024, 2048, 3072, 4096, 5120 or 6144 (1 GB steps)",
  }),
  MaxConcurrency: integer(1, 200),
  ProvisionedConcurrency: integer(1, 200).optional(),
});

/**
 * Any name of an instance type's form: AWS adds types faster than irflow's list follows, so a type
 * outside the list is a warning (rules.ts), not an error.
 */
const instanceType = z
  .string({ error: (issue) => typeError(issue.input, "a string") })
  .refine((value) => INSTANCE_TYPE_PATTERN.test(value), {
    error: (issue) =>
      `must be an ML instance type (ml.<family>.<size>, such as ml.m5.large); got ${JSON.stringify(issue.input)}`,
    params: { rule: "instance-type" } satisfies RuleParams,
  })
  .meta({
    pattern: INSTANCE_TYPE_PATTERN.source,
    description:
      "An ML instance type. A type of this form that irflow does not list is passed on to SageMaker with a warning.",
    examples: [...INSTANCE_TYPES],
  });

const endpointConfiguration = struct({
  InstanceType: instanceType.optional(),
  ServerlessConfig: serverlessConfig.optional(),
  InferenceSpecificationName: resourceName(63).optional(),
  EnvironmentParameterRanges: struct({
    CategoricalParameterRanges: list(
      struct({ Name: text({ max: 64 }), Value: list(text({ max: 128 }), 1, 3) }),
      1,
      5,
    ).optional(),
  }).optional(),
});

const containerConfig = struct({
  Domain: oneOf(DOMAINS).optional(),
  Task: oneOf(TASKS).optional(),
  Framework: oneOf(FRAMEWORKS).optional(),
  FrameworkVersion: text({
    min: 3,
    max: 10,
    pattern: /^[0-9]\.[A-Za-z0-9.-]+$/,
    patternLabel: "a version such as 1.13 or 2.1.0",
  }).optional(),
  PayloadConfig: struct({
    SamplePayloadUrl: text({
      max: 1024,
      pattern: /^s3:\/\/[^/]+\/.*\.tar\.gz$/,
      patternRule: "s3-targz",
      patternLabel: "an s3:// URL of a single .tar.gz archive",
    }).optional(),
    SupportedContentTypes: z.array(text({ max: 256 })).optional(),
  }).optional(),
  NearestModelName: oneOf(NEAREST_MODEL_NAMES).optional(),
  SupportedInstanceTypes: z.array(instanceType).optional(),
  SupportedEndpointType: oneOf(ENDPOINT_TYPES).optional(),
  DataInputConfig: text({ min: 1, max: 1024 }).optional(),
  SupportedResponseMIMETypes: z
    .array(text({ max: 1024, pattern: /^[-\w]+\/.+$/, patternLabel: "a MIME type (type/subtype)" }))
    .optional(),
});

const inputConfig = struct({
  ModelPackageVersionArn: modelPackageVersionArn.optional(),
  ModelName: resourceName(63).optional(),
  JobDurationInSeconds: integer(1, 18000).optional(),
  TrafficPattern: trafficPattern.optional(),
  ResourceLimit: struct({
    MaxNumberOfTests: integer(1, 10).optional(),
    MaxParallelOfTests: integer(1, 10).optional(),
  }).optional(),
  EndpointConfigurations: list(endpointConfiguration, 1, 10).optional(),
  VolumeKmsKeyId: kmsKeyId.optional(),
  ContainerConfig: containerConfig.optional(),
  Endpoints: list(struct({ EndpointName: resourceName(63) }), 0, 1).optional(),
  VpcConfig: struct({
    SecurityGroupIds: list(
      text({
        max: 32,
        pattern: /^sg-[0-9a-zA-Z]+$/,
        patternRule: "security-group-format",
        patternLabel: "a security group ID (sg-xxxxxxxx)",
      }),
      1,
      5,
    ),
    Subnets: list(
      text({ max: 32, pattern: /^[-0-9a-zA-Z]+$/, patternLabel: "a subnet ID" }),
      1,
      16,
    ),
  }).optional(),
});

const stoppingConditions = struct({
  MaxInvocations: integer(1, 30000).optional(),
  ModelLatencyThresholds: list(
    struct({
      Percentile: oneOf(LATENCY_PERCENTILES),
      ValueInMilliseconds: integer(),
    }),
    1,
    1,
  ).optional(),
  FlatInvocations: oneOf(["Continue", "Stop"]).optional(),
});

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tag = struct({
  Key: text({
    min: 1,
    max: 128,
    pattern: TAG_TEXT,
    patternLabel: "letters, digits, spaces and _.:/=+-@",
  }),
  Value: text({
    max: 256,
    pattern: TAG_TEXT,
    patternLabel: "letters, digits, spaces and _.:/=+-@",
  }),
});

export const jobRequestSchema = struct({
  JobName: jobName.optional(),
  JobType: oneOf(JOB_TYPES),
  RoleArn: roleArn,
  InputConfig: inputConfig,
  JobDescription: text({ max: 128 }).optional(),
  StoppingConditions: stoppingConditions.optional(),
  OutputConfig: struct({
    KmsKeyId: kmsKeyId.optional(),
    CompiledOutputConfig: struct({ S3OutputUri: s3Uri.optional() }).optional(),
  }).optional(),
  // SageMaker takes 50 tags; irflow adds two of its own (irflow:stack, irflow:execution).
  Tags: list(tag, 0, 48).optional(),
});

/** irflow's own settings: everything that is not sent to SageMaker. */
export const irflowSettingsSchema = struct({
  runKey: text({
    min: 1,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    patternLabel: "letters, digits and . _ : - (a schedule window or a re-run label)",
  })
    .optional()
    .describe("Distinguishes runs of the same spec (a schedule window, a manual re-run)."),
  deadlineSeconds: integer(TIME_BUDGET.jobDeadlineSeconds.min, TIME_BUDGET.jobDeadlineSeconds.max)
    .optional()
    .describe(
      "How long irflow waits for the job before stopping it and reporting a time-out (default: 2 h for Default jobs, JobDurationInSeconds + 30 min for Advanced).",
    ),
  policy: policySchema
    .optional()
    .describe(
      "How irflow chooses among the job's results: objective, constraints, load and fleet sizing, and the production configuration to compare with (docs/decision.md).",
    ),
});

export const SPEC_VERSION = 1;

export const jobSpecSchema = struct({
  $schema: z.string().optional(),
  specVersion: z.literal(SPEC_VERSION, {
    error: (issue) => (issue.input === undefined ? "is required" : `must be ${SPEC_VERSION}`),
  }),
  kind: z
    .literal("inference-recommendation")
    .optional()
    .describe("The job kind; absent means inference-recommendation."),
  job: jobRequestSchema,
  irflow: irflowSettingsSchema.optional(),
}).meta({
  title: "irflow job spec",
  description:
    "A CreateInferenceRecommendationsJob request (job) and irflow's own settings (irflow).",
});

export type JobSpec = z.output<typeof jobSpecSchema>;

/**
 * A spec as a job record keeps it: valid when it was written, so read as data, with no rule of
 * today's applied to it (src/spec/lenient.ts).
 */
export const storedSpecSchema = lenient(jobSpecSchema);
export type JobRequest = JobSpec["job"];
export type IrflowSettings = NonNullable<JobSpec["irflow"]>;
export type JobTag = z.output<typeof tag>;

/** The spec's JSON Schema (draft 2020-12), for editors, docs and the event contract. */
export function jobSpecJsonSchema(): Record<string, unknown> {
  // What a person writes: fields with a default (the policy's headroom, say) stay optional.
  return z.toJSONSchema(jobSpecSchema, { target: "draft-2020-12", io: "input" }) as Record<
    string,
    unknown
  >;
}
