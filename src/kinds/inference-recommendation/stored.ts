/** The classic kind in the job record: its spec, and its decision in `decision`, lists cut. */
import { cappedDecisionSchema } from "../../decision/index.ts";
import { storedSpecSchema } from "../../spec/schema.ts";
import type { KindStored } from "../kind-stored.ts";

export const inferenceRecommendationStored = {
  spec: storedSpecSchema,
  decisionField: { decision: cappedDecisionSchema.optional() },
} satisfies KindStored;
