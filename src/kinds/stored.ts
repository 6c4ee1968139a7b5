/**
 * What the job record stores of every kind (declared in `src/kinds/<kind>/stored.ts`): the spec
 * of any kind, and each kind's decision field. src/workflow/record.ts reads kinds only from here.
 */
import * as z from "zod";
import { aiRecommendationStored } from "./ai-recommendation/stored.ts";
import { inferenceRecommendationStored } from "./inference-recommendation/stored.ts";

/** A spec of any kind: the AI spec, which names its kind, is tried first. */
export const storedAnySpecSchema = z.union([
  aiRecommendationStored.spec,
  inferenceRecommendationStored.spec,
]);

/** Each kind's decision field, one per kind (test/unit/kinds/stored.test.ts). */
export const KIND_DECISION_FIELDS = {
  ...inferenceRecommendationStored.decisionField,
  ...aiRecommendationStored.decisionField,
};
