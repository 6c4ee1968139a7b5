/**
 * Faults the emulator can inject, configured per run: API throttling and server errors, jobs that
 * fail or never finish, jobs with a set run time or with steps that show no progress, jobs whose
 * CreateInferenceRecommendationsJob answer is lost after the job was created, single benchmarks
 * that fail, and the account's limit on jobs in flight. Every decision is a pure function of the
 * seed and the job name or call number, so a run with the same configuration fails the same way.
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
           * true: CreateInferenceRecommendationsJob creates the job, then answers InternalFailure
           * (HTTP 500), as when the answer is lost on its way. `rate` draws for this on its own,
           * apart from the job's fate.
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
  /** Jobs in flight (PENDING, IN_PROGRESS, STOPPING) allowed at once. */
  accountJobLimit: z.number().int().min(1).default(10),
});

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export type JobFate =
  | { kind: "complete" }
  | { kind: "fail"; reason: FailureKind }
  | { kind: "stuck" };

export class FaultInjector {
  private config: FaultConfig;
  private calls = 0;
  /** How many faults were injected, for tests and the demo to report. */
  readonly injected = { throttled: 0, serverErrors: 0, lostCreateResponses: 0 };
  /** The jobs created whose CreateInferenceRecommendationsJob answer was lost, oldest first. */
  private lostCreates: string[] = [];

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
   * Called once a job exists: throws the InternalFailure of a lost answer when a jobs entry says
   * so. The job stays created; a client that retries gets ResourceInUse.
   */
  afterCreate(jobName: string): void {
    const lose = this.config.jobs.some(
      (rule) =>
        rule.loseCreateResponse === true &&
        ((rule.match !== undefined && new RegExp(rule.match).test(jobName)) ||
          (rule.rate !== undefined &&
            seededUnit(this.config.seed, "lost-create", jobName) < rule.rate)),
    );
    if (!lose) return;
    this.injected.lostCreateResponses += 1;
    this.lostCreates.push(jobName);
    throw new AwsServiceError(
      "InternalFailure",
      "An internal error occurred; the request may have succeeded",
      500,
    );
  }

  /** The names of the jobs created whose answer was lost, oldest first. */
  lostCreateResponses(): string[] {
    return [...this.lostCreates];
  }

  /** Clears the counts and the list of lost answers. */
  resetCounts(): void {
    Object.assign(this.injected, { throttled: 0, serverErrors: 0, lostCreateResponses: 0 });
    this.lostCreates = [];
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
