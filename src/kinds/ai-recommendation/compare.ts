/**
 * An LLM decision against production: what the policy's `current` configuration costs (its
 * instance type's price x its count x 730 hours, priced as the entries are; else the policy's
 * `current.monthlyCost`; else unknown, never made up), what the proposal saves, and whether that
 * is worth acting on by the same thresholds as the classic kind.
 */
import * as z from "zod";
import { savingOf, savingVerdict } from "../../decision/compare.ts";
import { HOURS_PER_MONTH } from "../../decision/entry.ts";
import type { LlmPolicy } from "./policy.ts";

export const llmComparisonSchema = z.strictObject({
  current: z.strictObject({
    instanceType: z.string(),
    instanceCount: z.number().int(),
    monthlyCost: z.number().optional(),
    /** The price of its instance type (as the entries were priced), the policy's figure, or none. */
    costSource: z.enum(["instance-price", "policy", "unknown"]),
  }),
  /** The selected configuration's monthly cost, when there is one. */
  proposedMonthlyCost: z.number().optional(),
  /** Current minus proposed monthly cost, and that as a percentage of current. */
  saving: z.strictObject({ monthly: z.number(), percent: z.number() }).optional(),
  worthActing: z.boolean(),
  /** Why worthActing is what it is, in words. */
  reason: z.string(),
});

export type LlmComparison = z.output<typeof llmComparisonSchema>;

/**
 * Undefined without a policy `current`. `priceOf` gives an instance type's price per
 * instance-hour as the decision priced its entries.
 */
export function compareLlmWithProduction(
  policy: LlmPolicy,
  decision: { outcome: string; selected?: { monthlyCost?: number | undefined } | undefined },
  priceOf: (instanceType: string) => number | undefined,
): LlmComparison | undefined {
  const current = policy.current;
  if (!current) return undefined;
  const price = priceOf(current.instanceType);
  const [monthlyCost, costSource] =
    price !== undefined
      ? [round(price * current.instanceCount * HOURS_PER_MONTH), "instance-price" as const]
      : current.monthlyCost !== undefined
        ? [current.monthlyCost, "policy" as const]
        : [undefined, "unknown" as const];
  const proposedMonthlyCost =
    decision.outcome === "selected" ? decision.selected?.monthlyCost : undefined;
  const saving = savingOf(monthlyCost, proposedMonthlyCost);
  const verdict = savingVerdict({
    outcome: decision.outcome,
    currentCost: monthlyCost,
    proposedCost: proposedMonthlyCost,
    thresholds: policy,
    unknownCostCause: () =>
      `no price of ${current.instanceType} is known and the policy gives no current.monthlyCost; give it in policy.prices or current.monthlyCost`,
  });
  return {
    current: {
      instanceType: current.instanceType,
      instanceCount: current.instanceCount,
      ...(monthlyCost !== undefined ? { monthlyCost } : {}),
      costSource,
    },
    ...(proposedMonthlyCost !== undefined ? { proposedMonthlyCost } : {}),
    ...(saving
      ? { saving: { monthly: round(saving.monthly), percent: round(saving.percent) } }
      : {}),
    worthActing: verdict.worthActing,
    reason: verdict.reason,
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
