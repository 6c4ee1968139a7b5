/**
 * `irflow decide` on a saved DescribeAIRecommendationJob response: the LLM decision
 * (src/kinds/ai-recommendation/decide.ts) under an LLM policy, as text or JSON.
 */

import * as z from "zod";
import { formatCount, formatDollars, formatMs } from "../src/decision/format.ts";
import { toDecisionIssues } from "../src/decision/issues.ts";
import type { LlmComparison } from "../src/kinds/ai-recommendation/compare.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
  type ListedPrices,
  type LlmDecision,
  type LlmEntry,
  type PriceSource,
} from "../src/kinds/ai-recommendation/decide.ts";
import { llmPolicySchema } from "../src/kinds/ai-recommendation/policy.ts";
import {
  llmComparisonSentence,
  llmDecisionSentence,
  llmEntryLabel,
} from "../src/kinds/ai-recommendation/sentence.ts";
import { INSTANCE_TYPE_PATTERN } from "../src/spec/instance-types.ts";
import { type DecideOptions, refuseDecideInput } from "./decide-common.ts";
import { rooted, table } from "./format.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";

/** `--prices`: US dollars per instance-hour by instance type, as the AWS Price List gave them. */
const listedPricesFileSchema = z.record(
  z.string().regex(INSTANCE_TYPE_PATTERN, { error: "must be an instance type" }),
  z.number().positive({ error: "must be greater than 0" }),
);

export async function decideLlmCommand(
  response: unknown,
  { policy: policyPath, prices: pricesPath, json }: DecideOptions,
  io: CliIo,
): Promise<number> {
  const policyInput = policyPath === undefined ? {} : await readJsonInput(policyPath, io);
  const policy = llmPolicySchema.safeParse(policyInput ?? {}, { reportInput: true });
  const job = aiRecommendationJobSchema.safeParse(response, { reportInput: true });
  const pricesInput = pricesPath === undefined ? {} : await readJsonInput(pricesPath, io);
  const prices = listedPricesFileSchema.safeParse(pricesInput ?? {}, { reportInput: true });
  const issues = [
    ...(policy.success ? [] : rooted(toDecisionIssues(policy.error), "(policy)")),
    ...(job.success ? [] : rooted(toDecisionIssues(job.error), "(response)")),
    ...(prices.success ? [] : rooted(toDecisionIssues(prices.error), "(prices)")),
  ];
  if (!policy.success || !job.success || !prices.success) {
    return refuseDecideInput(issues, json, io);
  }
  const listed: ListedPrices = Object.fromEntries(
    Object.entries(prices.data).map(([type, pricePerHour]) => [
      type,
      { pricePerHour, source: "price-list" as const },
    ]),
  );
  const decision = decideAiRecommendation(job.data, policy.data, listed);
  io.stdout(json ? `${JSON.stringify(decision, null, 2)}\n` : llmDecisionText(decision));
  return EXIT.ok;
}

const maybe = (value: number | undefined, format: (value: number) => string) =>
  value === undefined ? "-" : format(value);

/** The table's header: the latencies at the policy's statistic, the standing by its objective. */
export function llmDecisionColumns(decision: LlmDecision): string[] {
  const stat = decision.latencyStat;
  return [
    "",
    "ENTRY",
    "$/MONTH",
    "$/1M TOKENS",
    `TTFT ${stat}`,
    `ITL ${stat}`,
    "TOKENS/S",
    `STANDING (by ${decision.objective})`,
  ];
}

/** One row per entry, cells under llmDecisionColumns: the feasible ones best first, then the rejected ones. */
export function llmDecisionRows(
  decision: LlmDecision,
): { entry: LlmEntry; standing: "selected" | "feasible" | "rejected"; cells: string[] }[] {
  const selected = decision.selected;
  return [
    ...decision.ranked.map((entry, rank) => ({
      entry,
      standing: entry.id === selected?.id ? ("selected" as const) : ("feasible" as const),
      text: entry.id === selected?.id ? "selected" : `#${rank + 1}`,
    })),
    ...decision.rejected.map((rejection) => ({
      entry: rejection.entry,
      standing: "rejected" as const,
      text: `rejected [${rejection.rule}] ${rejection.message}`,
    })),
  ].map(({ entry, standing, text }) => ({
    entry,
    standing,
    cells: [
      entry.id === selected?.id ? "*" : "",
      llmEntryLabel(entry),
      maybe(entry.monthlyCost, formatDollars),
      maybe(entry.costPerMillionTokens, (value) => `$${value}`),
      maybe(entry.metrics.ttftMs, formatMs),
      maybe(entry.metrics.interTokenLatencyMs, formatMs),
      maybe(entry.metrics.outputTokensPerSecond, formatCount),
      text,
    ],
  }));
}

/** Every entry, best first, then the rejected ones with their rule: the selected one marked `*`. */
export function llmDecisionTable(decision: LlmDecision, indent = ""): string[] {
  const rows = llmDecisionRows(decision).map((row) => row.cells);
  if (rows.length === 0) return [];
  return table(llmDecisionColumns(decision), rows, indent);
}

/** What a table leaves out when the decision was cut to fit a record or an event. */
export function llmOmittedNote(decision: LlmDecision): string[] {
  const ranked = decision.omitted?.ranked ?? 0;
  const rejected = decision.omitted?.rejected ?? 0;
  if (ranked + rejected === 0) return [];
  return [
    `(${formatCount(ranked)} feasible and ${formatCount(rejected)} rejected configurations not shown)`,
  ];
}

const PRICE_SOURCE_LABELS: Record<PriceSource, string> = {
  policy: "policy.prices",
  "price-list": "the AWS Price List",
  unknown: "no source",
};

/** Where a price came from, in words. */
export const priceSourceLabel = (source: PriceSource) => PRICE_SOURCE_LABELS[source];

/** Each instance type's price per instance-hour and where it came from. */
export function llmPriceLines(decision: LlmDecision): string[] {
  return (decision.prices ?? []).map((price) =>
    price.pricePerHour === undefined
      ? `price: ${price.instanceType} unknown (neither policy.prices nor the AWS Price List)`
      : `price: ${price.instanceType} $${price.pricePerHour}/h, from ${priceSourceLabel(price.source)}`,
  );
}

/** The decision in one sentence, then every entry, best first. */
export function llmDecisionText(decision: LlmDecision): string {
  const lines = [llmDecisionSentence(decision), ""];
  const rows = llmDecisionTable(decision);
  if (rows.length > 0) lines.push(...rows, ...llmOmittedNote(decision), "");
  for (const relaxation of decision.relaxations) lines.push(`relax: ${relaxation.sentence}`);
  lines.push(...llmPriceLines(decision));
  for (const note of decision.notes) lines.push(`note: ${note}`);
  for (const entry of [...decision.ranked, ...decision.rejected.map((item) => item.entry)]) {
    for (const note of entry.notes) lines.push(`note: ${entry.instanceType}: ${note}`);
  }
  if (decision.comparison) lines.push("production", ...llmComparisonLines(decision.comparison));
  return `${lines.join("\n").trimEnd()}\n`;
}

/** An LLM decision's comparison with production, line by line. */
export function llmComparisonLines(comparison: LlmComparison, indent = "  "): string[] {
  return [
    llmComparisonSentence(comparison),
    `current cost from ${comparison.current.costSource}`,
    `worth acting on: ${comparison.worthActing ? "yes" : "no"} (${comparison.reason})`,
  ].map((line) => `${indent}${line}`);
}
