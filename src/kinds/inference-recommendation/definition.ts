/** The kind inference-recommendation: SageMaker's classic Inference Recommender jobs. */
import { modelIdentity } from "../../naming.ts";
import { priorFromRequest } from "../../schedule/index.ts";
import type { JobSpec } from "../../spec/schema.ts";
import { TIME_BUDGET } from "../../time-budget.ts";
import type { KindDefinition } from "../kind.ts";
import { classicCostPlan } from "./cost.ts";

export const inferenceRecommendationKind: KindDefinition<JobSpec> = {
  name: "inference-recommendation",
  jobNoun: "Inference Recommender job",
  owns: (spec): spec is JobSpec =>
    typeof spec === "object" &&
    spec !== null &&
    ((spec as { kind?: unknown }).kind ?? "inference-recommendation") ===
      "inference-recommendation",
  jobType: (spec) => spec.job.JobType,
  deadlineSeconds(spec) {
    const budget = TIME_BUDGET.jobDeadlineSeconds;
    if (spec.irflow?.deadlineSeconds !== undefined) return spec.irflow.deadlineSeconds;
    if (spec.job.JobType === "Default") return budget.defaultJob;
    const duration = spec.job.InputConfig.JobDurationInSeconds ?? budget.advancedAssumedDuration;
    return duration + budget.advancedMargin;
  },
  model(spec) {
    const identity = modelIdentity(spec);
    return identity.kind === "model-package"
      ? {
          kind: identity.kind,
          key: identity.key,
          packageGroup: identity.group,
          packageVersion: identity.version,
          packageArn: identity.arn,
        }
      : { kind: identity.kind, key: identity.key, modelName: identity.name };
  },
  prior: (spec) => priorFromRequest(spec.job),
  costPlan: classicCostPlan,
  queueKey: "queue:inference-recommendations-jobs",
  limitSetting: "JOB_LIMIT",
};
