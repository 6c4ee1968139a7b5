/**
 * What a job that has ended leaves to read once: its benchmark steps, for its diagnosis and for
 * the estimate of its own cost (src/decision/tuning-cost.ts). Steps the role may not list, or that
 * do not read, leave a note and no steps; throttling is retried as any step's call is.
 */
import type { SageMakerGateway } from "../aws/sagemaker-gateway.ts";
import { HOSTING_PRICES } from "../decision/hosting-prices.ts";
import {
  estimateTuningCost,
  type JobStep,
  jobPrices,
  type NormalizedJob,
  parseJobSteps,
  type TuningCost,
} from "../decision/index.ts";
import { DEFAULT_KIND } from "../kinds/kind.ts";
import type { JobRecord } from "./record.ts";

export interface EndedJobBenchmarks {
  steps: JobStep[];
  note?: string | undefined;
}

export async function endedJobBenchmarks(
  jobName: string,
  sagemaker: SageMakerGateway,
): Promise<EndedJobBenchmarks> {
  const listed = await sagemaker.endedJobBenchmarks(jobName);
  if (!listed.value) return { steps: [], note: listed.note };
  const steps = parseJobSteps(listed.value);
  return steps.ok
    ? { steps: steps.value }
    : { steps: [], note: "the benchmarks could not be read" };
}

/**
 * The job's own cost, when its benchmarks could be read; none is made up from a partial list.
 * `stoppedAt`: irflow stopped the job then, which ends the benchmarks still running.
 */
export function endedJobCost(
  benchmarks: EndedJobBenchmarks,
  job: NormalizedJob | undefined,
  stoppedAt?: Date,
): TuningCost | undefined {
  if (benchmarks.note) return undefined;
  return estimateTuningCost(benchmarks.steps, job ? jobPrices(job) : new Map(), {
    listPrices: HOSTING_PRICES,
    stoppedAt,
  });
}

/**
 * The own costs of a model's earlier jobs of the same kind and job type, newest first as the
 * records are: the history src/decision/job-cost-estimate.ts estimates the next job's from.
 */
export function tuningCostsOf(
  records: readonly JobRecord[],
  like: Pick<JobRecord, "kind" | "jobType">,
): TuningCost[] {
  const kind = like.kind ?? DEFAULT_KIND;
  return records.flatMap((earlier) =>
    (earlier.kind ?? DEFAULT_KIND) === kind &&
    earlier.jobType === like.jobType &&
    earlier.tuningCost
      ? [earlier.tuningCost]
      : [],
  );
}
