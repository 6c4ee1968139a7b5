/**
 * DiagnoseFailure: explains a job that ended FAILED, STOPPED or DELETED (docs/decision.md): the
 * failed benchmarks with their instance types and reasons, a category with a next step, and where
 * the logs are.
 */
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { diagnoseFailure as diagnose, parseDescribeResponse } from "../../decision/index.ts";
import { diagnosed } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { endedJobBenchmarks, endedJobCost } from "../tuning-cost.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export async function diagnoseFailure(
  input: JobInput,
  deps: { store: JobStore; sagemaker: SageMakerGateway; now: () => Date },
): Promise<{ outcome: Outcome }> {
  const job = await deps.sagemaker.describeJob(input.jobName);
  const benchmarks = await endedJobBenchmarks(input.jobName, deps.sagemaker);
  const notes = benchmarks.note ? [benchmarks.note] : [];
  const diagnosis = diagnose({
    jobName: input.jobName,
    status: job.Status ?? "UNKNOWN",
    failureReason: job.FailureReason,
    // arn:aws:sagemaker:<region>:<account>:inference-recommendations-job/<name>
    region: job.JobArn?.split(":")[3] || undefined,
    steps: benchmarks.steps,
  });
  const parsedJob = parseDescribeResponse(job);
  const tuningCost = endedJobCost(benchmarks, parsedJob.ok ? parsedJob.value : undefined);
  await deps.store.mutate(input.jobName, (record) =>
    diagnosed(record, { diagnosis, notes, tuningCost }, deps.now()),
  );
  return { outcome: "failed" };
}

export const diagnoseFailureStep = workflowStep({
  name: "DiagnoseFailure",
  input: jobInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    sagemaker: sagemakerGateway(runtime),
    now: runtime.now,
  }),
  run: diagnoseFailure,
});
