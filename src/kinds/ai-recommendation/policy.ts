/**
 * How irflow chooses among an AI recommendation job's configurations (docs/decision.md, "LLM
 * jobs"): token-level latency limits at one statistic, a load in requests or output tokens per
 * second, fleet bounds, a monthly budget, instance families, prices per instance-hour, and the
 * production configuration to compare with.
 */
import * as z from "zod";
import { INSTANCE_FAMILY_PATTERN, savingThresholdFields } from "../../decision/policy.ts";
import { INSTANCE_TYPE_PATTERN } from "../../spec/instance-types.ts";

export const LLM_OBJECTIVES = [
  "monthly-cost",
  "cost-per-million-tokens",
  "ttft",
  "throughput",
] as const;
export const LATENCY_STATS = ["p50", "p90", "p95", "p99", "avg"] as const;

const positive = () => z.number().positive({ error: "must be greater than 0" });
const count = () =>
  z.number().int({ error: "must be an integer" }).min(1, { error: "must be at least 1" });
const families = () =>
  z
    .array(
      z
        .string()
        .regex(INSTANCE_FAMILY_PATTERN, { error: "must be an instance family such as ml.g6" }),
    )
    .max(100, { error: "must have at most 100 items" });

export const llmPolicySchema = z
  .strictObject({
    objective: z.enum(LLM_OBJECTIVES).optional(),
    latencyStat: z.enum(LATENCY_STATS).default("p90"),
    maxTtftMs: positive().optional(),
    maxInterTokenLatencyMs: positive().optional(),
    maxRequestLatencyMs: positive().optional(),
    requestsPerSecond: positive().optional(),
    outputTokensPerSecond: positive().optional(),
    headroom: z.number().min(0).max(10).default(0.2),
    minInstances: count().default(1),
    maxInstances: count().optional(),
    maxMonthlyCost: positive().optional(),
    instanceFamilies: families().optional(),
    excludeInstanceFamilies: families().optional(),
    /** US dollars per instance-hour, by instance type. */
    prices: z
      .record(
        z.string().regex(INSTANCE_TYPE_PATTERN, { error: "must be an instance type" }),
        positive(),
      )
      .optional(),
    /** Production's configuration, compared with the proposal as for the classic kind. */
    current: z
      .strictObject({
        instanceType: z.string().regex(INSTANCE_TYPE_PATTERN, {
          error: "must be an instance type such as ml.g6e.2xlarge",
        }),
        instanceCount: count(),
        /** US dollars per month, for when no price of its instance type is known. */
        monthlyCost: z.number().nonnegative({ error: "must be 0 or more" }).optional(),
      })
      .optional(),
    ...savingThresholdFields(),
  })
  .superRefine((policy, context) => {
    if (policy.requestsPerSecond !== undefined && policy.outputTokensPerSecond !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["outputTokensPerSecond"],
        message: "give the load as requestsPerSecond or as outputTokensPerSecond, not both",
        params: { rule: "one-load" },
      });
    }
    if (policy.maxInstances !== undefined && policy.maxInstances < policy.minInstances) {
      context.addIssue({
        code: "custom",
        path: ["maxInstances"],
        message: `must be at least minInstances (${policy.minInstances})`,
        params: { rule: "min-max" },
      });
    }
  });

export type LlmPolicy = z.output<typeof llmPolicySchema>;

/** The objective the policy ranks by: its own, else monthly cost with a load, cost per token without. */
export function objectiveOf(policy: LlmPolicy): (typeof LLM_OBJECTIVES)[number] {
  if (policy.objective) return policy.objective;
  const loaded =
    policy.requestsPerSecond !== undefined || policy.outputTokensPerSecond !== undefined;
  return loaded ? "monthly-cost" : "cost-per-million-tokens";
}
