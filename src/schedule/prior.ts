/**
 * What the spec alone says about when a job ends: the prior of the poll schedule.
 *
 * AWS documents that a Default job usually completes within 45 minutes and that an Advanced job
 * takes about 2 hours on average, depending on its duration and number of configurations. An
 * Advanced job whose spec names its traffic pattern and tests says much more: each load test runs
 * the whole pattern after its endpoint is provisioned, MaxParallelOfTests at a time, and the job
 * stops at JobDurationInSeconds. The prior is a log-normal distribution of the completion time
 * (seconds since CreateJob), split into the uncertainty about this model's typical duration and
 * the variation from one of its jobs to the next, so that history can narrow the first. Traffic
 * the spec fixes is certain and kept out of the log-normal, which describes only the rest.
 */
import * as z from "zod";
import { JOB_TYPES, type JobRequest } from "../spec/schema.ts";

/** PENDING before a job runs; a guess, not documented. */
export const ASSUMED_PENDING_SECONDS = 60;
/** AWS: a Default job completes within 45 minutes (taken as 85 jobs in 100). */
export const DOCUMENTED_DEFAULT_SECONDS = 45 * 60;
const USUALLY_Z = 1.0364;
/** AWS: an Advanced job takes about 2 hours on average. */
export const DOCUMENTED_ADVANCED_SECONDS = 2 * 3600;
/** Provisioning and warming up an endpoint before a load test; a guess, not documented. */
export const ASSUMED_ENDPOINT_SETUP_SECONDS = 420;
/** Preparing the job and collecting its results, around the load tests; a guess. */
const ASSUMED_JOB_OVERHEAD_SECONDS = 180;
/** No Default job is expected to end sooner than this after CreateJob. */
const DEFAULT_EARLIEST_SECONDS = 300;
/** How much longer than assumed a job may wait in PENDING, as far as the ceiling goes. */
const PENDING_SLACK_SECONDS = 300;
/** From JobDurationInSeconds running to the job's reported end. */
const STOP_SLACK_SECONDS = 120;
/** Log-space spread of a model's typical Default duration around the documented figure. */
const DEFAULT_MODEL_SPREAD = 0.25;
/** Log-space spread of an Advanced job whose structure the spec does not give. */
const UNSTRUCTURED_MODEL_SPREAD = 0.5;
/** Log-space spread of the part of an Advanced job that is not traffic (setups, overhead). */
const OVERHEAD_SPREAD = 0.4;
/** Log-space variation from one job of a model to the next. */
const JOB_SPREAD = 0.1;
/** Log-space variation of an Advanced job's overhead from one job of a model to the next. */
const OVERHEAD_JOB_SPREAD = 0.2;
/** The traffic pattern's own length is exact; this covers the rest (log space). */
const MIN_SPREAD = 0.01;
/** Extra spread when the spec leaves the number of waves open. */
const OPEN_WAVES_SPREAD = 0.25;

const positiveSeconds = z
  .number({ error: "must be a number of seconds" })
  .finite({ error: "must be finite" })
  .positive({ error: "must be positive" });
const count = z
  .number({ error: "must be a whole number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be at least 1" });

export const classicPriorSchema = z.strictObject({
  /** Absent: the classic prior has no basis field (the typical prior's is "typical"). */
  basis: z.undefined().optional(),
  jobType: z.enum(JOB_TYPES, { error: `must be one of ${JOB_TYPES.join(", ")}` }),
  /** Seconds one load test's traffic pattern lasts (Advanced). */
  trafficSeconds: positiveSeconds.optional(),
  /** Load tests the job runs. */
  tests: count.optional(),
  /** Load tests run at once (MaxParallelOfTests). */
  parallelTests: count.optional(),
  /** JobDurationInSeconds. */
  jobDurationSeconds: positiveSeconds.optional(),
  /** The job load-tests an existing endpoint: nothing to provision. */
  existingEndpoint: z.boolean().optional(),
  /** A stopping condition may end a load test before its traffic pattern does. */
  mayStopEarly: z.boolean().optional(),
});

export type ClassicPrior = z.output<typeof classicPriorSchema>;

const logSpread = z
  .number({ error: "must be a log-space spread" })
  .finite({ error: "must be finite" })
  .positive({ error: "must be positive" })
  .max(3, { error: "must be at most 3 (a factor of 20 either way)" });

/**
 * A kind-neutral prior: the completion time (seconds since the job was created) is log-normal
 * around `typicalSeconds` with log-space standard deviation `spread`, and never below
 * `earliestSeconds`. Of `spread`, `jobSpread` (default JOB_SPREAD, at most `spread`) is the
 * variation from one job of a model to the next; the rest is the uncertainty about the model's
 * typical duration, which the model's earlier jobs narrow. The schedule cannot list such a job's
 * progress, so it never asks for steps.
 */
export const typicalPriorSchema = z.strictObject({
  basis: z.literal("typical"),
  /** Median completion time of such a job, seconds since it was created. */
  typicalSeconds: positiveSeconds,
  /** Log-space standard deviation of a first job's completion time (no history). */
  spread: logSpread,
  /** Log-space variation from one job of a model to the next; JOB_SPREAD when absent. */
  jobSpread: logSpread.optional(),
  /** The job cannot end sooner (seconds since it was created). */
  earliestSeconds: z
    .number({ error: "must be a number of seconds" })
    .finite({ error: "must be finite" })
    .min(0, { error: "must not be negative" }),
});

export type TypicalPrior = z.output<typeof typicalPriorSchema>;

/** The classic prior, or a typical one (basis "typical"). */
export const schedulePriorSchema = z.discriminatedUnion(
  "basis",
  [classicPriorSchema, typicalPriorSchema],
  { error: 'must be "typical" or absent (the classic prior)' },
);

export type SchedulePrior = z.output<typeof schedulePriorSchema>;

export function isTypicalPrior(prior: SchedulePrior): prior is TypicalPrior {
  return prior.basis === "typical";
}

/** The prior's inputs, read from a CreateInferenceRecommendationsJob request. */
export function priorFromRequest(request: JobRequest): ClassicPrior {
  const input = request.InputConfig;
  const traffic = input.TrafficPattern;
  const trafficSeconds = traffic?.Phases
    ? traffic.Phases.reduce((sum, phase) => sum + phase.DurationInSeconds, 0)
    : traffic?.Stairs
      ? traffic.Stairs.DurationInSeconds * traffic.Stairs.NumberOfSteps
      : undefined;
  const configurations = input.EndpointConfigurations?.reduce(
    (sum, configuration) =>
      sum +
      (configuration.EnvironmentParameterRanges?.CategoricalParameterRanges ?? []).reduce(
        (product, parameter) => product * Math.max(1, parameter.Value.length),
        1,
      ),
    0,
  );
  const existingEndpoint = !configurations && (input.Endpoints?.length ?? 0) > 0;
  const limit = input.ResourceLimit;
  const tests = existingEndpoint
    ? 1
    : configurations
      ? Math.min(configurations, limit?.MaxNumberOfTests ?? configurations)
      : limit?.MaxNumberOfTests;
  const stopping = request.StoppingConditions;
  const mayStopEarly =
    stopping !== undefined &&
    (stopping.MaxInvocations !== undefined ||
      (stopping.ModelLatencyThresholds?.length ?? 0) > 0 ||
      stopping.FlatInvocations === "Stop");
  return {
    jobType: request.JobType,
    ...(trafficSeconds !== undefined ? { trafficSeconds } : {}),
    ...(tests !== undefined ? { tests } : {}),
    ...(limit?.MaxParallelOfTests !== undefined ? { parallelTests: limit.MaxParallelOfTests } : {}),
    ...(input.JobDurationInSeconds !== undefined
      ? { jobDurationSeconds: input.JobDurationInSeconds }
      : {}),
    ...(existingEndpoint ? { existingEndpoint } : {}),
    ...(mayStopEarly ? { mayStopEarly } : {}),
  };
}

export interface PriorEnd {
  /** Median completion time, seconds since CreateJob. */
  medianSeconds: number;
  /**
   * Seconds of it that are certain: the traffic the spec fixes, as far as nothing can cut it short
   * (a quarter of it with a stopping condition). The spreads below are of the rest.
   */
  certainSeconds: number;
  /** Log-space uncertainty about this model's typical completion time (beyond the certain part). */
  modelSpread: number;
  /** Log-space variation from one job of the model to the next (beyond the certain part). */
  jobSpread: number;
  /** Cannot end sooner (seconds since CreateJob). */
  lowerSeconds: number;
  /** Cannot end later; Infinity when the spec sets no JobDurationInSeconds. */
  upperSeconds: number;
  /** Seconds of load tests the job must run before it can end (0 when unknown). */
  trafficSeconds: number;
}

export function priorEnd(prior: SchedulePrior): PriorEnd {
  if (isTypicalPrior(prior)) return typicalEnd(prior);
  const upperSeconds = ceilingSeconds(prior);
  if (prior.jobType === "Default") {
    const spread = Math.hypot(DEFAULT_MODEL_SPREAD, JOB_SPREAD);
    return {
      medianSeconds:
        ASSUMED_PENDING_SECONDS + DOCUMENTED_DEFAULT_SECONDS / Math.exp(USUALLY_Z * spread),
      certainSeconds: 0,
      modelSpread: DEFAULT_MODEL_SPREAD,
      jobSpread: JOB_SPREAD,
      lowerSeconds: DEFAULT_EARLIEST_SECONDS,
      upperSeconds,
      trafficSeconds: 0,
    };
  }
  if (prior.trafficSeconds === undefined) {
    const capped =
      prior.jobDurationSeconds !== undefined
        ? Math.min(DOCUMENTED_ADVANCED_SECONDS, prior.jobDurationSeconds)
        : DOCUMENTED_ADVANCED_SECONDS;
    return {
      medianSeconds: ASSUMED_PENDING_SECONDS + capped,
      certainSeconds: 0,
      modelSpread: UNSTRUCTURED_MODEL_SPREAD,
      jobSpread: JOB_SPREAD,
      lowerSeconds: 0,
      upperSeconds,
      trafficSeconds: 0,
    };
  }
  const tests = prior.tests ?? 1;
  const parallel = Math.min(prior.parallelTests ?? tests, tests);
  const waves = Math.ceil(tests / parallel);
  const wavesOpen = prior.tests === undefined || prior.parallelTests === undefined;
  const setup = prior.existingEndpoint ? 0 : ASSUMED_ENDPOINT_SETUP_SECONDS;
  const traffic = waves * prior.trafficSeconds;
  const overhead = ASSUMED_PENDING_SECONDS + ASSUMED_JOB_OVERHEAD_SECONDS + waves * setup;
  const natural = traffic + overhead;
  const stoppedAtDuration =
    prior.jobDurationSeconds !== undefined &&
    natural > ASSUMED_PENDING_SECONDS + prior.jobDurationSeconds;
  const medianSeconds = stoppedAtDuration
    ? ASSUMED_PENDING_SECONDS + (prior.jobDurationSeconds ?? 0)
    : natural;
  // At least one load test runs its whole pattern, unless a stopping condition may cut it.
  const lowerSeconds = (prior.mayStopEarly ? 0.25 : 1) * traffic;
  const wavesKnown = !wavesOpen || tests === 1;
  if (wavesKnown && !stoppedAtDuration) {
    // The traffic up to the lower bound is certain; of the rest, only the overhead (setups,
    // PENDING, preparation) varies, so its spread is weighed by the overhead's share of the rest.
    const rest = medianSeconds - lowerSeconds;
    const share = overhead / rest;
    return {
      medianSeconds,
      certainSeconds: lowerSeconds,
      modelSpread: OVERHEAD_SPREAD * share + MIN_SPREAD,
      jobSpread: OVERHEAD_JOB_SPREAD * share + MIN_SPREAD,
      lowerSeconds,
      upperSeconds,
      trafficSeconds: prior.trafficSeconds,
    };
  }
  // Stopped by JobDurationInSeconds, or run in an unknown number of waves: no part is certain;
  // the overhead's spread is weighed by its share of the whole.
  const share = overhead / natural;
  return {
    medianSeconds,
    certainSeconds: 0,
    modelSpread: OVERHEAD_SPREAD * share + MIN_SPREAD + (wavesKnown ? 0 : OPEN_WAVES_SPREAD),
    jobSpread: OVERHEAD_JOB_SPREAD * share + MIN_SPREAD,
    lowerSeconds,
    upperSeconds,
    trafficSeconds: prior.trafficSeconds,
  };
}

function typicalEnd(prior: TypicalPrior): PriorEnd {
  const jobSpread = Math.min(prior.jobSpread ?? JOB_SPREAD, prior.spread);
  return {
    medianSeconds: prior.typicalSeconds,
    certainSeconds: 0,
    // What the job-to-job variation leaves of the spread is the model's; never quite none.
    modelSpread: Math.max(MIN_SPREAD, Math.sqrt(prior.spread ** 2 - jobSpread ** 2)),
    jobSpread,
    lowerSeconds: prior.earliestSeconds,
    upperSeconds: Number.POSITIVE_INFINITY,
    trafficSeconds: 0,
  };
}

/**
 * The latest a job can end: JobDurationInSeconds after it started running (when it started, if
 * known; otherwise after the longest plausible PENDING). Infinity without JobDurationInSeconds.
 */
export function ceilingSeconds(prior: SchedulePrior, runStartSeconds?: number): number {
  if (isTypicalPrior(prior) || prior.jobDurationSeconds === undefined)
    return Number.POSITIVE_INFINITY;
  const start = runStartSeconds ?? ASSUMED_PENDING_SECONDS + PENDING_SLACK_SECONDS;
  return start + prior.jobDurationSeconds + STOP_SLACK_SECONDS;
}
