/**
 * The emulated generative-AI recommendations of SageMaker: AI workload configs and AI
 * recommendation jobs (CreateAIWorkloadConfig … StopAIRecommendationJob), with botocore's member
 * names and the limits that matter. A job's status is computed from the clock at each call (no
 * timers): InProgress for 20 to 40 simulated minutes (from its name and number of instance types),
 * then Completed with one recommendation per instance type; Stop makes it Stopping, then Stopped
 * after STOPPING_SECONDS. Figures come from a small GPU catalog and a simple roofline-style model
 * of an 8B-parameter fp16 model: emulated, deterministic, not predictions.
 *
 * The faults of faults.ts apply as they do to Inference Recommender jobs: a `jobs` entry fails a
 * job (after AI_DEPLOY_SECONDS, with a reason of aiFailureReason), keeps it InProgress, sets its
 * run time or loses its create answer; a `benchmarks` entry fails one instance type (the job
 * completes on the others, or fails when none is left); `aiJobLimit` refuses a job past that many
 * in flight and `aiWorkloadConfigLimit` a config past that many, with ResourceLimitExceeded.
 * Throttling and server errors come before any operation, from the server (server.ts).
 */
import { parse as parseYaml } from "yaml";
import { AI_INSTANCE_TYPES } from "../../src/kinds/ai-recommendation/spec.ts";
import { AwsServiceError, type JsonObject, timestampInput } from "../aws-json.ts";
import type { Clock } from "../clock.ts";
import { aiFailureReason, FaultInjector } from "./faults.ts";
import { fnv1a32 } from "./performance-random.ts";

export type AiJobStatus = "InProgress" | "Completed" | "Failed" | "Stopping" | "Stopped";
export type AiInstanceType = (typeof AI_INSTANCE_TYPES)[number];

/** Simulated seconds from StopAIRecommendationJob to Stopped. */
export const AI_STOPPING_SECONDS = 60;
/** Simulated seconds into its run when a job a fault fails ends Failed: its first deployment. */
export const AI_DEPLOY_SECONDS = 8 * 60;
/** The shortest run of a job; its name and instance types add up to 20 minutes more. */
export const AI_MIN_RUN_SECONDS = 20 * 60;
export const AI_MAX_RUN_SECONDS = 40 * 60;
/** The instance types a job benchmarks when its ComputeSpec names none. */
export const AI_DEFAULT_INSTANCE_TYPES: readonly AiInstanceType[] = [
  "ml.g6e.2xlarge",
  "ml.g5.12xlarge",
];
export const AI_NOT_ENABLED_REASON =
  "The AI recommendations feature is not enabled for this account.";
/** Mean prompt length when the workload's inline spec does not give one. */
export const DEFAULT_INPUT_TOKENS = 550;
export const DEFAULT_OUTPUT_TOKENS = 150;

const ENTITY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const S3_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const RESOURCE_IDENTIFIER =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const METRICS = ["ttft-ms", "throughput", "cost"] as const;
const FRAMEWORKS = ["LMI", "VLLM"] as const;
const JOB_STATUSES: readonly AiJobStatus[] = [
  "InProgress",
  "Completed",
  "Failed",
  "Stopping",
  "Stopped",
];

// GPU catalog --------------------------------------------------------------------------------

interface Gpu {
  name: string;
  memoryGB: number;
  /** Memory bandwidth, GB/s. */
  bandwidthGBps: number;
  /** Dense FP16/BF16 tensor throughput, TFLOPS. */
  fp16Tflops: number;
}

/**
 * Per-GPU figures from NVIDIA's public data sheets: "NVIDIA A10 Tensor Core GPU" (the A10G of g5
 * is AWS's variant of it: 24 GB GDDR6, 600 GB/s), "NVIDIA L4 Tensor Core GPU", "NVIDIA L40S GPU",
 * "NVIDIA A100 Tensor Core GPU" (40 GB SXM for p4d, 80 GB SXM for p4de), "NVIDIA H100 Tensor Core
 * GPU" (SXM5), "NVIDIA H200 Tensor Core GPU" and "NVIDIA V100 Tensor Core GPU" (SXM2 16 GB).
 * Tensor figures are dense (the sheets' "with sparsity" figures halved). The RTX PRO 6000
 * Blackwell Server Edition of g7e: memory and bandwidth from its data sheet, FP16 an estimate.
 */
const GPUS = {
  a10g: { name: "NVIDIA A10G", memoryGB: 24, bandwidthGBps: 600, fp16Tflops: 125 },
  l4: { name: "NVIDIA L4", memoryGB: 24, bandwidthGBps: 300, fp16Tflops: 121 },
  l40s: { name: "NVIDIA L40S", memoryGB: 48, bandwidthGBps: 864, fp16Tflops: 362 },
  rtxPro6000: {
    name: "NVIDIA RTX PRO 6000 Blackwell",
    memoryGB: 96,
    bandwidthGBps: 1597,
    fp16Tflops: 500,
  },
  v100: { name: "NVIDIA V100", memoryGB: 16, bandwidthGBps: 900, fp16Tflops: 125 },
  a100: { name: "NVIDIA A100 40GB", memoryGB: 40, bandwidthGBps: 1555, fp16Tflops: 312 },
  a100x80: { name: "NVIDIA A100 80GB", memoryGB: 80, bandwidthGBps: 2039, fp16Tflops: 312 },
  h100: { name: "NVIDIA H100", memoryGB: 80, bandwidthGBps: 3350, fp16Tflops: 989 },
  h200: { name: "NVIDIA H200", memoryGB: 141, bandwidthGBps: 4800, fp16Tflops: 989 },
} satisfies Record<string, Gpu>;

const FAMILY_GPUS: Record<string, Gpu> = {
  g5: GPUS.a10g,
  g6: GPUS.l4,
  g6e: GPUS.l40s,
  g7e: GPUS.rtxPro6000,
  p3: GPUS.v100,
  p4d: GPUS.a100,
  p4de: GPUS.a100x80,
  p5: GPUS.h100,
  p5e: GPUS.h200,
  p5en: GPUS.h200,
};

/** GPUs per instance, from the SageMaker / EC2 instance type pages. */
function gpuCountOf(type: AiInstanceType): number {
  const [, family = "", size = ""] = type.split(".");
  if (family === "p3") return { "2xlarge": 1, "8xlarge": 4, "16xlarge": 8 }[size] ?? 1;
  if (family === "p5" && size === "4xlarge") return 1;
  if (family.startsWith("p")) return 8;
  if (family === "g7e") return { "12xlarge": 2, "24xlarge": 4, "48xlarge": 8 }[size] ?? 1;
  return { "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 }[size] ?? 1;
}

export interface AiInstanceSpec {
  type: AiInstanceType;
  gpu: Gpu;
  gpuCount: number;
}

export function aiInstanceSpec(type: AiInstanceType): AiInstanceSpec {
  const family = type.split(".")[1] ?? "";
  const gpu = FAMILY_GPUS[family];
  if (!gpu) throw new Error(`No GPU in the catalog for ${type}`);
  return { type, gpu, gpuCount: gpuCountOf(type) };
}

// Performance model --------------------------------------------------------------------------

/** The model every job is assumed to recommend for: 8B parameters in fp16. */
const MODEL_PARAMETERS = 8e9;
const MODEL_WEIGHTS_GB = 16;
/** KV cache per token of a Llama-3-8B-like model (32 layers, 8 KV heads of 128, fp16). */
const KV_BYTES_PER_TOKEN = 131_072;
/** Share of GPU memory the server may use, of peak compute a prefill reaches, of bandwidth. */
const MEMORY_UTILIZATION = 0.9;
const PREFILL_EFFICIENCY = 0.4;
const BANDWIDTH_EFFICIENCY = 0.7;
const MAX_BATCH = 32;

export interface Workload {
  inputTokens: number;
  outputTokens: number;
}

export interface AiPerformance {
  tensorParallelDegree: number;
  copiesPerInstance: number;
  maxBatch: number;
  ttftMs: { p50: number; p90: number; p99: number };
  itlMs: { p50: number; p90: number };
  requestLatencyP90Ms: number;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
}

/**
 * The emulated figures of one instance type for a workload, or undefined when the model does not
 * fit in its GPUs. TTFT is the prefill's compute (2 FLOPs per parameter per input token) over the
 * copy's GPUs; ITL reads the weights once per token over their memory bandwidth; throughput is
 * the copies' concurrent requests over the request latency.
 */
export function aiPerformance(
  spec: AiInstanceSpec,
  workload: Workload,
  instanceCount = 1,
): AiPerformance | undefined {
  const needGB = MODEL_WEIGHTS_GB * 1.2;
  let tp = 1;
  while (tp * spec.gpu.memoryGB * MEMORY_UTILIZATION < needGB) tp *= 2;
  if (tp > spec.gpuCount) return undefined;
  const copies = Math.floor(spec.gpuCount / tp);
  const kvGB = tp * spec.gpu.memoryGB * MEMORY_UTILIZATION - MODEL_WEIGHTS_GB;
  const perRequestGB = ((workload.inputTokens + workload.outputTokens) * KV_BYTES_PER_TOKEN) / 1e9;
  const maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(kvGB / perRequestGB)));

  const prefillMs =
    ((2 * MODEL_PARAMETERS * workload.inputTokens) /
      (tp * spec.gpu.fp16Tflops * 1e12 * PREFILL_EFFICIENCY)) *
    1000;
  const ttft50 = 12 + prefillMs;
  const itl50 =
    1.5 + (MODEL_WEIGHTS_GB / (tp * spec.gpu.bandwidthGBps * BANDWIDTH_EFFICIENCY)) * 1000;
  const ttft = { p50: ttft50, p90: ttft50 * 1.35, p99: ttft50 * 1.9 };
  const itl = { p50: itl50, p90: itl50 * 1.2 };
  const meanLatencyMs = ttft50 * 1.1 + workload.outputTokens * itl50 * 1.05;
  const requestsPerSecond = (instanceCount * copies * maxBatch) / (meanLatencyMs / 1000);
  return {
    tensorParallelDegree: tp,
    copiesPerInstance: copies,
    maxBatch,
    ttftMs: ttft,
    itlMs: itl,
    requestLatencyP90Ms: ttft.p90 + workload.outputTokens * itl.p90,
    requestsPerSecond,
    outputTokensPerSecond: requestsPerSecond * workload.outputTokens,
  };
}

/** The workload of an inline spec (JSON or YAML): `parameters.prompt_input_tokens_mean` etc. */
export function workloadOf(inline: string | undefined): Workload {
  let document: unknown;
  if (inline !== undefined) {
    try {
      document = JSON.parse(inline);
    } catch {
      try {
        document = parseYaml(inline);
      } catch {
        document = undefined;
      }
    }
  }
  const parameters =
    typeof document === "object" && document !== null
      ? (document as JsonObject).parameters
      : undefined;
  const read = (key: string, fallback: number) => {
    const value =
      typeof parameters === "object" && parameters !== null
        ? (parameters as JsonObject)[key]
        : undefined;
    const number = typeof value === "string" ? Number(value) : value;
    return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : fallback;
  };
  return {
    inputTokens: read("prompt_input_tokens_mean", DEFAULT_INPUT_TOKENS),
    outputTokens: read("output_tokens_mean", DEFAULT_OUTPUT_TOKENS),
  };
}

// Service ------------------------------------------------------------------------------------

interface WorkloadConfig {
  name: string;
  arn: string;
  request: JsonObject;
  createdAt: number;
  sequence: number;
}

interface AiJob {
  name: string;
  arn: string;
  request: JsonObject;
  instanceTypes: AiInstanceType[];
  workloadConfig: string;
  workload: Workload;
  createdAt: number;
  sequence: number;
  runSeconds: number;
  failureReason?: string;
  /** Seconds after its creation when a job with a failureReason ends Failed; 0 when absent. */
  failAtSeconds?: number;
  /** A fault keeps it InProgress until stopped. */
  stuck?: boolean;
  stopRequestedAt?: number;
}

interface AiJobState {
  status: AiJobStatus;
  end?: number;
}

export interface AiRecommendationOptions {
  clock: Clock;
  region: string;
  accountId: string;
  /** The faults to inject, shared with the Inference Recommender operations; none when absent. */
  faults?: FaultInjector;
}

/** The statuses of an AI recommendation job that count against the account's limit. */
const AI_IN_FLIGHT: ReadonlySet<AiJobStatus> = new Set(["InProgress", "Stopping"]);

export class AiRecommendationService {
  private readonly clock: Clock;
  private readonly region: string;
  private readonly accountId: string;
  private readonly faults: FaultInjector;
  private readonly workloadConfigs = new Map<string, WorkloadConfig>();
  private readonly jobs = new Map<string, AiJob>();
  private sequence = 0;
  /** CreateAIRecommendationJob calls refused for the account's limit on jobs in flight. */
  refusedCreates = 0;

  constructor(options: AiRecommendationOptions) {
    this.clock = options.clock;
    this.region = options.region;
    this.accountId = options.accountId;
    this.faults = options.faults ?? new FaultInjector();
  }

  private arnOf(resource: string, name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.accountId}:${resource}/${name}`;
  }

  // Workload configs ---------------------------------------------------------------------------

  createWorkloadConfig(input: JsonObject): JsonObject {
    const problems = new Problems();
    const name = problems.entityName(input, "AIWorkloadConfigName");
    const dataset = problems.object(input.DatasetConfig, "DatasetConfig");
    if (dataset) {
      const channels = problems.list(dataset.InputDataConfig, "DatasetConfig.InputDataConfig");
      channels?.forEach((item, index) => {
        const path = `DatasetConfig.InputDataConfig.${index + 1}`;
        const channel = problems.object(item, path, true);
        if (!channel) return;
        problems.text(channel.ChannelName, `${path}.ChannelName`, 1, 64, CHANNEL_NAME, true);
        const source = problems.object(channel.DataSource, `${path}.DataSource`, true);
        const s3 = problems.object(source?.S3DataSource, `${path}.DataSource.S3DataSource`);
        if (s3)
          problems.text(s3.S3Uri, `${path}.DataSource.S3DataSource.S3Uri`, 0, 1024, S3_URI, true);
      });
    }
    const configs = problems.object(input.AIWorkloadConfigs, "AIWorkloadConfigs");
    if (configs) {
      const spec = problems.object(configs.WorkloadSpec, "AIWorkloadConfigs.WorkloadSpec", true);
      if (spec) problems.text(spec.Inline, "AIWorkloadConfigs.WorkloadSpec.Inline", 0, Infinity);
    }
    problems.tags(input.Tags);
    problems.throwIfAny();
    if (this.workloadConfigs.has(name)) {
      throw new AwsServiceError("ResourceInUse", `AI workload config ${name} already exists`);
    }
    const limit = this.faults.settings.aiWorkloadConfigLimit;
    if (limit !== undefined && this.workloadConfigs.size >= limit) {
      throw new AwsServiceError(
        "ResourceLimitExceeded",
        `The account-level service limit 'Number of AI workload configs' is ${limit} configs, with current utilization of ${this.workloadConfigs.size} configs.`,
      );
    }
    const arn = this.arnOf("ai-workload-config", name.toLowerCase());
    this.workloadConfigs.set(name, {
      name,
      arn,
      request: input,
      createdAt: this.clock.now(),
      sequence: this.sequence++,
    });
    this.faults.afterCreate(name, "workload-config");
    return { AIWorkloadConfigArn: arn };
  }

  describeWorkloadConfig(input: JsonObject): JsonObject {
    const config = this.requireWorkloadConfig(input.AIWorkloadConfigName);
    const { request } = config;
    return {
      AIWorkloadConfigName: config.name,
      AIWorkloadConfigArn: config.arn,
      ...(request.DatasetConfig ? { DatasetConfig: request.DatasetConfig } : {}),
      ...(request.AIWorkloadConfigs ? { AIWorkloadConfigs: request.AIWorkloadConfigs } : {}),
      ...(request.Tags ? { Tags: request.Tags } : {}),
      CreationTime: new Date(config.createdAt),
    };
  }

  deleteWorkloadConfig(input: JsonObject): JsonObject {
    const config = this.requireWorkloadConfig(input.AIWorkloadConfigName);
    const now = this.clock.now();
    const user = [...this.jobs.values()].find(
      (job) =>
        job.workloadConfig === config.name &&
        ["InProgress", "Stopping"].includes(this.stateAt(job, now).status),
    );
    if (user) {
      throw new AwsServiceError(
        "ResourceInUse",
        `AI workload config ${config.name} is in use by AI recommendation job ${user.name}`,
      );
    }
    this.workloadConfigs.delete(config.name);
    return { AIWorkloadConfigArn: config.arn };
  }

  listWorkloadConfigs(input: JsonObject): JsonObject {
    const rows = filterAndSort(
      [...this.workloadConfigs.values()].map((config) => ({ ...config, status: "" })),
      input,
      ["Name", "CreationTime"],
    );
    const { page, nextToken } = paginate(rows, input);
    return {
      AIWorkloadConfigs: page.map((config) => ({
        AIWorkloadConfigName: config.name,
        AIWorkloadConfigArn: config.arn,
        CreationTime: new Date(config.createdAt),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  private requireWorkloadConfig(name: unknown): WorkloadConfig {
    const problems = new Problems();
    const checked = problems.entityName({ AIWorkloadConfigName: name }, "AIWorkloadConfigName");
    problems.throwIfAny();
    const config = this.workloadConfigs.get(checked);
    if (!config) {
      throw new AwsServiceError("ResourceNotFound", `AI workload config ${checked} not found`);
    }
    return config;
  }

  // Jobs ---------------------------------------------------------------------------------------

  createJob(input: JsonObject): JsonObject {
    const problems = new Problems();
    const name = problems.entityName(input, "AIRecommendationJobName");
    const source = problems.object(input.ModelSource, "ModelSource", true);
    const s3 = problems.object(source?.S3, "ModelSource.S3");
    if (s3) problems.text(s3.S3Uri, "ModelSource.S3.S3Uri", 0, 1024, S3_URI);
    const output = problems.object(input.OutputConfig, "OutputConfig", true);
    if (output) {
      problems.text(output.S3OutputLocation, "OutputConfig.S3OutputLocation", 0, 1024, S3_URI);
      problems.text(
        output.ModelPackageGroupIdentifier,
        "OutputConfig.ModelPackageGroupIdentifier",
        1,
        256,
        RESOURCE_IDENTIFIER,
      );
    }
    const identifier = problems.text(
      input.AIWorkloadConfigIdentifier,
      "AIWorkloadConfigIdentifier",
      1,
      256,
      RESOURCE_IDENTIFIER,
      true,
    );
    const target = problems.object(input.PerformanceTarget, "PerformanceTarget", true);
    if (target) {
      const constraints = problems.list(target.Constraints, "PerformanceTarget.Constraints", true);
      constraints?.forEach((item, index) => {
        const path = `PerformanceTarget.Constraints.${index + 1}`;
        const constraint = problems.object(item, path, true);
        if (constraint) problems.enumValue(constraint.Metric, `${path}.Metric`, METRICS, true);
      });
    }
    problems.text(input.RoleArn, "RoleArn", 20, 2048, ROLE_ARN, true);
    const inference = problems.object(input.InferenceSpecification, "InferenceSpecification");
    if (inference) {
      problems.enumValue(inference.Framework, "InferenceSpecification.Framework", FRAMEWORKS);
    }
    if (input.OptimizeModel !== undefined && typeof input.OptimizeModel !== "boolean") {
      problems.add("OptimizeModel", "failed to satisfy constraint: Member must be a boolean");
    }
    const compute = problems.object(input.ComputeSpec, "ComputeSpec");
    let instanceTypes: AiInstanceType[] = [...AI_DEFAULT_INSTANCE_TYPES];
    if (compute) {
      const types = problems.list(compute.InstanceTypes, "ComputeSpec.InstanceTypes", false, 3);
      types?.forEach((type, index) => {
        problems.enumValue(type, `ComputeSpec.InstanceTypes.${index + 1}`, AI_INSTANCE_TYPES, true);
      });
      if (types && types.length > 0) instanceTypes = types as AiInstanceType[];
      const reservation = problems.object(
        compute.CapacityReservationConfig,
        "ComputeSpec.CapacityReservationConfig",
      );
      if (reservation) {
        problems.enumValue(
          reservation.CapacityReservationPreference,
          "ComputeSpec.CapacityReservationConfig.CapacityReservationPreference",
          ["capacity-reservations-only"],
        );
        problems.list(
          reservation.MlReservationArns,
          "ComputeSpec.CapacityReservationConfig.MlReservationArns",
        );
      }
    }
    problems.tags(input.Tags);
    problems.throwIfAny();

    if (this.jobs.has(name)) {
      throw new AwsServiceError("ResourceInUse", `AI recommendation job ${name} already exists`);
    }
    const configName = identifier.slice(identifier.lastIndexOf("/") + 1);
    const config = this.workloadConfigs.get(configName);
    if (!config) {
      throw new AwsServiceError(
        "ResourceNotFound",
        `AI workload config ${identifier} (AIWorkloadConfigIdentifier) not found`,
      );
    }
    const inline = (
      (config.request.AIWorkloadConfigs as JsonObject | undefined)?.WorkloadSpec as
        | JsonObject
        | undefined
    )?.Inline;
    const now = this.clock.now();
    const limit = this.faults.settings.aiJobLimit;
    const inFlight = [...this.jobs.values()].filter((job) =>
      AI_IN_FLIGHT.has(this.stateAt(job, now).status),
    ).length;
    if (inFlight >= limit) {
      this.refusedCreates += 1;
      throw new AwsServiceError(
        "ResourceLimitExceeded",
        `The account-level service limit 'Number of concurrent AI recommendation jobs' is ${limit} jobs, with current utilization of ${inFlight} jobs.`,
      );
    }
    const workload = workloadOf(typeof inline === "string" ? inline : undefined);
    const fits = instanceTypes.some((type) => aiPerformance(aiInstanceSpec(type), workload));
    const arn = this.arnOf("ai-recommendation-job", name.toLowerCase());
    const overrides = this.faults.planOverridesOf(name);
    const job: AiJob = {
      name,
      arn,
      request: input,
      instanceTypes,
      workloadConfig: config.name,
      workload,
      createdAt: now,
      sequence: this.sequence++,
      runSeconds: overrides.runSeconds ?? runSecondsOf(name, instanceTypes.length),
      ...(name.includes("not-enabled")
        ? { failureReason: AI_NOT_ENABLED_REASON }
        : fits
          ? this.fateOf(name, instanceTypes, workload)
          : {
              failureReason:
                "The model does not fit in the GPU memory of any of the requested instance types.",
            }),
    };
    this.jobs.set(name, job);
    this.faults.afterCreate(name);
    return { AIRecommendationJobArn: arn };
  }

  /**
   * What the faults make of a job whose model fits: failed by a `jobs` entry or because every
   * instance type it could run on fails its benchmark, kept InProgress, or nothing.
   */
  private fateOf(
    name: string,
    instanceTypes: readonly AiInstanceType[],
    workload: Workload,
  ): Pick<AiJob, "failureReason" | "failAtSeconds" | "stuck"> {
    const fate = this.faults.fateOf(name);
    if (fate.kind === "stuck") return { stuck: true };
    const runnable = instanceTypes.filter((type) => aiPerformance(aiInstanceSpec(type), workload));
    const first = runnable[0] ?? instanceTypes[0] ?? "the first instance type";
    const allFail =
      runnable.length > 0 && runnable.every((type) => this.faults.benchmarkFailure(type));
    if (fate.kind !== "fail" && !allFail) return {};
    const kind =
      fate.kind === "fail" ? fate.reason : (this.faults.benchmarkFailure(first) ?? "capacity");
    return {
      failureReason: aiFailureReason(kind, name, first),
      failAtSeconds: AI_DEPLOY_SECONDS + (kind === "payload-error" ? 120 : 0),
    };
  }

  describeJob(input: JsonObject): JsonObject {
    const job = this.requireJob(input.AIRecommendationJobName);
    const state = this.stateAt(job, this.clock.now());
    const { request } = job;
    const output = request.OutputConfig as JsonObject;
    return {
      AIRecommendationJobName: job.name,
      AIRecommendationJobArn: job.arn,
      AIRecommendationJobStatus: state.status,
      ...(state.status === "Failed" && job.failureReason
        ? { FailureReason: job.failureReason }
        : {}),
      ModelSource: request.ModelSource,
      OutputConfig: {
        S3OutputLocation:
          output.S3OutputLocation ??
          `s3://sagemaker-${this.region}-${this.accountId}/ai-recommendations/${job.name}/`,
        ...(output.ModelPackageGroupIdentifier
          ? { ModelPackageGroupIdentifier: output.ModelPackageGroupIdentifier }
          : {}),
      },
      ...(request.InferenceSpecification
        ? { InferenceSpecification: request.InferenceSpecification }
        : {}),
      AIWorkloadConfigIdentifier: request.AIWorkloadConfigIdentifier,
      ...(request.OptimizeModel !== undefined ? { OptimizeModel: request.OptimizeModel } : {}),
      PerformanceTarget: request.PerformanceTarget,
      ...(state.status === "Completed" ? { Recommendations: this.recommendationsOf(job) } : {}),
      RoleArn: request.RoleArn,
      ...(request.ComputeSpec ? { ComputeSpec: request.ComputeSpec } : {}),
      CreationTime: new Date(job.createdAt),
      StartTime: new Date(job.createdAt),
      ...(state.end !== undefined ? { EndTime: new Date(state.end) } : {}),
      ...(request.Tags ? { Tags: request.Tags } : {}),
    };
  }

  listJobs(input: JsonObject): JsonObject {
    const now = this.clock.now();
    const problems = new Problems();
    const statusEquals = problems.enumValue(input.StatusEquals, "StatusEquals", JOB_STATUSES);
    problems.throwIfAny();
    const rows = filterAndSort(
      [...this.jobs.values()].map((job) => {
        const state = this.stateAt(job, now);
        return { ...job, status: state.status, end: state.end };
      }),
      input,
      ["Name", "CreationTime", "Status"],
    ).filter((job) => statusEquals === undefined || job.status === statusEquals);
    const { page, nextToken } = paginate(rows, input);
    return {
      AIRecommendationJobs: page.map((job) => ({
        AIRecommendationJobName: job.name,
        AIRecommendationJobArn: job.arn,
        AIRecommendationJobStatus: job.status,
        CreationTime: new Date(job.createdAt),
        ...(job.end !== undefined ? { EndTime: new Date(job.end) } : {}),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  stopJob(input: JsonObject): JsonObject {
    const job = this.requireJob(input.AIRecommendationJobName);
    const now = this.clock.now();
    const { status } = this.stateAt(job, now);
    if (status === "InProgress") job.stopRequestedAt = now;
    else if (status !== "Stopping" && status !== "Stopped") {
      throw new AwsServiceError(
        "ValidationException",
        `AI recommendation job ${job.name} is ${status} and can no longer be stopped`,
      );
    }
    return { AIRecommendationJobArn: job.arn };
  }

  private requireJob(name: unknown): AiJob {
    const problems = new Problems();
    const checked = problems.entityName(
      { AIRecommendationJobName: name },
      "AIRecommendationJobName",
    );
    problems.throwIfAny();
    const job = this.jobs.get(checked);
    if (!job) {
      throw new AwsServiceError("ResourceNotFound", `AI recommendation job ${checked} not found`);
    }
    return job;
  }

  private stateAt(job: AiJob, now: number): AiJobState {
    const completion = job.stuck
      ? Number.POSITIVE_INFINITY
      : job.createdAt +
        (job.failureReason ? Math.min(job.failAtSeconds ?? 0, job.runSeconds) : job.runSeconds) *
          1000;
    if (job.stopRequestedAt !== undefined && job.stopRequestedAt < completion) {
      const stopped = job.stopRequestedAt + AI_STOPPING_SECONDS * 1000;
      return now >= stopped ? { status: "Stopped", end: stopped } : { status: "Stopping" };
    }
    if (now < completion) return { status: "InProgress" };
    return { status: job.failureReason ? "Failed" : "Completed", end: completion };
  }

  private recommendationsOf(job: AiJob): JsonObject[] {
    const request = job.request;
    const framework = (request.InferenceSpecification as JsonObject | undefined)?.Framework;
    const modelUri = ((request.ModelSource as JsonObject).S3 as JsonObject | undefined)?.S3Uri;
    const group = (request.OutputConfig as JsonObject).ModelPackageGroupIdentifier;
    const groupName = typeof group === "string" ? group.slice(group.lastIndexOf("/") + 1) : "";
    const benchmarkPrefix = job.name.slice(0, 59);
    const recommendations: JsonObject[] = [];
    job.instanceTypes.forEach((type, index) => {
      const figures = aiPerformance(aiInstanceSpec(type), job.workload);
      // A benchmark a fault fails gives no recommendation; the job completes on the others.
      if (!figures || this.faults.benchmarkFailure(type)) return;
      const instance = {
        InstanceType: type,
        InstanceCount: 1,
        CopyCountPerInstance: figures.copiesPerInstance,
      };
      recommendations.push({
        RecommendationDescription: `${type}: ${figures.copiesPerInstance} cop${
          figures.copiesPerInstance === 1 ? "y" : "ies"
        } of the model, tensor parallel degree ${figures.tensorParallelDegree} (emulated)`,
        ModelDetails: {
          ...(groupName
            ? { ModelPackageArn: this.arnOf("model-package", `${groupName}/${index + 1}`) }
            : {}),
          InferenceSpecificationName: `${benchmarkPrefix}-${index + 1}`,
          InstanceDetails: [instance],
        },
        DeploymentConfiguration: {
          ...(typeof modelUri === "string"
            ? { S3: [{ ChannelName: "model", Uri: modelUri }] }
            : {}),
          ImageUri: `763104351884.dkr.ecr.${this.region}.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124`,
          ...instance,
          EnvironmentVariables: {
            OPTION_TENSOR_PARALLEL_DEGREE: String(figures.tensorParallelDegree),
            OPTION_MAX_ROLLING_BATCH_SIZE: String(figures.maxBatch),
            OPTION_ROLLING_BATCH: framework === "VLLM" ? "vllm" : "lmi-dist",
            OPTION_DTYPE: "fp16",
          },
        },
        AIBenchmarkJobArn: this.arnOf("ai-benchmark-job", `${benchmarkPrefix}-${index + 1}`),
        ExpectedPerformance: [
          row("TimeToFirstToken", "p50", figures.ttftMs.p50, "ms"),
          row("TimeToFirstToken", "p90", figures.ttftMs.p90, "ms"),
          row("TimeToFirstToken", "p99", figures.ttftMs.p99, "ms"),
          row("InterTokenLatency", "p50", figures.itlMs.p50, "ms"),
          row("InterTokenLatency", "p90", figures.itlMs.p90, "ms"),
          row("RequestLatency", "p90", figures.requestLatencyP90Ms, "ms"),
          row("RequestThroughput", "avg", figures.requestsPerSecond, "requests/s"),
          row("OutputTokenThroughput", "avg", figures.outputTokensPerSecond, "tokens/s"),
        ],
      });
    });
    return recommendations;
  }
}

// Helpers ------------------------------------------------------------------------------------

function row(metric: string, stat: string, value: number, unit: string): JsonObject {
  return { Metric: metric, Stat: stat, Value: value.toFixed(2), Unit: unit };
}

/** 20 minutes, plus up to 10 from the name and 5 per instance type after the first. */
export function runSecondsOf(name: string, instanceTypeCount: number): number {
  const seconds =
    AI_MIN_RUN_SECONDS + (fnv1a32(name) % 601) + 300 * Math.max(0, instanceTypeCount - 1);
  return Math.min(AI_MAX_RUN_SECONDS, seconds);
}

interface Listed {
  name: string;
  createdAt: number;
  sequence: number;
  status: string;
}

/** NameContains and CreationTime filters, then SortBy / SortOrder (newest first by default). */
function filterAndSort<T extends Listed>(
  rows: T[],
  input: JsonObject,
  sortKeys: readonly string[],
): T[] {
  const problems = new Problems();
  const sortBy = problems.enumValue(input.SortBy, "SortBy", sortKeys) ?? "CreationTime";
  const order =
    problems.enumValue(input.SortOrder, "SortOrder", ["Ascending", "Descending"]) ?? "Descending";
  problems.throwIfAny();
  const after = timestampInput(input.CreationTimeAfter, "CreationTimeAfter");
  const before = timestampInput(input.CreationTimeBefore, "CreationTimeBefore");
  const filtered = rows.filter(
    (item) =>
      (after === undefined || item.createdAt > after.getTime()) &&
      (before === undefined || item.createdAt < before.getTime()) &&
      (typeof input.NameContains !== "string" || item.name.includes(input.NameContains)),
  );
  filtered.sort((a, b) => {
    const primary =
      sortBy === "Name"
        ? a.name.localeCompare(b.name)
        : sortBy === "Status"
          ? a.status.localeCompare(b.status)
          : a.createdAt - b.createdAt;
    return primary || a.sequence - b.sequence;
  });
  if (order === "Descending") filtered.reverse();
  return filtered;
}

function paginate<T>(rows: T[], input: JsonObject): { page: T[]; nextToken?: string } {
  const size = input.MaxResults ?? 100;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > 100) {
    throw validation("MaxResults", "failed to satisfy constraint: Member must be from 1 to 100");
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    offset = Number(Buffer.from(String(input.NextToken), "base64url").toString("utf8"));
    if (!Number.isInteger(offset) || offset < 0) {
      throw validation("NextToken", "is not a token this service issued");
    }
  }
  const next = offset + size;
  const page = rows.slice(offset, next);
  return next < rows.length
    ? { page, nextToken: Buffer.from(String(next), "utf8").toString("base64url") }
    : { page };
}

function validation(path: string, message: string): AwsServiceError {
  return new AwsServiceError(
    "ValidationException",
    `1 validation error detected: Value at '${path}' ${message}`,
  );
}

/** The problems of a request, reported at once in AWS's words, each naming its member. */
class Problems {
  private readonly found: { path: string; message: string }[] = [];

  add(path: string, message: string): void {
    this.found.push({ path, message });
  }

  throwIfAny(): void {
    const count = this.found.length;
    if (count === 0) return;
    const detail = this.found.map((p) => `Value at '${p.path}' ${p.message}`).join("; ");
    throw new AwsServiceError(
      "ValidationException",
      `${count} validation error${count === 1 ? "" : "s"} detected: ${detail}`,
    );
  }

  private missing(path: string): void {
    this.add(path, "failed to satisfy constraint: Member must not be null");
  }

  object(value: unknown, path: string, required = false): JsonObject | undefined {
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      this.add(path, "failed to satisfy constraint: Member must be a structure");
      return undefined;
    }
    return value as JsonObject;
  }

  list(value: unknown, path: string, required = false, max = Infinity): unknown[] | undefined {
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(path, "failed to satisfy constraint: Member must be a list");
      return undefined;
    }
    if (value.length > max) {
      this.add(
        path,
        `failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
    return value;
  }

  text(
    value: unknown,
    path: string,
    min: number,
    max: number,
    pattern?: RegExp,
    required = false,
  ): string {
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return "";
    }
    if (typeof value !== "string") {
      this.add(path, "failed to satisfy constraint: Member must be a string");
      return "";
    }
    if (value.length < min || value.length > max) {
      this.add(path, `failed to satisfy constraint: Member must have length from ${min} to ${max}`);
    } else if (pattern && !pattern.test(value)) {
      this.add(
        path,
        `failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`,
      );
    }
    return value;
  }

  entityName(input: JsonObject, member: string): string {
    return this.text(input[member], member, 1, 63, ENTITY_NAME, true);
  }

  enumValue<const T extends string>(
    value: unknown,
    path: string,
    allowed: readonly T[],
    required = false,
  ): T | undefined {
    if (value === undefined || value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (!allowed.includes(value as T)) {
      this.add(
        path,
        `'${String(value)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`,
      );
      return undefined;
    }
    return value as T;
  }

  tags(value: unknown): void {
    const tags = this.list(value, "Tags", false, 50);
    tags?.forEach((item, index) => {
      const tag = this.object(item, `Tags.${index + 1}`, true);
      if (!tag) return;
      this.text(tag.Key, `Tags.${index + 1}.Key`, 1, 128, TAG_TEXT, true);
      this.text(tag.Value, `Tags.${index + 1}.Value`, 0, 256, TAG_TEXT, true);
    });
  }
}
