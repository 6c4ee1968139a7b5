/** SelectRecommendation: reads a completed job's results from SageMaker and records the choice. */
import { type SageMakerGateway, sagemakerGateway } from "../../aws/sagemaker-gateway.ts";
import { selectRecommendation as select, toCandidate } from "../../selection.ts";
import { selectionMade } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export async function selectRecommendation(
  input: JobInput,
  deps: { store: JobStore; sagemaker: SageMakerGateway; now: () => Date },
): Promise<{ outcome: Outcome }> {
  const job = await deps.sagemaker.describeJob(input.jobName);
  const candidates = (job.InferenceRecommendations ?? []).map(toCandidate);
  const endpointPerformances = (job.EndpointPerformances ?? []).map((performance) => ({
    endpointName: performance.EndpointInfo?.EndpointName ?? "",
    maxInvocations: performance.Metrics?.MaxInvocations ?? 0,
    modelLatencyMs: performance.Metrics?.ModelLatency ?? 0,
  }));
  const result = { candidates, selection: select(candidates), endpointPerformances };
  const record = await deps.store.mutate(input.jobName, (current) =>
    selectionMade(current, result, deps.now()),
  );
  return { outcome: record.outcome ?? "failed" };
}

export const selectRecommendationStep = workflowStep({
  name: "SelectRecommendation",
  input: jobInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    sagemaker: sagemakerGateway(runtime),
    now: runtime.now,
  }),
  run: selectRecommendation,
});
