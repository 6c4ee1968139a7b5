/**
 * The predicted end of a job from the three sources the schedule has, each narrowing the last:
 * the prior (the spec and AWS's documented durations), history (this model's earlier jobs) and
 * progress (the benchmark steps).
 *
 * History: the log of a job's completion time is the model's typical value plus job-to-job noise.
 * The earlier jobs estimate the typical value (a normal-normal update from the prior) and, when
 * there are several, the noise itself (pooled with the prior's guess, so two lucky values do not
 * make the schedule overconfident). Progress is a direct measurement of this job and is weighed
 * against the result by precision.
 */
import { type EndDistribution, endQuantile } from "./distribution.ts";
import {
  ASSUMED_PENDING_SECONDS,
  ceilingSeconds,
  isTypicalPrior,
  type PriorEnd,
  priorEnd,
  type SchedulePrior,
} from "./prior.ts";
import {
  observedParallelism,
  type ProgressKind,
  progressEnd,
  type StepsObservation,
} from "./progress.ts";

/** Share of jobs allowed to end before the schedule starts polling finely. */
export const EARLY_END_SHARE = 0.05;
/** Share of jobs expected to end after the window; past it the interval grows. */
export const LATE_END_SHARE = 0.005;
/** Weight of the prior's job-to-job variation, in jobs, against the variation history shows. */
const NOISE_PRIOR_WEIGHT = 4;
/** Progress is never trusted to better than this (log-space). */
const MIN_PROGRESS_SPREAD = 0.01;
/**
 * A duration is read as at least this share of the prior's uncertain rest beyond the certain
 * part: an earlier job that ended within its traffic (cut short) widens the estimate instead of
 * making its log meaningless.
 */
const MIN_REST_SHARE = 0.05;

export type EstimateBasis = "prior" | "history" | "progress";

export interface EndEstimate {
  /** Median completion, given that the job has not completed by now (seconds since CreateJob). */
  endSeconds: number;
  /** Before this the job is not expected to end (all but EARLY_END_SHARE of such jobs). */
  earliestSeconds: number;
  /** After this it is overrunning every expectation (all but LATE_END_SHARE end before). */
  latestSeconds: number;
  basis: EstimateBasis;
  progress: ProgressKind;
}

export interface EstimateInput {
  prior: SchedulePrior;
  historySeconds: readonly number[];
  steps?: StepsObservation;
  /** Seconds since CreateJob. */
  elapsedSeconds: number;
  /** The latest DescribeInferenceRecommendationsJob status, when there has been one. */
  status?: "PENDING" | "IN_PROGRESS";
}

export interface Estimated {
  estimate: EndEstimate;
  distribution: EndDistribution;
  /** When the steps were last listed, seconds since CreateJob. */
  observedAtSeconds?: number;
  /** When the next benchmark is expected to end, if the listing tells. */
  nextChangeSeconds?: number;
}

export function estimateEnd(input: EstimateInput): Estimated {
  // Benchmarks seen running together tell how many the job runs at once, if the spec does not.
  const parallel = observedParallelism(input.steps);
  const priorInput: SchedulePrior =
    !isTypicalPrior(input.prior) &&
    input.prior.parallelTests === undefined &&
    parallel !== undefined
      ? { ...input.prior, parallelTests: parallel }
      : input.prior;
  const parallelTests = isTypicalPrior(priorInput) ? undefined : priorInput.parallelTests;
  const prior = priorEnd(priorInput);
  const fromHistory = withHistory(prior, input.historySeconds);
  let { mu, sigma } = fromHistory;
  let basis: EstimateBasis = input.historySeconds.length > 0 ? "history" : "prior";

  const progress = progressEnd(input.steps, {
    trafficSeconds: prior.trafficSeconds,
    ...(parallelTests !== undefined ? { parallelTests } : {}),
  });
  // A long PENDING delays everything after it.
  const runStart =
    progress.runStartSeconds ??
    (input.status === "PENDING"
      ? Math.max(ASSUMED_PENDING_SECONDS, input.elapsedSeconds)
      : undefined);
  let lower = prior.lowerSeconds;
  if (runStart !== undefined) {
    const delay = runStart - ASSUMED_PENDING_SECONDS;
    mu = Math.log(Math.max(1, Math.exp(mu) + delay));
    lower = Math.max(lower, lower + delay);
  }
  if (progress.endSeconds !== undefined && progress.spreadSeconds !== undefined) {
    const rest = restOf(prior, progress.endSeconds);
    const measured = Math.log(rest);
    const spread = Math.max(MIN_PROGRESS_SPREAD, progress.spreadSeconds / rest);
    const weight = 1 / sigma ** 2 + 1 / spread ** 2;
    mu = (mu / sigma ** 2 + measured / spread ** 2) / weight;
    sigma = Math.sqrt(1 / weight);
    basis = "progress";
  }
  const upper = ceilingSeconds(priorInput, progress.runStartSeconds);

  const distribution: EndDistribution = {
    certain: prior.certainSeconds,
    mu,
    sigma,
    lower: Math.min(lower, upper),
    upper,
  };
  const earliestSeconds = endQuantile(distribution, EARLY_END_SHARE);
  const latestSeconds = endQuantile(distribution, 1 - LATE_END_SHARE);
  const endSeconds = endQuantile(distribution, 0.5, input.elapsedSeconds);
  return {
    estimate: {
      endSeconds: Math.round(endSeconds),
      earliestSeconds: Math.round(earliestSeconds),
      latestSeconds: Math.round(latestSeconds),
      basis,
      progress: progress.kind,
    },
    distribution,
    ...(input.steps ? { observedAtSeconds: input.steps.observedAtSeconds } : {}),
    ...(progress.nextChangeSeconds !== undefined
      ? { nextChangeSeconds: progress.nextChangeSeconds }
      : {}),
  };
}

/** The part of a completion time beyond the prior's certain part, as the log-normal reads it. */
function restOf(prior: PriorEnd, seconds: number): number {
  const floor = Math.max(1, MIN_REST_SHARE * (prior.medianSeconds - prior.certainSeconds));
  return Math.max(floor, seconds - prior.certainSeconds);
}

/**
 * The log-normal of this job's completion time beyond the prior's certain part, from the prior
 * and the model's earlier jobs.
 */
export function withHistory(
  prior: PriorEnd,
  historySeconds: readonly number[],
): { mu: number; sigma: number } {
  const priorMu = Math.log(prior.medianSeconds - prior.certainSeconds);
  const count = historySeconds.length;
  if (count === 0) return { mu: priorMu, sigma: Math.hypot(prior.modelSpread, prior.jobSpread) };
  const logs = historySeconds.map((value) => Math.log(restOf(prior, value)));
  const mean = logs.reduce((sum, value) => sum + value, 0) / count;
  const squares = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  const noise =
    (NOISE_PRIOR_WEIGHT * prior.jobSpread ** 2 + squares) / (NOISE_PRIOR_WEIGHT + count - 1);
  const precision = 1 / prior.modelSpread ** 2 + count / noise;
  const modelMu = (priorMu / prior.modelSpread ** 2 + (count * mean) / noise) / precision;
  return { mu: modelMu, sigma: Math.sqrt(1 / precision + noise) };
}
