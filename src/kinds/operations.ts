/** Each kind's operations (src/kinds/kind-operations.ts), found by a job record's kind. */

import { sagemakerGateway } from "../aws/sagemaker-gateway.ts";
import type { Runtime } from "../runtime.ts";
import type { JobRecord } from "../workflow/record.ts";
import { aiRecommendationGateway } from "./ai-recommendation/gateway.ts";
import { aiRecommendationOperations } from "./ai-recommendation/operations.ts";
import { inferenceRecommendationOperations } from "./inference-recommendation/operations.ts";
import { DEFAULT_KIND, type JobKindName } from "./kind.ts";
import type { KindGateways, KindOperations } from "./kind-operations.ts";

export type { KindGateways };

const OPERATIONS: Record<JobKindName, KindOperations> = {
  "inference-recommendation": inferenceRecommendationOperations,
  "ai-recommendation": aiRecommendationOperations,
};

export function operationsFor(record: Pick<JobRecord, "kind">): KindOperations {
  return OPERATIONS[record.kind ?? DEFAULT_KIND];
}

/** The SageMaker gateways of every job kind: a step calls the one its job's kind uses. */
export function kindGateways(runtime: Runtime): KindGateways {
  return { sagemaker: sagemakerGateway(runtime), ai: aiRecommendationGateway(runtime) };
}
