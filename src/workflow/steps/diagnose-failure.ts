/** DiagnoseFailure: collects why a job ended FAILED, STOPPED or DELETED. */
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { diagnosed } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export async function diagnoseFailure(
  input: JobInput,
  deps: { store: JobStore; sagemaker: SageMakerGateway; now: () => Date },
): Promise<{ outcome: Outcome }> {
  const job = await deps.sagemaker.describeJob(input.jobName);
  const benchmarkReasons = await deps.sagemaker.failedBenchmarkReasons(input.jobName);
  const reasons = [
    ...new Set([job.FailureReason, ...benchmarkReasons].filter((reason) => !!reason)),
  ] as string[];
  const status = job.Status ?? "UNKNOWN";
  await deps.store.mutate(input.jobName, (record) =>
    diagnosed(record, { status, reasons }, deps.now()),
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
