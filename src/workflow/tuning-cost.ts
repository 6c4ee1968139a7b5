/**
 * The estimate of what a finished job cost, read when it ends: every benchmark step of the job,
 * priced with the job's own prices (src/decision/tuning-cost.ts). A listing the role may not make
 * leaves the job without an estimate, with a note; throttling is retried as any step's call is.
 */
import type { SageMakerGateway } from "../aws/sagemaker-gateway.ts";
import {
  estimateTuningCost,
  type NormalizedJob,
  parseJobSteps,
  type TuningCost,
} from "../decision/index.ts";
import { jobPrices } from "../decision/tuning-cost.ts";
import { TransientAwsError } from "../errors.ts";

export async function finishedJobCost(
  jobName: string,
  job: NormalizedJob | undefined,
  sagemaker: SageMakerGateway,
): Promise<{ cost?: TuningCost | undefined; note?: string | undefined }> {
  let listed: unknown;
  try {
    listed = await sagemaker.listBenchmarkSteps(jobName);
  } catch (error) {
    if (error instanceof TransientAwsError) throw error;
    return {
      note: `no cost estimate: the benchmark steps could not be listed (${(error as Error).name})`,
    };
  }
  const steps = parseJobSteps(listed);
  if (!steps.ok) return { note: "no cost estimate: the benchmark steps could not be read" };
  return { cost: estimateTuningCost(steps.value, job ? jobPrices(job) : new Map()) };
}
