/**
 * Faults the emulator can inject, configured per run: API throttling and server errors, jobs that
 * fail or never finish, jobs with a set run time or with steps that show no progress, jobs whose
 * create answer is lost after the job was created, single benchmarks that fail, and the account's
 * limits on jobs in flight. Every decision is a pure function of the seed and the job name or call
 * number, so a run with the same configuration fails the same way.
 *
 * One configuration serves both APIs: the Inference Recommender jobs (service.ts) and the
 * generative-AI recommendation jobs (ai-recommendations.ts). Throttling and server errors meet
 * every operation of either; a `jobs` entry matches a job of either kind by its name, and
 * `loseCreateResponse` also loses CreateAIWorkloadConfig answers, drawn on the config's name; a
 * `benchmarks` entry fails that instance type in the jobs of either kind. Each API has its own
 * limit on jobs in flight (`accountJobLimit`, `aiJobLimit`) and answers ResourceLimitExceeded
 * past it; `aiWorkloadConfigLimit` caps the AI workload configs an account holds.
 */
import * as z from "zod";
import { AwsServiceError } from "../aws-json.ts";
import { seededUnit } from "./performance-random.ts";
import type { PlanOverrides } from "./plan.ts";

/** The failures the Inference Recommender troubleshooting guide documents, and capacity. */
export const FAILURE_KINDS = [
  "model-error",
  "payload-error",
  "capacity",
  "quota",
  "permissions",
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

const rate = z.number().min(0).max(1);

export const faultConfigSchema = z.strictObject({
  seed: z.string().default("irflow"),
  /** Fraction of API calls answered with ThrottlingException. */
  throttleRate: rate.default(0),
  /** Fraction of API calls answered with a 500 or 503. */
  serverErrorRate: rate.default(0),
  /**
   * Jobs whose name matches `match` (a regular expression) or that fall within `rate`. Each
   * setting of a job (fate, run time, progress) comes from the first matching entry that has it.
   */
  jobs: z
    .array(
      z
        .strictObject({
          match: z.string().optional(),
          rate: rate.optional(),
          fate: z.enum(["fail", "stuck"]).optional(),
          reason: z.enum(FAILURE_KINDS).default("model-error"),
          /** Seconds the job spends IN_PROGRESS, instead of its drawn duration. */
          runSeconds: z
            .number()
            .positive()
            .max(10 * 24 * 3600)
            .optional(),
          /** false: every step stays IN_PROGRESS until the job ends, then all flip at once. */
          progress: z.boolean().optional(),
          /**
           * true: CreateInferenceRecommendationsJob (or CreateAIRecommendationJob, or
           * CreateAIWorkloadConfig for a config of a matching name) creates the resource, then
           * answers InternalFailure (HTTP 500), as when the answer is lost on its way. `rate`
           * draws for this on its own, apart from the job's fate.
           */
          loseCreateResponse: z.boolean().optional(),
        })
        .refine(
          (rule) =>
            rule.fate !== undefined ||
            rule.runSeconds !== undefined ||
            rule.progress !== undefined ||
            rule.loseCreateResponse !== undefined,
          { message: "a jobs entry must set fate, runSeconds or progress, or loseCreateResponse" },
        ),
    )
    .default([]),
  /** Benchmarks on these instance types fail; the job completes if any benchmark succeeds. */
  benchmarks: z
    .array(z.strictObject({ instanceType: z.string(), reason: z.enum(FAILURE_KINDS) }))
    .default([]),
  /** Inference Recommender jobs in flight (PENDING, IN_PROGRESS, STOPPING) allowed at once. */
  accountJobLimit: z.number().int().min(1).default(10),
  /**
   * AI recommendation jobs in flight (InProgress, Stopping) allowed at once; past it,
   * CreateAIRecommendationJob answers ResourceLimitExceeded. AWS publishes no quota for these
   * jobs: the default is the emulator's, the classic limit's.
   */
  aiJobLimit: z.number().int().min(1).default(10),
  /**
   * AI workload configs the account may hold; past it, CreateAIWorkloadConfig answers
   * ResourceLimitExceeded. Unpublished too; no limit when absent.
   */
  aiWorkloadConfigLimit: z.number().int().min(1).optional(),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** The resources whose create answer a `loseCreateResponse` entry may lose. */
export type CreatedResource = "job" | "workload-config";

export type JobFate =
  | { kind: "complete" }
  | { kind: "fail"; reason: FailureKind }
  | { kind: "stuck" };

export class FaultInjector {
  private config: FaultConfig;
  private calls = 0;
  /** How many faults were injected, for tests and the demo to report. */
  readonly injected = {
    throttled: 0,
    serverErrors: 0,
    lostCreateResponses: 0,
    lostWorkloadConfigResponses: 0,
  };
  /** The jobs (of either kind) created whose create answer was lost, oldest first. */
  private lostCreates: string[] = [];
  /** The AI workload configs created whose CreateAIWorkloadConfig answer was lost. */
  private lostConfigs: string[] = [];

  constructor(config: FaultConfigInput = {}) {
    this.config = faultConfigSchema.parse(config);
  }

  configure(config: FaultConfigInput): void {
    this.config = faultConfigSchema.parse(config);
    this.calls = 0;
  }

  get settings(): FaultConfig {
    return this.config;
  }

  /** Throws the throttling or server error this call draws, if any. */
  beforeCall(operation: string): void {
    this.calls += 1;
    const draw = seededUnit(this.config.seed, "call", String(this.calls));
    if (draw < this.config.throttleRate) {
      this.injected.throttled += 1;
      throw new AwsServiceError("ThrottlingException", `Rate exceeded for ${operation}`, 400);
    }
    if (draw < this.config.throttleRate + this.config.serverErrorRate) {
      this.injected.serverErrors += 1;
      throw this.calls % 2 === 0
        ? new AwsServiceError("ServiceUnavailable", "Service is unavailable, retry later", 503)
        : new AwsServiceError("InternalFailure", "An internal error occurred", 500);
    }
  }

  /**
   * Called once a job (or an AI workload config) exists: throws the InternalFailure of a lost
   * answer when a jobs entry says so. It stays created; a client that retries gets ResourceInUse.
   */
  afterCreate(name: string, resource: CreatedResource = "job"): void {
    const lose = this.config.jobs.some(
      (rule) =>
        rule.loseCreateResponse === true &&
        ((rule.match !== undefined && new RegExp(rule.match).test(name)) ||
          (rule.rate !== undefined &&
            seededUnit(this.config.seed, "lost-create", name) < rule.rate)),
    );
    if (!lose) return;
    if (resource === "job") {
      this.injected.lostCreateResponses += 1;
      this.lostCreates.push(name);
    } else {
      this.injected.lostWorkloadConfigResponses += 1;
      this.lostConfigs.push(name);
    }
    throw new AwsServiceError(
      "InternalFailure",
      "An internal error occurred; the request may have succeeded",
      500,
    );
  }

  /** The names of the jobs (of either kind) created whose answer was lost, oldest first. */
  lostCreateResponses(): string[] {
    return [...this.lostCreates];
  }

  /** The names of the AI workload configs created whose answer was lost, oldest first. */
  lostWorkloadConfigResponses(): string[] {
    return [...this.lostConfigs];
  }

  /** Clears the counts and the lists of lost answers. */
  resetCounts(): void {
    Object.assign(this.injected, {
      throttled: 0,
      serverErrors: 0,
      lostCreateResponses: 0,
      lostWorkloadConfigResponses: 0,
    });
    this.lostCreates = [];
    this.lostConfigs = [];
  }

  fateOf(jobName: string): JobFate {
    const rule = this.matchingJobRules(jobName).find((candidate) => candidate.fate !== undefined);
    if (rule?.fate === "stuck") return { kind: "stuck" };
    if (rule?.fate === "fail") return { kind: "fail", reason: rule.reason };
    return { kind: "complete" };
  }

  /** The run time and progress the faults file sets for this job, if any. */
  planOverridesOf(jobName: string): PlanOverrides {
    const rules = this.matchingJobRules(jobName);
    const runSeconds = rules.find((rule) => rule.runSeconds !== undefined)?.runSeconds;
    const progress = rules.find((rule) => rule.progress !== undefined)?.progress;
    return {
      ...(runSeconds !== undefined ? { runSeconds } : {}),
      ...(progress !== undefined ? { progress } : {}),
    };
  }

  private matchingJobRules(jobName: string): FaultConfig["jobs"] {
    return this.config.jobs.filter(
      (rule) =>
        (rule.match !== undefined && new RegExp(rule.match).test(jobName)) ||
        (rule.rate !== undefined && seededUnit(this.config.seed, "job", jobName) < rule.rate),
    );
  }

  benchmarkFailure(instanceType: string | undefined): FailureKind | undefined {
    return this.config.benchmarks.find((rule) => rule.instanceType === instanceType)?.reason;
  }
}

/**
 * A failure reason in the manner of the service's own: the exception and the call it came from,
 * as the troubleshooting guide quotes them, then what failed. Each names its documented cause, so
 * a reader (or irflow's diagnosis) can tell a capacity shortage from a used-up quota.
 */
export function failureReason(kind: FailureKind, jobName: string, target: string): string {
  const logs = `/aws/sagemaker/InferenceRecommendationsJobs, stream ${jobName}/execution`;
  switch (kind) {
    case "model-error":
      return `ModelError when calling InvokeEndpoint on ${target}: the model container did not answer the /ping health check before the startup timeout. See ${logs}.`;
    case "payload-error":
      return `PayloadError when calling InvokeEndpoint on ${target}: every invocation with the sample payload returned a client error (4xx). Check SamplePayloadUrl and SupportedContentTypes. See ${logs}.`;
    case "capacity":
      return `InsufficientInstanceCapacity when calling CreateEndpoint for ${target}: there is not enough capacity for the instance type in the Availability Zone right now.`;
    case "quota":
      return `ResourceLimitExceeded when calling CreateEndpoint for ${target}: the account-level service limit '${target} for endpoint usage' is 0 Instances, with current utilization of 0 Instances.`;
    case "permissions":
      return `AWSSecurityTokenServiceException: the job's execution role cannot be assumed by sagemaker.amazonaws.com; check its trust policy. See ${logs}.`;
  }
}

/**
 * A failure reason of an AI recommendation job, for the same kinds of failure. AWS documents no
 * failure reasons for these jobs: each is worded as the Inference Recommender's, naming the
 * exception and the call it came from, so that irflow's diagnosis files it under the same
 * category (src/decision/diagnose.ts).
 */
export function aiFailureReason(kind: FailureKind, jobName: string, instanceType: string): string {
  const benchmark = `the benchmark of AI recommendation job ${jobName} on ${instanceType}`;
  switch (kind) {
    case "model-error":
      return `ModelError when deploying the model for ${benchmark}: the model server did not answer the /ping health check before the startup timeout. Check ModelSource and InferenceSpecification.Framework.`;
    case "payload-error":
      return `PayloadError in ${benchmark}: every request of the workload returned a client error (4xx). Check the AI workload config's WorkloadSpec and DatasetConfig.`;
    case "capacity":
      return `InsufficientInstanceCapacity when calling CreateEndpoint for ${benchmark}: there is not enough capacity for ${instanceType} in the Availability Zone right now.`;
    case "quota":
      return `ResourceLimitExceeded when calling CreateEndpoint for ${benchmark}: the account-level service limit '${instanceType} for endpoint usage' is 0 Instances, with current utilization of 0 Instances.`;
    case "permissions":
      return `AWSSecurityTokenServiceException: the job's RoleArn cannot be assumed by sagemaker.amazonaws.com; check its trust policy.`;
  }
}
