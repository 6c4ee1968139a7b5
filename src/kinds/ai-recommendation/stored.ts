/** The kind ai-recommendation in the job record: its spec, and its decision in `llmDecision`. */
import type { KindStored } from "../kind-stored.ts";
import { llmDecisionSchema } from "./decide.ts";
import { storedAiSpecSchema } from "./spec.ts";

export const aiRecommendationStored = {
  spec: storedAiSpecSchema,
  decisionField: { llmDecision: llmDecisionSchema.optional() },
} satisfies KindStored;
