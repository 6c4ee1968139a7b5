/**
 * The poll schedule's prior for an AI recommendation job (CreateAIRecommendationJob), as a
 * kind-neutral typical prior: src/schedule/ plans the polls and learns from the model's earlier
 * jobs (historySeconds) as it does for Inference Recommender jobs.
 *
 * AWS documents no duration for these jobs, sends no event when one ends, and its examples poll
 * DescribeAIRecommendationJob every 30 s. Every figure below is therefore an assumption, not a
 * documented or measured value: a job deploys and benchmarks each instance type it is given (at
 * most 3), so it is taken to last about as long as one deployment and benchmark plus a share for
 * each further type, which is also how the local emulator runs them (20 min, up to 10 min more,
 * 5 min per extra type). The spread is wide because nothing has been measured on AWS; a model's
 * earlier jobs narrow it.
 */
import type { SchedulePrior } from "../../schedule/index.ts";
import type { AiSpec } from "./spec.ts";

/** A job benchmarking one instance type; an assumption. */
export const ASSUMED_AI_FIRST_TYPE_SECONDS = 25 * 60;
/** Each further instance type; an assumption. */
export const ASSUMED_AI_EXTRA_TYPE_SECONDS = 5 * 60;
/** No job is expected to end sooner: deploying and benchmarking even one type; an assumption. */
export const ASSUMED_AI_EARLIEST_SECONDS = 10 * 60;
/** Instance types SageMaker picks when ComputeSpec names none; an assumption (the emulator's). */
const ASSUMED_UNNAMED_TYPES = 2;
/** Log-space spread of a first job's completion time; wide, since none has been measured. */
const AI_SPREAD = 0.35;
/** More of it when SageMaker picks the instance types, and so their number. */
const UNNAMED_TYPES_SPREAD = 0.45;
/** Log-space variation from one job of a model to the next; an assumption. */
const AI_JOB_SPREAD = 0.15;

/** The number of instance types the job benchmarks, as far as its spec says. */
export function aiInstanceTypeCount(spec: AiSpec): number | undefined {
  const count = spec.job.ComputeSpec?.InstanceTypes?.length ?? 0;
  return count > 0 ? count : undefined;
}

/** The schedule's prior for an AI recommendation job, from the instance types it benchmarks. */
export function aiSchedulePrior(spec: AiSpec): SchedulePrior {
  const named = aiInstanceTypeCount(spec);
  const types = named ?? ASSUMED_UNNAMED_TYPES;
  return {
    basis: "typical",
    typicalSeconds: ASSUMED_AI_FIRST_TYPE_SECONDS + ASSUMED_AI_EXTRA_TYPE_SECONDS * (types - 1),
    spread: named !== undefined ? AI_SPREAD : UNNAMED_TYPES_SPREAD,
    jobSpread: AI_JOB_SPREAD,
    earliestSeconds: ASSUMED_AI_EARLIEST_SECONDS,
  };
}
