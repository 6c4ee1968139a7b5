/**
 * The spec of the kind `ai-recommendation`: a CreateAIRecommendationJob request (`job`), the
 * CreateAIWorkloadConfig request it benchmarks with (`workload`, unless `job` names an existing
 * workload config) and irflow's settings. Field limits are those of botocore's SageMaker model
 * (lengths, patterns, enums, list sizes); the workload's inline document is read as JSON or YAML
 * and checked against the documented benchmark rules. Every problem is reported at once, each
 * with its path and rule.
 */
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { nameSlug } from "../../naming.ts";
import { canonicalJson, sha256Hex } from "../../spec/canonical.ts";
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
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

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

export interface AiSpecIssue {
  path: string;
  rule: string;
  message: string;
}

/**
 * The AIPerf parameter names the developer guide documents (with their aliases), and those of its
 * concurrency search; the service refuses any other name, and so does irflow, before a job.
 */
export const AIPERF_PARAMETERS: ReadonlySet<string> = new Set([
  // Token distribution
  "prompt_input_tokens_mean",
  "synthetic_input_tokens_mean",
  "isl",
  "prompt_input_tokens_stddev",
  "synthetic_input_tokens_stddev",
  "isl_stddev",
  "output_tokens_mean",
  "prompt_output_tokens_mean",
  "osl",
  "output_tokens_stddev",
  "prompt_output_tokens_stddev",
  "osl_stddev",
  // Traffic shaping
  "concurrency",
  "request_count",
  "num_requests",
  "request_rate",
  "benchmark_duration",
  "max_concurrency",
  "request_rate_mode",
  "arrival_pattern",
  "arrival_smoothness",
  "vllm_burstiness",
  "prefill_concurrency",
  // General
  "streaming",
  "tokenizer",
  "hf_token",
  "HF_TOKEN",
  "request_timeout_seconds",
  "goodput",
  "benchmark_grace_period",
  "extra_inputs",
  "random_seed",
  "verbose",
  "num_conversations",
  "conversation_num",
  "num_sessions",
  "model_selection_strategy",
  // Warmup
  "warmup_duration",
  "warmup_request_count",
  "num_warmup_requests",
  "warmup_concurrency",
  "warmup_prefill_concurrency",
  "warmup_request_rate",
  "warmup_arrival_pattern",
  "warmup_grace_period",
  "num_warmup_sessions",
  // Dataset
  "public_dataset",
  "custom_dataset_type",
  "input_file",
  "dataset_sampling_strategy",
  // Image and video inputs
  "image_width_mean",
  "image_width_stddev",
  "image_height_mean",
  "image_height_stddev",
  "image_batch_size",
  "batch_size_image",
  "image_format",
  "video_batch_size",
  "batch_size_video",
  "video_duration",
  "video_fps",
  "video_width",
  "video_height",
  "video_synth_type",
  "video_format",
  "video_codec",
  "video_audio_sample_rate",
  "video_audio_num_channels",
  "video_audio_codec",
  "video_audio_depth",
  // Concurrency search
  "ttft_sla_ms",
  "tpot_sla_ms",
  "e2e_sla_ms",
  "error_rate_sla",
  "search_recipe",
  "search_stat",
  "concurrency_min",
  "concurrency_max",
  "search_max_iterations",
]);

/** The top-level keys of an inline workload document. */
const WORKLOAD_KEYS = new Set(["benchmark", "parameters", "secrets", "tooling"]);

/** The documented rules of the inline workload document, read as JSON or YAML. */
export function workloadDocumentIssues(inline: string, path: string): AiSpecIssue[] {
  let document: unknown;
  try {
    document = parseYaml(inline);
  } catch (error) {
    return [
      {
        path,
        rule: "workload-document",
        message: `is neither JSON nor YAML: ${(error as Error).message.split("\n")[0]}`,
      },
    ];
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return [{ path, rule: "workload-document", message: "must be a JSON or YAML object" }];
  }
  const issues: AiSpecIssue[] = [];
  const fields = document as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!WORKLOAD_KEYS.has(key)) {
      issues.push({
        path: `${path}.${key}`,
        rule: "workload-document",
        message:
          "is not a top-level key of a workload document (benchmark, parameters, secrets, tooling)",
      });
    }
  }
  const benchmark = fields.benchmark as { type?: unknown } | undefined;
  if (benchmark?.type !== "aiperf") {
    issues.push({
      path: `${path}.benchmark.type`,
      rule: "benchmark-type",
      message: `must be "aiperf"; got ${JSON.stringify(benchmark?.type)}`,
    });
  }
  const parameters = fields.parameters;
  if (
    parameters !== undefined &&
    (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))
  ) {
    issues.push({
      path: `${path}.parameters`,
      rule: "workload-document",
      message: "must be an object of AIPerf parameters",
    });
  } else if (parameters) {
    for (const name of Object.keys(parameters)) {
      if (name.toLowerCase() === "hf_token") {
        issues.push({
          path: `${path}.parameters.${name}`,
          rule: "plaintext-secret",
          message:
            "is a token in plain text: put a Secrets Manager ARN under secrets.hf_token instead",
        });
      } else if (!AIPERF_PARAMETERS.has(name)) {
        issues.push({
          path: `${path}.parameters.${name}`,
          rule: "aiperf-parameter",
          message:
            "is not an AIPerf parameter the service accepts (see the developer guide's workload specification reference)",
        });
      }
    }
  }
  const secrets = fields.secrets;
  if (secrets !== undefined) {
    if (typeof secrets !== "object" || secrets === null || Array.isArray(secrets)) {
      issues.push({
        path: `${path}.secrets`,
        rule: "workload-document",
        message: "must be an object of Secrets Manager ARNs",
      });
    } else {
      for (const [name, value] of Object.entries(secrets)) {
        if (typeof value !== "string" || !SECRET_ARN.test(value)) {
          issues.push({
            path: `${path}.secrets.${name}`,
            rule: "secret-arn",
            message: `must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)${name === "hf_token" ? ", never the token itself" : ""}`,
          });
        }
      }
    }
  }
  return issues;
}

export type AiSpecValidation =
  | {
      valid: true;
      spec: AiSpec;
      jobName: string;
      workloadName: string | undefined;
      specHash: string;
    }
  | { valid: false; errors: AiSpecIssue[] };

const HASH_LENGTH = 10;

export function validateAiSpec(input: unknown): AiSpecValidation {
  const parsed = aiSpecSchema.safeParse(input, { reportInput: true });
  const errors: AiSpecIssue[] = parsed.success ? [] : parsed.error.issues.flatMap(toIssues);
  const spec = parsed.success ? parsed.data : undefined;
  const raw = (input ?? {}) as {
    job?: { AIWorkloadConfigIdentifier?: unknown };
    workload?: { AIWorkloadConfigs?: { WorkloadSpec?: { Inline?: unknown } } };
  };
  const named = raw.job?.AIWorkloadConfigIdentifier !== undefined;
  const given = raw.workload !== undefined;
  if (named === given) {
    errors.push({
      path: "workload",
      rule: "workload-source",
      message: named
        ? "is given, and job.AIWorkloadConfigIdentifier names another workload config: keep one"
        : "is required unless job.AIWorkloadConfigIdentifier names an existing workload config",
    });
  }
  const inline = raw.workload?.AIWorkloadConfigs?.WorkloadSpec?.Inline;
  if (typeof inline === "string") {
    errors.push(
      ...workloadDocumentIssues(inline, "workload.AIWorkloadConfigs.WorkloadSpec.Inline"),
    );
  }
  if (!spec || errors.length > 0) return { valid: false, errors: sortIssues(errors) };
  const specHash = sha256Hex(
    canonicalJson({ ...spec, irflow: { ...spec.irflow, runKey: undefined } }),
  );
  const runKey = spec.irflow?.runKey;
  const base = `${slug(modelSlug(spec))}-${specHash.slice(0, HASH_LENGTH)}`;
  const derived = runKey ? `${base}-${slug(runKey)}`.slice(0, 63).replace(/-+$/, "") : base;
  const jobName = spec.job.AIRecommendationJobName ?? derived;
  const workloadName = spec.workload
    ? (spec.workload.AIWorkloadConfigName ?? `${base}-workload`.slice(0, 63))
    : undefined;
  return { valid: true, spec, jobName, workloadName, specHash };
}

/** The model's name from its S3 location: the last folder of the path, or "llm". */
function modelSlug(spec: AiSpec): string {
  const uri = spec.job.ModelSource.S3?.S3Uri ?? "";
  const parts = uri
    .replace(/^(https|s3):\/\/[^/]+\/?/, "")
    .split("/")
    .filter(Boolean);
  return parts.at(-1) ?? "llm";
}

const slug = (text: string) => nameSlug(text, 30) || "llm";

/** A zod issue in the spec's issue form; each unknown field is named on its own. */
function toIssues(issue: z.core.$ZodIssue): AiSpecIssue[] {
  const at = (path: readonly PropertyKey[]) => (path.length > 0 ? path.join(".") : "(spec)");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: at([...issue.path, key]),
      rule: "unknown-field",
      message: "is not a field of this object",
    }));
  }
  return [{ path: at(issue.path), rule: ruleOf(issue), message: messageOf(issue) }];
}

/** zod's own words, where they are not plain enough for a spec's author. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    issue.input === undefined
  ) {
    return "is required";
  }
  if (issue.code === "invalid_value") {
    return `must be one of ${issue.values.map((value) => String(value)).join(", ")}; got ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === "too_small" && issue.origin === "number") {
    return `must be at least ${issue.minimum}`;
  }
  if (issue.code === "too_big" && issue.origin === "number") {
    return `must be at most ${issue.maximum}`;
  }
  return issue.message;
}

function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "required" : "type";
    case "too_small":
    case "too_big":
      return issue.origin === "array" ? "items" : issue.origin === "string" ? "length" : "range";
    case "invalid_format":
      return "pattern";
    case "invalid_value":
      return issue.input === undefined ? "required" : "enum";
    case "unrecognized_keys":
      return "unknown-field";
    default:
      return issue.code;
  }
}

function sortIssues(issues: AiSpecIssue[]): AiSpecIssue[] {
  return [...issues].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.rule < b.rule ? -1 : 1,
  );
}
