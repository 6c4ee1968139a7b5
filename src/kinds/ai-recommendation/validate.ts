/**
 * Validation of a spec of the kind ai-recommendation: every constraint of its two requests (the
 * schemas of ./spec.ts), the workload document inside WorkloadSpec.Inline (JSON or YAML: its keys,
 * the AIPerf parameter names, secrets given as Secrets Manager ARNs), all errors at once, and the
 * names derived for the job and its workload config. Only ValidateSpec, the CLI and the triggers'
 * configuration check load it.
 */
import { parse as parseYaml } from "yaml";
import type * as z from "zod";
import { nameSlug } from "../../naming.ts";
import { canonicalJson, sha256Hex } from "../../spec/canonical.ts";
import type { KindValidation } from "../kind.ts";
import { type AiSpec, aiSpecSchema, SECRET_ARN } from "./spec.ts";

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

/** The kind's validation as the workflow takes it: the derived names written into the spec. */
export function validateAiRecommendationSpec(input: unknown): KindValidation<AiSpec> {
  const result = validateAiSpec(input);
  if (!result.valid) return { valid: false, errors: result.errors, warnings: [] };
  // The names are part of the spec as validated, as a classic spec's JobName is.
  const { spec, jobName, workloadName, specHash } = result;
  return {
    valid: true,
    jobName,
    specHash,
    warnings: [],
    spec: {
      ...spec,
      job: { ...spec.job, AIRecommendationJobName: jobName },
      ...(spec.workload && workloadName
        ? { workload: { ...spec.workload, AIWorkloadConfigName: workloadName } }
        : {}),
    },
  };
}
