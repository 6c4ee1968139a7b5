/**
 * Every job kind's presenter (./presenter.ts), by kind: the commands reach a kind's output only
 * through here, so a kind is shown by its own module and one line below.
 */
import { DEFAULT_KIND, type JobKindName } from "../../src/kinds/kind.ts";
import type { JobRecord } from "../../src/workflow/record.ts";
import { aiRecommendationPresenter } from "./ai-recommendation.ts";
import { inferenceRecommendationPresenter } from "./inference-recommendation.ts";
import type { KindPresenter } from "./presenter.ts";

const PRESENTERS: Record<JobKindName, KindPresenter> = {
  "inference-recommendation": inferenceRecommendationPresenter,
  "ai-recommendation": aiRecommendationPresenter,
};

/** The presenter of a kind, by its name. */
export function presenterOfKind(kind: JobKindName): KindPresenter {
  return PRESENTERS[kind];
}

/** The presenter of a record's kind. */
export function presenterFor(record: Pick<JobRecord, "kind">): KindPresenter {
  return PRESENTERS[record.kind ?? DEFAULT_KIND];
}

/** The presenter of the kind whose Describe response this is, by its shape; else the default's. */
export function presenterOfResponse(response: unknown): KindPresenter {
  return (
    Object.values(PRESENTERS).find((presenter) => presenter.readsResponse(response)) ??
    PRESENTERS[DEFAULT_KIND]
  );
}
