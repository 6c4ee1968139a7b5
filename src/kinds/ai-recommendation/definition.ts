/** The kind ai-recommendation: SageMaker AI recommendation jobs, for LLMs. */
import { TIME_BUDGET } from "../../time-budget.ts";
import type { KindDefinition } from "../kind.ts";
import { aiCostPlan } from "./cost.ts";
import { aiSchedulePrior } from "./schedule.ts";
import { AI_RECOMMENDATION_KIND, type AiSpec } from "./spec.ts";

/** A job of this kind is given this long unless its spec says otherwise. */
const DEFAULT_DEADLINE_SECONDS = 4 * 3600;

export const aiRecommendationKind: KindDefinition<AiSpec> = {
  name: AI_RECOMMENDATION_KIND,
  jobNoun: "AI recommendation job",
  owns: (spec): spec is AiSpec =>
    typeof spec === "object" &&
    spec !== null &&
    (spec as { kind?: unknown }).kind === AI_RECOMMENDATION_KIND,
  jobType: () => undefined,
  deadlineSeconds: (spec) =>
    Math.min(
      spec.irflow?.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS,
      TIME_BUDGET.jobDeadlineSeconds.max,
    ),
  model(spec) {
    const uri = spec.job.ModelSource.S3?.S3Uri ?? "unknown";
    return {
      kind: "model-artifacts",
      key: `model-artifacts/${uri.replace(/^s3:\/\//, "")}`,
      modelUri: uri,
    };
  },
  prior: aiSchedulePrior,
  costPlan: aiCostPlan,
  queueKey: "queue:ai-recommendation-jobs",
  limitSetting: "AI_JOB_LIMIT",
};
