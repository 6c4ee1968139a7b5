/** Each kind's outcome events (src/kinds/kind-events.ts), by kind. */
import { aiRecommendationEvents } from "./ai-recommendation/event.ts";
import { inferenceRecommendationEvents } from "./inference-recommendation/event.ts";
import type { JobKindName } from "./kind.ts";
import type { KindEvents } from "./kind-events.ts";

export const KIND_EVENTS = {
  "inference-recommendation": inferenceRecommendationEvents,
  "ai-recommendation": aiRecommendationEvents,
} satisfies Record<JobKindName, KindEvents>;
