/**
 * What an Inference Recommender job will provision, from its spec alone (src/decision/
 * job-cost-plan.ts). Each endpoint is taken to stay up for its load plus the provisioning
 * allowance the estimate of a finished job's cost adds to each benchmark
 * (ASSUMED_ENDPOINT_SETUP_SECONDS), with one instance, as the job's benchmarks start with.
 *
 * - Default: AWS documents that such a job completes within 45 minutes, so each instance type it
 *   tests is taken to be up for those 45 minutes plus the allowance: a bound rather than a mean.
 * - Advanced: each load test (an endpoint configuration, times its environment parameter values,
 *   at most MaxNumberOfTests) runs the whole traffic pattern; MaxParallelOfTests of them run at
 *   once, which decides only when each starts, and so which ones JobDurationInSeconds cuts short
 *   or leaves out.
 */
import type {
  JobCostPlan,
  JobCostPlanContext,
  JobCostPlanPart,
} from "../../decision/job-cost-plan.ts";
import {
  ASSUMED_ENDPOINT_SETUP_SECONDS,
  DOCUMENTED_DEFAULT_SECONDS,
} from "../../schedule/prior.ts";
import type { JobSpec } from "../../spec/schema.ts";

type Input = JobSpec["job"]["InputConfig"];
type Configuration = NonNullable<Input["EndpointConfigurations"]>[number];

export function classicCostPlan(spec: JobSpec, context: JobCostPlanContext = {}): JobCostPlan {
  const input = spec.job.InputConfig;
  const configurations = input.EndpointConfigurations ?? [];
  if (configurations.length === 0 && (input.Endpoints?.length ?? 0) > 0) {
    return {
      parts: [],
      provisionsNothing: true,
      notes: [
        "the job load-tests an existing endpoint: it provisions none, and the endpoint's hosting is not the job's",
      ],
    };
  }
  return spec.job.JobType === "Advanced"
    ? advancedPlan(input, configurations)
    : defaultPlan(input, configurations, context);
}

function defaultPlan(
  input: Input,
  configurations: readonly Configuration[],
  context: JobCostPlanContext,
): JobCostPlan {
  const seconds = DOCUMENTED_DEFAULT_SECONDS + ASSUMED_ENDPOINT_SETUP_SECONDS;
  const notes = [
    `each instance type is taken to be up for the documented ${DOCUMENTED_DEFAULT_SECONDS / 60} minutes of a Default job plus ${ASSUMED_ENDPOINT_SETUP_SECONDS} s to provision, with 1 instance`,
  ];
  const named =
    configurations.length > 0
      ? configurations.map((configuration) => configuration.InstanceType)
      : (input.ContainerConfig?.SupportedInstanceTypes ?? context.supportedInstanceTypes);
  if (!named || named.length === 0) {
    return {
      parts: [],
      jobSeconds: DOCUMENTED_DEFAULT_SECONDS,
      notes: [
        "the spec names no instance type: Inference Recommender picks them from the model package's supported types, which are not known before the job",
      ],
    };
  }
  const parts = named.map(
    (instanceType): JobCostPlanPart => ({
      ...(instanceType ? { instanceType } : {}),
      instanceCount: 1,
      seconds,
    }),
  );
  if (parts.some((part) => part.instanceType === undefined))
    notes.push("a serverless configuration has no instance type and is not priced here");
  return { parts, jobSeconds: DOCUMENTED_DEFAULT_SECONDS, notes };
}

function advancedPlan(input: Input, configurations: readonly Configuration[]): JobCostPlan {
  const all = configurations.flatMap((configuration) => {
    const values = (configuration.EnvironmentParameterRanges?.CategoricalParameterRanges ?? [])
      .map((parameter) => Math.max(1, parameter.Value.length))
      .reduce((product, count) => product * count, 1);
    return Array.from({ length: values }, () => configuration.InstanceType);
  });
  const limit = input.ResourceLimit?.MaxNumberOfTests ?? all.length;
  const tests = all.slice(0, limit);
  const notes: string[] = [];
  if (tests.length < all.length)
    notes.push(`MaxNumberOfTests keeps ${tests.length} of ${all.length} load tests`);
  const traffic = trafficSeconds(input.TrafficPattern);
  if (traffic === undefined) {
    notes.push(
      "the spec sets no traffic pattern: how long each load test runs is not known before the job",
    );
    return {
      parts: tests.map((instanceType) => ({
        ...(instanceType ? { instanceType } : {}),
        instanceCount: 1,
      })),
      notes,
    };
  }
  const perTest = traffic + ASSUMED_ENDPOINT_SETUP_SECONDS;
  const parallel = Math.max(
    1,
    Math.min(input.ResourceLimit?.MaxParallelOfTests ?? tests.length, tests.length),
  );
  const bound = input.JobDurationInSeconds ?? Number.POSITIVE_INFINITY;
  notes.push(
    `each load test is taken to run its ${traffic} s traffic pattern after ${ASSUMED_ENDPOINT_SETUP_SECONDS} s to provision, with 1 instance, ${parallel} at a time`,
  );
  const parts: JobCostPlanPart[] = [];
  let left = 0;
  tests.forEach((instanceType, index) => {
    const start = Math.floor(index / parallel) * perTest;
    if (start >= bound) {
      left += 1;
      return;
    }
    parts.push({
      ...(instanceType ? { instanceType } : {}),
      instanceCount: 1,
      seconds: Math.min(perTest, bound - start),
    });
  });
  if (left > 0)
    notes.push(
      `${left} load test${left === 1 ? "" : "s"} would start after JobDurationInSeconds and are left out`,
    );
  if (parts.some((part) => part.instanceType === undefined))
    notes.push("a serverless configuration has no instance type and is not priced here");
  const waves = Math.ceil(tests.length / parallel);
  return { parts, jobSeconds: Math.min(waves * perTest, bound), notes };
}

function trafficSeconds(pattern: Input["TrafficPattern"]): number | undefined {
  if (pattern?.Phases)
    return pattern.Phases.reduce((sum, phase) => sum + phase.DurationInSeconds, 0);
  if (pattern?.Stairs) return pattern.Stairs.DurationInSeconds * pattern.Stairs.NumberOfSteps;
  return undefined;
}
