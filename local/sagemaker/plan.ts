/**
 * How long an emulated job takes and what it benchmarks. Pure functions of the request, so the
 * lifecycle can be computed for any instant instead of being driven by timers.
 *
 * Durations follow what AWS documents: a Default job usually completes within 45 minutes; an
 * Advanced job runs its traffic pattern once per load test, MaxParallelOfTests at a time, plus
 * time to provision each endpoint, and never beyond JobDurationInSeconds.
 */

import type { InstanceType } from "../../src/spec/instance-types.ts";
import type { JobRequest } from "../../src/spec/schema.ts";
import type { ModelProfile } from "./performance.ts";
import { defaultCandidateTypes } from "./performance.ts";

export const PENDING_SECONDS = 60;
export const STOPPING_SECONDS = 90;
export const DEFAULT_JOB_SECONDS = 45 * 60;
/** Provisioning an endpoint and warming it up before a load test starts. */
export const ENDPOINT_SETUP_SECONDS = 300;
/** A load test without a traffic pattern runs for this long. */
export const DEFAULT_TEST_SECONDS = 900;
const DEFAULT_JOB_CANDIDATES = 8;
const SERVERLESS_MEMORY_SIZES = [1024, 2048, 3072, 4096, 5120, 6144] as const;
const DEFAULT_SERVERLESS_CONCURRENCY = 20;

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

export function planJob(request: JobRequest, profile: ModelProfile): JobPlan {
  const targets = benchmarkTargets(request, profile);
  if (request.JobType === "Default") {
    const slot = DEFAULT_JOB_SECONDS / Math.max(1, targets.length);
    return {
      pendingSeconds: PENDING_SECONDS,
      runSeconds: DEFAULT_JOB_SECONDS,
      benchmarks: targets.map((target, index) => ({
        ...target,
        startOffset: Math.round(index * slot),
        endOffset: Math.round((index + 1) * slot),
      })),
    };
  }
  const limit = request.InputConfig.ResourceLimit;
  const tests = targets.slice(0, limit?.MaxNumberOfTests ?? targets.length);
  const parallel = Math.max(1, Math.min(limit?.MaxParallelOfTests ?? tests.length, tests.length));
  const testSeconds = ENDPOINT_SETUP_SECONDS + trafficSeconds(request);
  const benchmarks = tests.map((target, index) => {
    const wave = Math.floor(index / parallel);
    return { ...target, startOffset: wave * testSeconds, endOffset: (wave + 1) * testSeconds };
  });
  const natural = Math.max(testSeconds, ...benchmarks.map((benchmark) => benchmark.endOffset));
  const ceiling = request.InputConfig.JobDurationInSeconds;
  return {
    pendingSeconds: PENDING_SECONDS,
    runSeconds: ceiling === undefined ? natural : Math.min(natural, ceiling),
    benchmarks,
  };
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
