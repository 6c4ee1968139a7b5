/**
 * SelectRecommendation: reads a completed job's results and decides under the spec's policy
 * (docs/decision.md), through the job's kind: the selected configuration, its fleet and monthly
 * cost, or why nothing fits; for the classic kind, the comparison with production.
 */
import { priceGateway } from "../../kinds/ai-recommendation/prices.ts";
import { type KindGateways, kindGateways, operationsFor } from "../../kinds/operations.ts";
import { selectionMade } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export async function selectRecommendation(
  input: JobInput,
  deps: KindGateways & { store: JobStore; now: () => Date },
): Promise<{ outcome: Outcome }> {
  const record = await deps.store.require(input.jobName);
  const selection = await operationsFor(record).select(record, deps);
  const decided = await deps.store.mutate(
    input.jobName,
    (current) => selectionMade(current, selection, deps.now()),
    record,
  );
  return { outcome: decided.outcome ?? "failed" };
}

export const selectRecommendationStep = workflowStep({
  name: "SelectRecommendation",
  input: jobInput,
  connect: (runtime, config) => ({
    ...kindGateways(runtime),
    prices: priceGateway(runtime, config.TABLE_NAME),
    store: jobStore(runtime, config.TABLE_NAME),
    now: runtime.now,
  }),
  run: selectRecommendation,
});
