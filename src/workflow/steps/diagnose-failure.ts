/**
 * DiagnoseFailure: explains a job that ended FAILED, STOPPED or DELETED (docs/decision.md), through
 * its kind: the failed benchmarks with their instance types and reasons, a category with a next
 * step, and where the logs are.
 */
import { type KindGateways, kindGateways, operationsFor } from "../../kinds/operations.ts";
import { diagnosed } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export async function diagnoseFailure(
  input: JobInput,
  deps: KindGateways & { store: JobStore; now: () => Date },
): Promise<{ outcome: Outcome }> {
  const record = await deps.store.require(input.jobName);
  const result = await operationsFor(record).diagnose(record, deps);
  await deps.store.mutate(input.jobName, (latest) => diagnosed(latest, result, deps.now()), record);
  return { outcome: "failed" };
}

export const diagnoseFailureStep = workflowStep({
  name: "DiagnoseFailure",
  input: jobInput,
  connect: (runtime, config) => ({
    ...kindGateways(runtime),
    store: jobStore(runtime, config.TABLE_NAME),
    now: runtime.now,
  }),
  run: diagnoseFailure,
});
