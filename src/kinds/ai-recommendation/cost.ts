/**
 * What an AI recommendation job will provision, from its spec alone (src/decision/
 * job-cost-plan.ts). AWS documents no duration for these jobs; as the schedule's prior assumes
 * (./schedule.ts), each instance type the job is given (at most 3) is deployed and benchmarked,
 * and each is taken here to be up for one deployment and benchmark, with one instance: an
 * assumption, not a measured figure. Without named instance types SageMaker picks them, and the
 * cost is not known before the job.
 */
import type { JobCostPlan } from "../../decision/job-cost-plan.ts";
import { ASSUMED_AI_FIRST_TYPE_SECONDS, aiSchedulePrior } from "./schedule.ts";
import type { AiSpec } from "./spec.ts";

export function aiCostPlan(spec: AiSpec): JobCostPlan {
  const types = spec.job.ComputeSpec?.InstanceTypes ?? [];
  const prior = aiSchedulePrior(spec);
  const jobSeconds = "typicalSeconds" in prior ? prior.typicalSeconds : undefined;
  if (types.length === 0) {
    return {
      parts: [],
      jobSeconds,
      notes: [
        "the spec names no instance type: SageMaker picks them, and the cost is not known before the job",
      ],
    };
  }
  return {
    parts: types.map((instanceType) => {
      // The policy's price is the one the decision uses for the type, so the estimate uses it too.
      const pricePerHour = spec.irflow?.policy?.prices?.[instanceType];
      return {
        instanceType,
        instanceCount: 1,
        seconds: ASSUMED_AI_FIRST_TYPE_SECONDS,
        ...(pricePerHour !== undefined ? { pricePerHour } : {}),
      };
    }),
    jobSeconds,
    notes: [
      `each instance type is assumed to be up for ${ASSUMED_AI_FIRST_TYPE_SECONDS / 60} minutes (one deployment and benchmark), with 1 instance; AWS documents no duration for these jobs`,
    ],
  };
}
