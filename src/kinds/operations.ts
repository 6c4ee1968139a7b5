/** Each kind's operations (src/kinds/kind-operations.ts), found by a job record's kind. */

import type { JobRecord } from "../workflow/record.ts";
import { aiRecommendationOperations } from "./ai-recommendation/operations.ts";
import { inferenceRecommendationOperations } from "./inference-recommendation/operations.ts";
import { DEFAULT_KIND, type JobKindName } from "./kind.ts";
import type { KindOperations } from "./kind-operations.ts";

export type { KindGateways } from "./kind-operations.ts";

const OPERATIONS: Record<JobKindName, KindOperations> = {
  "inference-recommendation": inferenceRecommendationOperations,
  "ai-recommendation": aiRecommendationOperations,
};

export function operationsFor(record: Pick<JobRecord, "kind">): KindOperations {
  return OPERATIONS[record.kind ?? DEFAULT_KIND];
}
