/**
 * The emulated Inference Recommender: the job operations, validated like the service
 * (request-validation.ts: the AWS service model's constraints and the documented rules), with a
 * lifecycle computed from the clock at each call (no timers), and results from the instance
 * catalog and the performance model. Figures are emulated, not predictions.
 */
import type { JobRequest } from "../../src/spec/schema.ts";
import {
  AwsServiceError,
  type JsonObject,
  type OperationHandler,
  timestampInput,
} from "../aws-json.ts";
import type { Clock } from "../clock.ts";
import { AiRecommendationService } from "./ai-recommendations.ts";
import { FaultInjector, failureReason, type JobFate } from "./faults.ts";
import {
  benchmarkRealTime,
  benchmarkServerless,
  type LatencyLimit,
  type ModelProfile,
} from "./performance.ts";
import {
  adjustPlan,
  ENDPOINT_SETUP_SECONDS,
  type JobPlan,
  type PlannedBenchmark,
  planJob,
  STOPPING_SECONDS,
} from "./plan.ts";
import { type ModelPackage, ModelRegistry } from "./registry.ts";
import { validateCreateJobRequest } from "./request-validation.ts";
import { scalingConfiguration, validateScalingRequest } from "./scaling-recommendation.ts";

export type JobStatus =
  | "PENDING"
  | "IN_PROGRESS"
  | "COMPLETED"
  | "FAILED"
  | "STOPPING"
  | "STOPPED"
  | "DELETING"
  | "DELETED";

const IN_FLIGHT: ReadonlySet<JobStatus> = new Set(["PENDING", "IN_PROGRESS", "STOPPING"]);
const MAX_RECOMMENDATIONS = 10;

interface Failure {
  /** Seconds into the run (after PENDING) when the job fails. */
  atOffset: number;
  reason: string;
}

interface EmulatedJob {
  name: string;
  arn: string;
  request: JobRequest;
  createdAt: number;
  plan: JobPlan;
  profile: ModelProfile;
  stuck: boolean;
  failure?: Failure;
  stopRequestedAt?: number;
}

interface JobState {
  status: JobStatus;
  lastModified: number;
  completion?: number;
}

interface BenchmarkState {
  benchmark: PlannedBenchmark;
  status: JobStatus;
  start: number;
  end: number;
  failureReason?: string;
}

export interface InferenceRecommenderOptions {
  clock: Clock;
  faults?: FaultInjector;
  registry?: ModelRegistry;
  region?: string;
  accountId?: string;
}

export class InferenceRecommenderService {
  readonly faults: FaultInjector;
  readonly registry: ModelRegistry;
  /** The generative-AI recommendations: AI workload configs and AI recommendation jobs. */
  readonly ai: AiRecommendationService;
  private readonly jobs = new Map<string, EmulatedJob>();
  /** Simulated time, which the emulated jobs run on. */
  readonly clock: Clock;
  /** CreateInferenceRecommendationsJob calls refused for the account's job limit. */
  refusedCreates = 0;
  private readonly region: string;
  private readonly accountId: string;

  constructor(options: InferenceRecommenderOptions) {
    this.clock = options.clock;
    this.faults = options.faults ?? new FaultInjector();
    this.region = options.region ?? "us-east-1";
    this.accountId = options.accountId ?? "111122223333";
    this.registry =
      options.registry ??
      new ModelRegistry({
        region: this.region,
        accountId: this.accountId,
        now: () => new Date(this.clock.now()),
      });
    this.ai = new AiRecommendationService({
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      faults: this.faults,
    });
  }

  /** The operations, by name, as the AWS JSON server dispatches them. */
  operations(): Record<string, OperationHandler> {
    return {
      CreateInferenceRecommendationsJob: (input) => this.createJob(input),
      DescribeInferenceRecommendationsJob: (input) => this.describeJob(input),
      StopInferenceRecommendationsJob: (input) => this.stopJob(input),
      ListInferenceRecommendationsJobs: (input) => this.listJobs(input),
      ListInferenceRecommendationsJobSteps: (input) => this.listJobSteps(input),
      ListTags: (input) => this.listTags(input),
      GetScalingConfigurationRecommendation: (input) => this.scalingRecommendation(input),
      CreateModelPackageGroup: (input) => this.registry.createGroup(input),
      CreateModelPackage: (input) => this.registry.createPackage(input),
      DescribeModelPackage: (input) => this.registry.describePackage(input),
      UpdateModelPackage: (input) => this.registry.updatePackage(input),
      ListModelPackages: (input) => this.registry.listPackages(input),
      CreateEndpointConfig: (input) => this.registry.createEndpointConfig(input),
      CreateEndpoint: (input) => this.registry.createEndpoint(input),
      DescribeEndpoint: (input) => this.registry.describeEndpoint(input),
      DescribeEndpointConfig: (input) => this.registry.describeEndpointConfig(input),
      ListModelPackageGroups: (input) => this.registry.listGroups(input),
      ListEndpoints: (input) => this.registry.listEndpoints(input),
      ListEndpointConfigs: (input) => this.registry.listEndpointConfigs(input),
      CreateAIWorkloadConfig: (input) => this.ai.createWorkloadConfig(input),
      DescribeAIWorkloadConfig: (input) => this.ai.describeWorkloadConfig(input),
      DeleteAIWorkloadConfig: (input) => this.ai.deleteWorkloadConfig(input),
      ListAIWorkloadConfigs: (input) => this.ai.listWorkloadConfigs(input),
      CreateAIRecommendationJob: (input) => this.ai.createJob(input),
      DescribeAIRecommendationJob: (input) => this.ai.describeJob(input),
      ListAIRecommendationJobs: (input) => this.ai.listJobs(input),
      StopAIRecommendationJob: (input) => this.ai.stopJob(input),
      // CreateModel is not emulated (jobs take a model package or a model name as given).
      ListModels: () => ({ Models: [] }),
    };
  }

  createJob(input: JsonObject): JsonObject {
    const request = validateCreateJobRequest(input);
    const name = request.JobName;
    if (this.jobs.has(name)) {
      throw new AwsServiceError("ResourceInUse", `Job with name ${name} already exists`);
    }
    const now = this.clock.now();
    const limit = this.faults.settings.accountJobLimit;
    const inFlight = [...this.jobs.values()].filter((job) =>
      IN_FLIGHT.has(this.stateAt(job, now).status),
    );
    if (inFlight.length >= limit) {
      this.refusedCreates += 1;
      throw new AwsServiceError(
        "ResourceLimitExceeded",
        `The account-level service limit 'Number of concurrent inference recommendations jobs' is ${limit} jobs, with current utilization of ${inFlight.length} jobs.`,
      );
    }
    const modelPackage = this.modelPackageOf(request);
    const profile = profileOf(name, request, modelPackage);
    const plan = adjustPlan(planJob(request, profile, name), this.faults.planOverridesOf(name));
    const job: EmulatedJob = {
      name,
      arn: `arn:aws:sagemaker:${this.region}:${this.accountId}:inference-recommendations-job/${name.toLowerCase()}`,
      request,
      createdAt: now,
      plan,
      profile,
      stuck: false,
    };
    this.applyFate(job, this.faults.fateOf(name), modelPackage);
    this.jobs.set(name, job);
    this.faults.afterCreate(name);
    return { JobArn: job.arn };
  }

  /**
   * An autoscaling configuration for one recommendation (or benchmarked endpoint) of a completed
   * job, from the performance model's figures (scaling-recommendation.ts).
   */
  scalingRecommendation(input: JsonObject): JsonObject {
    const request = validateScalingRequest(input);
    const name = request.InferenceRecommendationsJobName;
    const job = this.jobs.get(name);
    if (!job) {
      throw new AwsServiceError(
        "ValidationException",
        `Could not find inference recommendations job ${name}`,
      );
    }
    const { status } = this.stateAt(job, this.clock.now());
    if (status !== "COMPLETED") {
      throw new AwsServiceError(
        "ValidationException",
        `Inference recommendations job ${name} is ${status}: a scaling recommendation needs a COMPLETED job`,
      );
    }
    const results = this.results(job) as {
      InferenceRecommendations?: {
        RecommendationId: string;
        Metrics: { MaxInvocations: number; CpuUtilization?: number; ModelLatency?: number };
        EndpointConfiguration: { ServerlessConfig?: unknown };
      }[];
      EndpointPerformances?: {
        Metrics: { MaxInvocations: number; ModelLatency?: number };
        EndpointInfo: { EndpointName: string };
      }[];
    };
    if (request.RecommendationId !== undefined) {
      const found = results.InferenceRecommendations?.find(
        (recommendation) => recommendation.RecommendationId === request.RecommendationId,
      );
      if (!found) {
        throw new AwsServiceError(
          "ValidationException",
          `Job ${name} has no recommendation ${request.RecommendationId}`,
        );
      }
      if (found.EndpointConfiguration.ServerlessConfig) {
        throw new AwsServiceError(
          "ValidationException",
          `Recommendation ${request.RecommendationId} is serverless: autoscaling recommendations are for instance-based endpoints`,
        );
      }
      return scalingConfiguration(request, {
        maxInvocations: found.Metrics.MaxInvocations,
        cpuUtilization: found.Metrics.CpuUtilization,
        modelLatency: found.Metrics.ModelLatency,
      });
    }
    const endpoint = results.EndpointPerformances?.find(
      (performance) => performance.EndpointInfo.EndpointName === request.EndpointName,
    );
    if (!endpoint) {
      throw new AwsServiceError(
        "ValidationException",
        `Job ${name} did not benchmark endpoint ${String(request.EndpointName)}`,
      );
    }
    return scalingConfiguration(request, {
      maxInvocations: endpoint.Metrics.MaxInvocations,
      modelLatency: endpoint.Metrics.ModelLatency,
    });
  }

  /** A job's tags, as given at creation: what irflow proves its ownership with. */
  listTags(input: JsonObject): JsonObject {
    const job = [...this.jobs.values()].find((candidate) => candidate.arn === input.ResourceArn);
    if (!job) {
      throw new AwsServiceError(
        "ValidationException",
        `Resource ${String(input.ResourceArn)} not found`,
      );
    }
    return { Tags: job.request.Tags ?? [] };
  }

  describeJob(input: JsonObject): JsonObject {
    const job = this.requireJob(input.JobName);
    const state = this.stateAt(job, this.clock.now());
    const { request } = job;
    return {
      JobName: job.name,
      JobDescription: request.JobDescription,
      JobType: request.JobType,
      JobArn: job.arn,
      RoleArn: request.RoleArn,
      Status: state.status,
      CreationTime: new Date(job.createdAt),
      ...(state.completion !== undefined ? { CompletionTime: new Date(state.completion) } : {}),
      LastModifiedTime: new Date(state.lastModified),
      ...(state.status === "FAILED" && job.failure ? { FailureReason: job.failure.reason } : {}),
      InputConfig: request.InputConfig,
      ...(request.StoppingConditions ? { StoppingConditions: request.StoppingConditions } : {}),
      ...(state.status === "COMPLETED" ? this.results(job) : {}),
    };
  }

  stopJob(input: JsonObject): JsonObject {
    const job = this.requireJob(input.JobName);
    const now = this.clock.now();
    const { status } = this.stateAt(job, now);
    if (status === "STOPPING" || status === "STOPPED") return {};
    if (!IN_FLIGHT.has(status)) {
      throw new AwsServiceError(
        "ValidationException",
        `Job ${job.name} is ${status} and can no longer be stopped`,
      );
    }
    job.stopRequestedAt = now;
    return {};
  }

  listJobs(input: JsonObject): JsonObject {
    const now = this.clock.now();
    const after = timestampInput(input.CreationTimeAfter, "CreationTimeAfter");
    const before = timestampInput(input.CreationTimeBefore, "CreationTimeBefore");
    const modifiedAfter = timestampInput(input.LastModifiedTimeAfter, "LastModifiedTimeAfter");
    const modifiedBefore = timestampInput(input.LastModifiedTimeBefore, "LastModifiedTimeBefore");
    const rows = [...this.jobs.values()]
      .map((job) => ({ job, state: this.stateAt(job, now) }))
      .filter(({ job, state }) => {
        const input_ = job.request.InputConfig;
        return (
          (after === undefined || job.createdAt > after.getTime()) &&
          (before === undefined || job.createdAt < before.getTime()) &&
          (modifiedAfter === undefined || state.lastModified > modifiedAfter.getTime()) &&
          (modifiedBefore === undefined || state.lastModified < modifiedBefore.getTime()) &&
          (typeof input.NameContains !== "string" || job.name.includes(input.NameContains)) &&
          (input.StatusEquals === undefined || state.status === input.StatusEquals) &&
          (input.ModelNameEquals === undefined || input_.ModelName === input.ModelNameEquals) &&
          (input.ModelPackageVersionArnEquals === undefined ||
            input_.ModelPackageVersionArn === input.ModelPackageVersionArnEquals)
        );
      });
    const sortBy =
      enumInput(input.SortBy, ["Name", "CreationTime", "Status"], "SortBy") ?? "CreationTime";
    const order =
      enumInput(input.SortOrder, ["Ascending", "Descending"], "SortOrder") ?? "Descending";
    rows.sort((a, b) => {
      const primary =
        sortBy === "Name"
          ? a.job.name.localeCompare(b.job.name)
          : sortBy === "Status"
            ? a.state.status.localeCompare(b.state.status)
            : a.job.createdAt - b.job.createdAt;
      return primary || a.job.name.localeCompare(b.job.name);
    });
    if (order === "Descending") rows.reverse();
    const { page, nextToken } = paginate(rows, input);
    return {
      InferenceRecommendationsJobs: page.map(({ job, state }) => ({
        JobName: job.name,
        JobDescription: job.request.JobDescription ?? "",
        JobType: job.request.JobType,
        JobArn: job.arn,
        Status: state.status,
        CreationTime: new Date(job.createdAt),
        ...(state.completion !== undefined ? { CompletionTime: new Date(state.completion) } : {}),
        RoleArn: job.request.RoleArn,
        LastModifiedTime: new Date(state.lastModified),
        ...(state.status === "FAILED" && job.failure ? { FailureReason: job.failure.reason } : {}),
        ...(job.request.InputConfig.ModelName
          ? { ModelName: job.request.InputConfig.ModelName }
          : {}),
        ...(job.request.InputConfig.ModelPackageVersionArn
          ? { ModelPackageVersionArn: job.request.InputConfig.ModelPackageVersionArn }
          : {}),
        ...(job.request.InputConfig.ContainerConfig?.PayloadConfig?.SamplePayloadUrl
          ? {
              SamplePayloadUrl:
                job.request.InputConfig.ContainerConfig.PayloadConfig.SamplePayloadUrl,
            }
          : {}),
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  listJobSteps(input: JsonObject): JsonObject {
    const job = this.requireJob(input.JobName);
    enumInput(input.StepType, ["BENCHMARK"], "StepType");
    const now = this.clock.now();
    const steps = this.benchmarksAt(job, now).filter(
      (step) => input.Status === undefined || step.status === input.Status,
    );
    const { page, nextToken } = paginate(steps, input);
    return {
      Steps: page.map((step) => ({
        StepType: "BENCHMARK",
        JobName: job.name,
        Status: step.status,
        InferenceBenchmark: {
          ...(step.status === "COMPLETED"
            ? { Metrics: this.metricsOf(job, step.benchmark).metrics }
            : {}),
          EndpointConfiguration: endpointConfiguration(job, step.benchmark),
          ModelConfiguration: modelConfiguration(step.benchmark),
          ...(step.failureReason ? { FailureReason: step.failureReason } : {}),
          ...(step.status !== "PENDING" ? { InvocationStartTime: new Date(step.start) } : {}),
          ...(["COMPLETED", "FAILED", "STOPPED"].includes(step.status) && Number.isFinite(step.end)
            ? { InvocationEndTime: new Date(Math.min(step.end, now)) }
            : {}),
        },
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  // Lifecycle ---------------------------------------------------------------------------------

  private stateAt(job: EmulatedJob, now: number): JobState {
    const pendingEnd = job.createdAt + job.plan.pendingSeconds * 1000;
    const natural = this.naturalStateAt(job, now, pendingEnd);
    if (job.stopRequestedAt === undefined) return natural;
    const stopEnd = job.stopRequestedAt + STOPPING_SECONDS * 1000;
    if (now >= stopEnd) return { status: "STOPPED", lastModified: stopEnd, completion: stopEnd };
    return { status: "STOPPING", lastModified: job.stopRequestedAt };
  }

  private naturalStateAt(job: EmulatedJob, now: number, pendingEnd: number): JobState {
    if (now < pendingEnd) return { status: "PENDING", lastModified: job.createdAt };
    if (job.stuck) return { status: "IN_PROGRESS", lastModified: pendingEnd };
    const end = pendingEnd + (job.failure?.atOffset ?? job.plan.runSeconds) * 1000;
    if (now < end) return { status: "IN_PROGRESS", lastModified: pendingEnd };
    return { status: job.failure ? "FAILED" : "COMPLETED", lastModified: end, completion: end };
  }

  private benchmarksAt(job: EmulatedJob, now: number): BenchmarkState[] {
    const runStart = job.createdAt + job.plan.pendingSeconds * 1000;
    const failAt = job.failure ? runStart + job.failure.atOffset * 1000 : Number.POSITIVE_INFINITY;
    const stopAt = job.stopRequestedAt ?? Number.POSITIVE_INFINITY;
    const lastIndex = job.plan.benchmarks.length - 1;
    return job.plan.benchmarks.map((benchmark, index) => {
      const start = runStart + benchmark.startOffset * 1000;
      const end =
        job.stuck && index === lastIndex
          ? Number.POSITIVE_INFINITY
          : runStart + benchmark.endOffset * 1000;
      const base = { benchmark, start, end };
      const ownFailure = this.faults.benchmarkFailure(benchmark.instanceType);
      const cutoff = Math.min(failAt, stopAt);
      if (now < start) {
        return { ...base, status: cutoff <= now ? "STOPPED" : "PENDING" };
      }
      if (start >= cutoff) return { ...base, status: "STOPPED" };
      if (failAt < end && now >= failAt) {
        return { ...base, status: "FAILED", failureReason: job.failure?.reason };
      }
      if (stopAt < end && now >= stopAt) return { ...base, status: "STOPPED" };
      if (now < end) return { ...base, status: "IN_PROGRESS" };
      if (ownFailure) {
        return {
          ...base,
          status: "FAILED",
          failureReason: failureReason(ownFailure, job.name, targetLabel(benchmark)),
        };
      }
      return { ...base, status: "COMPLETED" };
    });
  }

  private applyFate(job: EmulatedJob, fate: JobFate, modelPackage: ModelPackage | undefined) {
    const missing = missingMetadata(job.request, modelPackage);
    if (missing) {
      job.failure = {
        atOffset: 30,
        // The troubleshooting guide's wording: "<field> is a mandatory parameter for the job".
        reason: `${missing} is a mandatory parameter for the job: set it on model package version ${modelPackage?.ModelPackageVersion} or in InputConfig.ContainerConfig.`,
      };
      return;
    }
    const everyBenchmarkFails =
      job.plan.benchmarks.length > 0 &&
      job.plan.benchmarks.every((benchmark) =>
        this.faults.benchmarkFailure(benchmark.instanceType),
      );
    if (fate.kind === "stuck") {
      job.stuck = true;
    } else if (fate.kind === "fail" || everyBenchmarkFails) {
      const first = job.plan.benchmarks[0];
      const kind =
        fate.kind === "fail"
          ? fate.reason
          : (this.faults.benchmarkFailure(first?.instanceType) ?? "capacity");
      const atOffset = Math.min(
        job.plan.runSeconds,
        ENDPOINT_SETUP_SECONDS + (kind === "payload-error" ? 120 : 0),
      );
      job.failure = {
        atOffset,
        reason: failureReason(kind, job.name, first ? targetLabel(first) : "the endpoint"),
      };
    }
  }

  // Results -----------------------------------------------------------------------------------

  private results(job: EmulatedJob): JsonObject {
    const completed = this.benchmarksAt(job, this.clock.now()).filter(
      (step) => step.status === "COMPLETED",
    );
    const recommendations = completed.slice(0, MAX_RECOMMENDATIONS).map((step) => {
      const { metrics, id } = this.metricsOf(job, step.benchmark);
      return {
        RecommendationId: id,
        Metrics: metrics,
        EndpointConfiguration: endpointConfiguration(job, step.benchmark),
        ModelConfiguration: modelConfiguration(step.benchmark),
        InvocationStartTime: new Date(step.start),
        InvocationEndTime: new Date(step.end),
      };
    });
    const endpoints = job.request.InputConfig.Endpoints ?? [];
    return {
      ...(recommendations.length > 0 ? { InferenceRecommendations: recommendations } : {}),
      ...(endpoints.length > 0
        ? {
            EndpointPerformances: endpoints.map((endpoint) => {
              // The endpoint as it runs: its instance type, its instances sharing the load.
              const serving = this.registry.instancesOf(endpoint.EndpointName);
              const measured = benchmarkRealTime(
                { ...job.profile, seed: `${job.profile.seed}|${endpoint.EndpointName}` },
                serving?.instanceType ?? "ml.c5.xlarge",
                this.benchmarkOptions(job),
              );
              return {
                Metrics: {
                  MaxInvocations: measured.maxInvocations * (serving?.instanceCount ?? 1),
                  ModelLatency: measured.modelLatency,
                },
                EndpointInfo: { EndpointName: endpoint.EndpointName },
              };
            }),
          }
        : {}),
    };
  }

  private metricsOf(
    job: EmulatedJob,
    benchmark: PlannedBenchmark,
  ): { metrics: JsonObject; id: string } {
    const options = this.benchmarkOptions(job);
    const profile = {
      ...job.profile,
      seed: `${job.profile.seed}|${JSON.stringify(benchmark.environment)}`,
    };
    const id =
      `${job.name}-${targetLabel(benchmark)}-${Object.values(benchmark.environment).join("-")}`
        .replace(/[^a-zA-Z0-9-]+/g, "-")
        .replace(/-+$/, "");
    const result = benchmark.serverless
      ? benchmarkServerless(profile, benchmark.serverless, options)
      : benchmarkRealTime(profile, benchmark.instanceType ?? "ml.m5.large", {
          ...options,
          environment: benchmark.environment,
        });
    // A type the catalog does not have runs on estimated hardware and price: the id says so.
    const estimated = "estimatedFrom" in result && result.estimatedFrom !== undefined;
    return {
      id: estimated ? `${id}-estimated` : id,
      metrics: {
        CostPerHour: result.costPerHour,
        CostPerInference: result.costPerInference,
        MaxInvocations: result.maxInvocations,
        ModelLatency: result.modelLatency,
        CpuUtilization: result.cpuUtilization,
        MemoryUtilization: result.memoryUtilization,
        // Only serverless endpoints report a setup time.
        ...("modelSetupTime" in result ? { ModelSetupTime: result.modelSetupTime } : {}),
      },
    };
  }

  private benchmarkOptions(job: EmulatedJob): {
    latencyLimit?: LatencyLimit;
    maxInvocationsCap?: number;
  } {
    const conditions = job.request.StoppingConditions;
    const threshold = conditions?.ModelLatencyThresholds?.[0];
    return {
      ...(threshold
        ? {
            latencyLimit: {
              percentile: threshold.Percentile,
              valueInMilliseconds: threshold.ValueInMilliseconds,
            },
          }
        : {}),
      ...(conditions?.MaxInvocations ? { maxInvocationsCap: conditions.MaxInvocations } : {}),
    };
  }

  // Lookups -----------------------------------------------------------------------------------

  private requireJob(name: unknown): EmulatedJob {
    const job = typeof name === "string" ? this.jobs.get(name) : undefined;
    if (!job) {
      throw new AwsServiceError(
        "ResourceNotFound",
        `Inference recommendations job ${String(name)} does not exist`,
      );
    }
    return job;
  }

  private modelPackageOf(request: JobRequest): ModelPackage | undefined {
    const arn = request.InputConfig.ModelPackageVersionArn;
    if (!arn) return undefined;
    const found = this.registry.find(arn);
    if (!found) {
      throw new AwsServiceError(
        "ValidationException",
        `Model package version ${arn} does not exist`,
      );
    }
    return found;
  }
}

// Helpers ---------------------------------------------------------------------------------------

function validationError(problems: { path: string; message: string }[]): AwsServiceError {
  const count = problems.length;
  const detail = problems
    .map((problem) => `Value at '${problem.path}' ${problem.message}`)
    .join("; ");
  return new AwsServiceError(
    "ValidationException",
    `${count} validation error${count === 1 ? "" : "s"} detected: ${detail}`,
  );
}

function enumInput<const T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw validationError([{ path: field, message: `must be one of ${allowed.join(", ")}` }]);
  }
  return value as T;
}

function paginate<T>(rows: T[], input: JsonObject): { page: T[]; nextToken?: string } {
  const size = input.MaxResults ?? 100;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > 100) {
    throw validationError([{ path: "MaxResults", message: "must be an integer from 1 to 100" }]);
  }
  let offset = 0;
  if (input.NextToken !== undefined) {
    const decoded = Number(Buffer.from(String(input.NextToken), "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0) {
      throw validationError([{ path: "NextToken", message: "is not a token this service issued" }]);
    }
    offset = decoded;
  }
  const page = rows.slice(offset, offset + size);
  const next = offset + size;
  return next < rows.length
    ? { page, nextToken: Buffer.from(String(next), "utf8").toString("base64url") }
    : { page };
}

function profileOf(
  jobName: string,
  request: JobRequest,
  modelPackage: ModelPackage | undefined,
): ModelProfile {
  const container = request.InputConfig.ContainerConfig;
  const packaged = firstContainer(modelPackage);
  const model = modelPackage?.ModelPackageGroupName ?? request.InputConfig.ModelName ?? "model";
  const framework = container?.Framework ?? packaged.Framework;
  const domain = container?.Domain ?? modelPackage?.Domain;
  const task = container?.Task ?? modelPackage?.Task;
  const nearestModelName = container?.NearestModelName ?? packaged.NearestModelName;
  return {
    seed: `${model}|${jobName}`,
    ...(framework ? { framework } : {}),
    ...(domain ? { domain } : {}),
    ...(task ? { task } : {}),
    ...(nearestModelName ? { nearestModelName } : {}),
  };
}

function firstContainer(modelPackage: ModelPackage | undefined): {
  Framework?: string;
  NearestModelName?: string;
} {
  const containers = modelPackage?.InferenceSpecification?.Containers;
  const first = Array.isArray(containers) ? containers[0] : undefined;
  if (typeof first !== "object" || first === null) return {};
  const { Framework, NearestModelName } = first as Record<string, unknown>;
  return {
    ...(typeof Framework === "string" ? { Framework } : {}),
    ...(typeof NearestModelName === "string" ? { NearestModelName } : {}),
  };
}

/** The service fails a job whose model package lacks the domain or framework it needs. */
function missingMetadata(
  request: JobRequest,
  modelPackage: ModelPackage | undefined,
): string | undefined {
  if (!modelPackage) return undefined;
  const container = request.InputConfig.ContainerConfig;
  if (!container?.Domain && !modelPackage.Domain) return "Domain";
  if (!container?.Framework && !firstContainer(modelPackage).Framework) return "Framework";
  return undefined;
}

function targetLabel(benchmark: PlannedBenchmark): string {
  return benchmark.instanceType ?? `serverless-${benchmark.serverless?.memorySizeInMB ?? 0}MB`;
}

function endpointConfiguration(job: EmulatedJob, benchmark: PlannedBenchmark): JsonObject {
  const index = job.plan.benchmarks.indexOf(benchmark);
  const endpointName = `${job.name.slice(0, 40).replace(/-+$/, "")}-ep${index + 1}`;
  if (benchmark.serverless) {
    return {
      EndpointName: endpointName,
      VariantName: "AllTraffic",
      ServerlessConfig: {
        MemorySizeInMB: benchmark.serverless.memorySizeInMB,
        MaxConcurrency: benchmark.serverless.maxConcurrency,
      },
    };
  }
  return {
    EndpointName: endpointName,
    VariantName: "AllTraffic",
    InstanceType: benchmark.instanceType,
    InitialInstanceCount: 1,
  };
}

function modelConfiguration(benchmark: PlannedBenchmark): JsonObject {
  const parameters = Object.entries(benchmark.environment).map(([Key, Value]) => ({
    Key,
    ValueType: "String",
    Value,
  }));
  return {
    ...(benchmark.inferenceSpecificationName
      ? { InferenceSpecificationName: benchmark.inferenceSpecificationName }
      : {}),
    ...(parameters.length > 0 ? { EnvironmentParameters: parameters } : {}),
  };
}
