/**
 * The spec of the kind `ai-recommendation`: a CreateAIRecommendationJob request (`job`), the
 * CreateAIWorkloadConfig request it benchmarks with (`workload`, unless `job` names an existing
 * workload config) and irflow's settings. Field limits are those of botocore's SageMaker model
 * (lengths, patterns, enums, list sizes); the workload's inline document is read as JSON or YAML
 * and checked against the documented benchmark rules. Every problem is reported at once, each
 * with its path and rule.
 */
import * as z from "zod";
import { lenient } from "../../spec/lenient.ts";
import { TIME_BUDGET } from "../../time-budget.ts";
import { llmPolicySchema } from "./policy.ts";

export const AI_RECOMMENDATION_KIND = "ai-recommendation";

/** The instance types CreateAIRecommendationJob accepts (botocore: AIRecommendationInstanceType). */
const G_SIZES = [
  "xlarge",
  "2xlarge",
  "4xlarge",
  "8xlarge",
  "12xlarge",
  "16xlarge",
  "24xlarge",
  "48xlarge",
];

export const AI_INSTANCE_TYPES = [
  ...["ml.g5", "ml.g6", "ml.g6e"].flatMap((family) => G_SIZES.map((size) => `${family}.${size}`)),
  ...G_SIZES.filter((size) => !["xlarge", "16xlarge"].includes(size)).map(
    (size) => `ml.g7e.${size}`,
  ),
  "ml.p3.2xlarge",
  "ml.p3.8xlarge",
  "ml.p3.16xlarge",
  "ml.p4d.24xlarge",
  "ml.p4de.24xlarge",
  "ml.p5.4xlarge",
  "ml.p5.48xlarge",
  "ml.p5e.48xlarge",
  "ml.p5en.48xlarge",
] as const;

// botocore's patterns, anchored.
const ENTITY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const S3_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const RESOURCE_IDENTIFIER =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ML_RESERVATION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z0-9-]{1,14}\/.*$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const text = (min: number, max: number, pattern?: RegExp, label?: string) => {
  const length = z
    .string()
    .min(min, { error: `must be ${min} to ${max} characters long` })
    .max(max, { error: `must be ${min} to ${max} characters long` });
  return pattern
    ? length.regex(pattern, { error: `must match ${label ?? pattern.source}` })
    : length;
};
const entityName = text(1, 63, ENTITY_NAME, "letters, digits and inner hyphens");
const s3Uri = text(0, 1024, S3_URI, "s3://bucket/key or https://...");
const identifier = text(1, 256, RESOURCE_IDENTIFIER, "a name or a SageMaker ARN");
const tags = z
  .array(
    z.strictObject({
      Key: text(1, 128, TAG_TEXT, "letters, digits, spaces and _.:/=+-@"),
      Value: text(0, 256, TAG_TEXT, "letters, digits, spaces and _.:/=+-@"),
    }),
  )
  // SageMaker takes 50 tags; irflow adds two of its own.
  .max(48, { error: "must have at most 48 items (irflow adds 2 of the 50 SageMaker takes)" });

export const aiJobRequestSchema = z.strictObject({
  AIRecommendationJobName: entityName.optional(),
  ModelSource: z.strictObject({ S3: z.strictObject({ S3Uri: s3Uri }) }),
  OutputConfig: z.strictObject({
    S3OutputLocation: s3Uri.optional(),
    ModelPackageGroupIdentifier: identifier.optional(),
  }),
  AIWorkloadConfigIdentifier: identifier.optional(),
  PerformanceTarget: z.strictObject({
    Constraints: z.array(z.strictObject({ Metric: z.enum(["ttft-ms", "throughput", "cost"]) })),
  }),
  RoleArn: text(20, 2048, ROLE_ARN, "an IAM role ARN"),
  InferenceSpecification: z
    .strictObject({ Framework: z.enum(["LMI", "VLLM"]).optional() })
    .optional(),
  OptimizeModel: z.boolean().optional(),
  ComputeSpec: z
    .strictObject({
      InstanceTypes: z
        .array(z.enum(AI_INSTANCE_TYPES))
        .max(3, { error: "must have at most 3 items: a job benchmarks at most 3 instance types" })
        .optional(),
      CapacityReservationConfig: z
        .strictObject({
          CapacityReservationPreference: z.enum(["capacity-reservations-only"]).optional(),
          MlReservationArns: z
            .array(text(0, 256, ML_RESERVATION_ARN, "a SageMaker reservation ARN"))
            .optional(),
        })
        .optional(),
    })
    .optional(),
  Tags: tags.optional(),
});

export const aiWorkloadRequestSchema = z.strictObject({
  AIWorkloadConfigName: entityName.optional(),
  DatasetConfig: z
    .strictObject({
      InputDataConfig: z.array(
        z.strictObject({
          ChannelName: text(1, 64, CHANNEL_NAME, "letters, digits and . - _"),
          DataSource: z.strictObject({
            S3DataSource: z.strictObject({ S3Uri: s3Uri }).optional(),
          }),
        }),
      ),
    })
    .optional(),
  AIWorkloadConfigs: z
    .strictObject({ WorkloadSpec: z.strictObject({ Inline: z.string() }) })
    .optional(),
  Tags: tags.optional(),
});

export const aiSpecSchema = z.strictObject({
  $schema: z.string().optional(),
  specVersion: z.literal(1),
  kind: z.literal(AI_RECOMMENDATION_KIND),
  job: aiJobRequestSchema,
  workload: aiWorkloadRequestSchema.optional(),
  irflow: z
    .strictObject({
      runKey: text(
        1,
        64,
        /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
        "letters, digits and . _ : -",
      ).optional(),
      deadlineSeconds: z
        .number()
        .int()
        .min(TIME_BUDGET.jobDeadlineSeconds.min)
        .max(TIME_BUDGET.jobDeadlineSeconds.max)
        .optional(),
      policy: llmPolicySchema.optional(),
    })
    .optional(),
});

export type AiSpec = z.output<typeof aiSpecSchema>;

/** The spec as a job record keeps it: read as data, as the classic kind's is (src/spec/lenient.ts). */
export const storedAiSpecSchema = lenient(aiSpecSchema);
export type AiJobRequest = z.output<typeof aiJobRequestSchema>;
export type AiWorkloadRequest = z.output<typeof aiWorkloadRequestSchema>;

/**
 * The JSON Schema (draft 2020-12) of a spec of this kind, made as jobSpecJsonSchema makes the
 * classic one. It describes the structure only: the workload-source rule and the inline workload
 * document's rules are checked by validateAiSpec.
 */
export function aiSpecJsonSchema(): Record<string, unknown> {
  return {
    // What a person writes: fields with a default (the policy's headroom, say) stay optional.
    ...z.toJSONSchema(aiSpecSchema, { target: "draft-2020-12", io: "input" }),
    title: "irflow AI recommendation spec",
    description:
      "A CreateAIRecommendationJob request (job), the CreateAIWorkloadConfig request it benchmarks with (workload) and irflow's own settings (irflow).",
  };
}
