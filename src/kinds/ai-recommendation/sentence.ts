/** An LLM decision in one sentence: what the CLI, the event and the ops message say of it. */
import { formatCount, formatDollars, formatMs, formatPercent } from "../../decision/format.ts";
import type { LlmComparison } from "./compare.ts";
import type { LlmDecision, LlmEntry } from "./decide.ts";

export const llmEntryLabel = (entry: LlmEntry) =>
  `${entry.instanceType} x ${formatCount(entry.instanceCount)} (${formatCount(entry.copiesPerInstance)} ${entry.copiesPerInstance === 1 ? "copy" : "copies"} each)`;

/** A configuration's environment as `KEY=value` pairs, space-separated; "" for none. */
export const environmentText = (environment: Record<string, string> | undefined) =>
  Object.entries(environment ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");

export function llmDecisionSentence(decision: LlmDecision): string {
  const stat = decision.latencyStat;
  const { selected } = decision;
  if (selected) {
    const figures = [
      selected.metrics.ttftMs === undefined
        ? undefined
        : `TTFT ${stat} ${formatMs(selected.metrics.ttftMs)}`,
      selected.metrics.interTokenLatencyMs === undefined
        ? undefined
        : `ITL ${stat} ${formatMs(selected.metrics.interTokenLatencyMs)}`,
      selected.metrics.outputTokensPerSecond === undefined
        ? undefined
        : `${formatCount(selected.metrics.outputTokensPerSecond)} output tokens/s`,
    ].filter((text) => text !== undefined);
    const cost =
      selected.monthlyCost === undefined
        ? "an unknown cost (no price)"
        : `${formatDollars(selected.monthlyCost)}/month`;
    const feasible = decision.ranked.length + (decision.omitted?.ranked ?? 0);
    const all = feasible + decision.rejected.length + (decision.omitted?.rejected ?? 0);
    return `selected ${llmEntryLabel(selected)} for ${cost}${figures.length > 0 ? ` at ${figures.join(", ")}` : ""} (by ${decision.objective}; ${feasible} of ${all} configurations meet the policy)`;
  }
  if (decision.outcome === "failed") {
    return `the job ended ${decision.job.status}${decision.job.failureReason ? `: ${decision.job.failureReason}` : ""}`;
  }
  const rules = new Map<string, number>();
  for (const rejection of decision.rejected) {
    rules.set(rejection.rule, (rules.get(rejection.rule) ?? 0) + 1);
  }
  const counted = [...rules.entries()].map(([rule, count]) => `${rule} ${count}`).join(", ");
  const [relaxation] = decision.relaxations;
  return `no configuration meets the policy: ${decision.rejected.length} rejected${counted ? ` (${counted})` : ""}${relaxation ? `; ${relaxation.sentence}` : ""}`;
}

/**
 * The comparison in one sentence, as for the classic kind: "Production (ml.g5.12xlarge x 2) costs
 * $10,351/month; the proposal costs $3,270/month, saving $7,081/month (68.4%): worth acting on".
 */
export function llmComparisonSentence(comparison: LlmComparison): string {
  const { current, proposedMonthlyCost, saving } = comparison;
  const cost =
    current.monthlyCost === undefined
      ? "costs an unknown amount"
      : `costs ${formatDollars(current.monthlyCost)}/month`;
  const head = `Production (${current.instanceType} x ${formatCount(current.instanceCount)}) ${cost}`;
  if (proposedMonthlyCost === undefined && !comparison.worthActing && !saving) {
    return `${head}; ${comparison.reason}: not worth acting on`;
  }
  const proposed =
    proposedMonthlyCost === undefined
      ? "an unknown amount"
      : `${formatDollars(proposedMonthlyCost)}/month`;
  const change =
    saving === undefined
      ? "saving unknown"
      : saving.monthly >= 0
        ? `saving ${formatDollars(saving.monthly)}/month (${formatPercent(saving.percent / 100)})`
        : `costing ${formatDollars(-saving.monthly)}/month more`;
  return `${head}; the proposal costs ${proposed}, ${change}: ${comparison.worthActing ? "worth acting on" : "not worth acting on"}`;
}
