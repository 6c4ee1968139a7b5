/**
 * How long an emulated job takes and what it benchmarks. Pure functions of the request, the job's
 * name and its model, so the lifecycle can be computed for any instant instead of being driven by
 * timers, and the same job always runs the same way.
 *
 * Durations follow what AWS documents, with the spread real jobs show, so that a poll schedule
 * measured against the emulator is measured against jobs it cannot predict exactly:
 * - Default: "usually completes within 45 minutes". The run time is drawn per job: a median of
 *   36 minutes, times a factor for the model (heavier models load and benchmark slower; the same
 *   model is consistent from one job to the next), times job-to-job noise, and for about one job in
 *   sixteen an endpoint provisioning retry that adds 15-60%; capped at 100 minutes so that a job
 *   always ends inside irflow's 2-hour deadline. About four in five finish within 45 minutes. The
 *   benchmarks run two at a time, each a different length, between a preparation and a wrap-up.
 * - Advanced: each load test provisions an endpoint (minutes; longer for accelerators and large
 *   models, seeded per test and per model, now and then retried), then runs the traffic pattern
 *   for its full length. MaxParallelOfTests tests run at once, the next starting when one ends. The
 *   job never runs beyond JobDurationInSeconds.
 */

import type { InstanceType } from "../../src/spec/instance-types.ts";
import type { JobRequest } from "../../src/spec/schema.ts";
import { instanceSpec } from "./catalog.ts";
import type { ModelProfile } from "./performance.ts";
import { defaultCandidateTypes } from "./performance.ts";
import { seededFactor, seededUnit } from "./performance-random.ts";
import { type Workload, workloadFor } from "./performance-workload.ts";

export const PENDING_SECONDS = 60;
export const STOPPING_SECONDS = 90;
/** AWS: a Default job usually completes within this long. */
export const DOCUMENTED_DEFAULT_SECONDS = 45 * 60;
/** The median run time (IN_PROGRESS) of an emulated Default job of a light model. */
export const DEFAULT_MEDIAN_RUN_SECONDS = 36 * 60;
/** No emulated Default job runs longer than this. */
export const DEFAULT_MAX_RUN_SECONDS = 100 * 60;
/** Benchmarks a Default job runs at once. */
export const DEFAULT_PARALLEL_BENCHMARKS = 2;
/** Provisioning a CPU endpoint and warming it up before a load test starts (median). */
export const ENDPOINT_SETUP_SECONDS = 300;
/** A load test without a traffic pattern runs for this long. */
export const DEFAULT_TEST_SECONDS = 900;

/** Log-space spread of a model's typical duration around the median. */
const MODEL_SPREAD = 0.15;
/** Log-space spread from one job of the same model to the next. */
const JOB_SPREAD = 0.08;
const JOB_RETRY_RATE = 1 / 16;
/** Log-space spread of one endpoint's setup time. */
const SETUP_SPREAD = 0.2;
const SETUP_RETRY_RATE = 0.04;
const DEFAULT_JOB_CANDIDATES = 8;
const SERVERLESS_MEMORY_SIZES = [1024, 2048, 3072, 4096, 5120, 6144] as const;
const DEFAULT_SERVERLESS_CONCURRENCY = 20;
const SERVERLESS_SETUP_SECONDS = 90;

export interface BenchmarkTarget {
  instanceType?: InstanceType;
  serverless?: { memorySizeInMB: number; maxConcurrency: number };
  inferenceSpecificationName?: string;
  environment: Record<string, string>;
}

export interface PlannedBenchmark extends BenchmarkTarget {
  /** Seconds after the job started running (after PENDING). */
  startOffset: number;
  endOffset: number;
}

export interface JobPlan {
  pendingSeconds: number;
  /** Seconds spent IN_PROGRESS when nothing goes wrong. */
  runSeconds: number;
  benchmarks: PlannedBenchmark[];
}

/** What the faults file can impose on one job's plan. */
export interface PlanOverrides {
  /** Seconds IN_PROGRESS; the benchmarks stretch or shrink to fit. */
  runSeconds?: number;
  /** False: every step reports IN_PROGRESS for the whole run and flips only at its end. */
  progress?: boolean;
}

export function planJob(request: JobRequest, profile: ModelProfile, jobName: string): JobPlan {
  const targets = benchmarkTargets(request, profile);
  const workload = workloadFor(profile);
  const model = modelKeyOf(request);
  return request.JobType === "Default"
    ? planDefault(targets, defaultRunSeconds(jobName, model, workload), jobName)
    : planAdvanced(request, targets, jobName, model, workload);
}

/** The identity durations are consistent for: the model package group, or the model name. */
export function modelKeyOf(request: JobRequest): string {
  const arn = request.InputConfig.ModelPackageVersionArn;
  if (arn) return arn.replace(/\/\d+$/, "");
  return request.InputConfig.ModelName ?? "model";
}

/** Seconds IN_PROGRESS of a Default job, drawn from its name and its model. */
export function defaultRunSeconds(jobName: string, model: string, workload: Workload): number {
  const weight = workload.kind === "deep" ? (workload.modelMemoryGiB > 4 ? 1.35 : 1.1) : 1;
  const modelFactor = weight * Math.exp(MODEL_SPREAD * seededNormal(2.5, "run-model", model));
  const noise = Math.exp(JOB_SPREAD * seededNormal(3, "run-job", jobName));
  const retry =
    seededUnit("run-retry", jobName) < JOB_RETRY_RATE
      ? 1.15 + 0.45 * seededUnit("run-retry-length", jobName)
      : 1;
  return Math.min(
    DEFAULT_MAX_RUN_SECONDS,
    Math.round(DEFAULT_MEDIAN_RUN_SECONDS * modelFactor * noise * retry),
  );
}

function planDefault(targets: BenchmarkTarget[], runSeconds: number, jobName: string): JobPlan {
  const { prep, wrap } = phases(jobName);
  const lengths = targets.map((_, index) =>
    seededFactor(0.6, "benchmark-length", jobName, String(index)),
  );
  const placed = placeInSlots(lengths, Math.min(DEFAULT_PARALLEL_BENCHMARKS, targets.length), 0);
  const makespan = Math.max(1e-9, ...placed.map((slot) => slot.end));
  const unit = Math.max(0, runSeconds - prep - wrap) / makespan;
  return {
    pendingSeconds: PENDING_SECONDS,
    runSeconds,
    benchmarks: targets.map((target, index) => {
      const slot = placed[index] ?? { start: 0, end: 0 };
      return {
        ...target,
        startOffset: Math.round(prep + slot.start * unit),
        endOffset: Math.round(prep + slot.end * unit),
      };
    }),
  };
}

function planAdvanced(
  request: JobRequest,
  targets: BenchmarkTarget[],
  jobName: string,
  model: string,
  workload: Workload,
): JobPlan {
  const limit = request.InputConfig.ResourceLimit;
  const tests = targets.slice(0, limit?.MaxNumberOfTests ?? targets.length);
  const parallel = Math.max(1, Math.min(limit?.MaxParallelOfTests ?? tests.length, tests.length));
  const traffic = trafficSeconds(request);
  const { prep, wrap } = phases(jobName);
  const lengths = tests.map(
    (target, index) => setupSeconds(target, workload, model, jobName, index) + traffic,
  );
  const placed = placeInSlots(lengths, parallel, prep);
  // An existing endpoint is load-tested as it is: nothing to provision.
  const lastEnd = tests.length > 0 ? Math.max(...placed.map((slot) => slot.end)) : prep + traffic;
  const natural = lastEnd + wrap;
  const ceiling = request.InputConfig.JobDurationInSeconds;
  const runSeconds = ceiling === undefined ? natural : Math.min(natural, ceiling);
  const benchmarks = tests
    .map((target, index) => {
      const slot = placed[index] ?? { start: 0, end: 0 };
      return { ...target, startOffset: slot.start, endOffset: Math.min(slot.end, runSeconds) };
    })
    // A test the job's time ran out before has never started.
    .filter((benchmark) => benchmark.startOffset < runSeconds);
  return { pendingSeconds: PENDING_SECONDS, runSeconds, benchmarks };
}

/** Applies a faults-file override: a fixed run time, or steps that show no progress. */
export function adjustPlan(plan: JobPlan, overrides: PlanOverrides): JobPlan {
  let adjusted = plan;
  if (overrides.runSeconds !== undefined) {
    const runSeconds = overrides.runSeconds;
    const scale = plan.runSeconds > 0 ? runSeconds / plan.runSeconds : 0;
    adjusted = {
      ...plan,
      runSeconds,
      benchmarks: plan.benchmarks.map((benchmark) => ({
        ...benchmark,
        startOffset: Math.round(benchmark.startOffset * scale),
        endOffset: Math.min(runSeconds, Math.round(benchmark.endOffset * scale)),
      })),
    };
  }
  if (overrides.progress === false) {
    const runSeconds = adjusted.runSeconds;
    adjusted = {
      ...adjusted,
      benchmarks: adjusted.benchmarks.map((benchmark) => ({
        ...benchmark,
        startOffset: 0,
        endOffset: runSeconds,
      })),
    };
  }
  return adjusted;
}

/** Seconds to provision and warm up the endpoint of one load test. */
function setupSeconds(
  target: BenchmarkTarget,
  workload: Workload,
  model: string,
  jobName: string,
  index: number,
): number {
  const accelerated =
    target.instanceType !== undefined && instanceSpec(target.instanceType).accelerator;
  const base = target.serverless
    ? SERVERLESS_SETUP_SECONDS
    : ENDPOINT_SETUP_SECONDS * (accelerated ? 1.4 : 1);
  const weight = workload.kind === "deep" ? (workload.modelMemoryGiB > 4 ? 2 : 1.2) : 0.9;
  const modelFactor = Math.exp(0.2 * seededNormal(2.5, "setup-model", model));
  const noise = Math.exp(SETUP_SPREAD * seededNormal(2.5, "setup", jobName, String(index)));
  const retry = seededUnit("setup-retry", jobName, String(index)) < SETUP_RETRY_RATE ? 2 : 1;
  return Math.round(base * weight * modelFactor * noise * retry);
}

/** Seconds before the first benchmark starts and after the last one ends. */
function phases(jobName: string): { prep: number; wrap: number } {
  return {
    prep: 60 + Math.round(120 * seededUnit("prep", jobName)),
    wrap: 30 + Math.round(90 * seededUnit("wrap", jobName)),
  };
}

/** Runs items of the given lengths `slots` at a time, each starting when a slot frees. */
function placeInSlots(
  lengths: number[],
  slots: number,
  from: number,
): { start: number; end: number }[] {
  const free = Array.from({ length: Math.max(1, slots) }, () => from);
  return lengths.map((length) => {
    const slot = free.indexOf(Math.min(...free));
    const start = free[slot] ?? from;
    free[slot] = start + length;
    return { start, end: start + length };
  });
}

/** A standard normal number for a key, clamped to ±limit so no draw is absurd. */
function seededNormal(limit: number, ...parts: string[]): number {
  const u1 = Math.max(seededUnit(...parts, "u1"), 1e-12);
  const u2 = seededUnit(...parts, "u2");
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(-limit, Math.min(limit, z));
}

/** Seconds one load test of the traffic pattern lasts. */
export function trafficSeconds(request: JobRequest): number {
  const traffic = request.InputConfig.TrafficPattern;
  if (traffic?.Phases) {
    return traffic.Phases.reduce((sum, phase) => sum + phase.DurationInSeconds, 0);
  }
  if (traffic?.Stairs) return traffic.Stairs.DurationInSeconds * traffic.Stairs.NumberOfSteps;
  return DEFAULT_TEST_SECONDS;
}

/** What the job benchmarks: the given endpoint configurations, or the service's own choice. */
export function benchmarkTargets(request: JobRequest, profile: ModelProfile): BenchmarkTarget[] {
  const configurations = request.InputConfig.EndpointConfigurations;
  if (configurations) {
    return configurations.flatMap((configuration) =>
      environmentCombinations(configuration.EnvironmentParameterRanges).map((environment) => ({
        ...(configuration.InstanceType ? { instanceType: configuration.InstanceType } : {}),
        ...(configuration.ServerlessConfig
          ? {
              serverless: {
                memorySizeInMB: configuration.ServerlessConfig.MemorySizeInMB,
                maxConcurrency: configuration.ServerlessConfig.MaxConcurrency,
              },
            }
          : {}),
        ...(configuration.InferenceSpecificationName
          ? { inferenceSpecificationName: configuration.InferenceSpecificationName }
          : {}),
        environment,
      })),
    );
  }
  if (request.InputConfig.Endpoints?.length) return [];

  const container = request.InputConfig.ContainerConfig;
  const endpointType = container?.SupportedEndpointType;
  const serverless =
    endpointType === "RealTime"
      ? []
      : SERVERLESS_MEMORY_SIZES.slice(endpointType === "Serverless" ? 0 : 4).map(
          (memorySizeInMB) => ({
            serverless: { memorySizeInMB, maxConcurrency: DEFAULT_SERVERLESS_CONCURRENCY },
            environment: {},
          }),
        );
  if (endpointType === "Serverless") return serverless;
  const instanceTypes = container?.SupportedInstanceTypes?.length
    ? container.SupportedInstanceTypes.slice(0, DEFAULT_JOB_CANDIDATES)
    : defaultCandidateTypes(profile, DEFAULT_JOB_CANDIDATES);
  return [
    ...instanceTypes.map((instanceType) => ({ instanceType, environment: {} })),
    ...serverless,
  ];
}

type ParameterRanges = NonNullable<
  NonNullable<
    JobRequest["InputConfig"]["EndpointConfigurations"]
  >[number]["EnvironmentParameterRanges"]
>;

/** Every combination of the categorical environment values (their cartesian product). */
export function environmentCombinations(
  ranges: ParameterRanges | undefined,
): Record<string, string>[] {
  const parameters = ranges?.CategoricalParameterRanges ?? [];
  return parameters.reduce<Record<string, string>[]>(
    (combinations, parameter) =>
      combinations.flatMap((combination) =>
        parameter.Value.map((value) => ({ ...combination, [parameter.Name]: value })),
      ),
    [{}],
  );
}
