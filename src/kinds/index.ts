/**
 * Every job kind irflow runs, by name. The workflow, the record and the CLI reach a kind's rules
 * only through here (and its validation through ./validate.ts, its calls through
 * ./operations.ts, its outcome events through ./events.ts, what the record stores of it through
 * ./stored.ts), so a kind is added in its own folder and one line in each.
 */
import { aiRecommendationKind } from "./ai-recommendation/definition.ts";
import { inferenceRecommendationKind } from "./inference-recommendation/definition.ts";
import {
  DEFAULT_KIND,
  JOB_KINDS,
  type JobKindName,
  type KindDefinition,
  kindNameOf,
} from "./kind.ts";

export const KINDS: Record<JobKindName, KindDefinition<unknown>> = {
  "inference-recommendation": inferenceRecommendationKind,
  "ai-recommendation": aiRecommendationKind,
};

/** The definition of the kind a stored spec (or a record without one) is of. */
export function kindOfSpec(spec: unknown): KindDefinition<unknown> {
  return KINDS[kindNameOf(spec) ?? DEFAULT_KIND];
}

export { DEFAULT_KIND, JOB_KINDS, type JobKindName, kindNameOf };
