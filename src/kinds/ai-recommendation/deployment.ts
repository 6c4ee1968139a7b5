/**
 * What to deploy for an LLM decision's selected configuration: the model, the image, the fleet,
 * its environment and optimizations, and how it is expected to perform. The outcome event carries
 * it as `deployment`, and `irflow report --json` prints the same object.
 */
import type { ModelRef } from "../../workflow/record.ts";
import type { LlmDecision, LlmEntry } from "./decide.ts";

export function llmDeployment(
  selected: LlmEntry,
  latencyStat: LlmDecision["latencyStat"],
  model: Pick<ModelRef, "modelUri">,
) {
  return {
    ...(model.modelUri ? { modelSource: model.modelUri } : {}),
    ...(selected.modelPackageArn ? { modelPackageArn: selected.modelPackageArn } : {}),
    ...(selected.imageUri ? { imageUri: selected.imageUri } : {}),
    instanceType: selected.instanceType,
    instanceCount: selected.instanceCount,
    copiesPerInstance: selected.copiesPerInstance,
    ...(selected.environment ? { environment: selected.environment } : {}),
    ...(selected.s3Channels ? { s3Channels: selected.s3Channels } : {}),
    optimizations: selected.optimizations,
    expected: { ...selected.metrics, latencyStat },
  };
}
