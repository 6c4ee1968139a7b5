/**
 * Text formatting shared by the CLI commands: decision entries, the decision's table, the
 * comparison and the diagnosis. Numbers are written by the decision core's formatters, so the
 * terminal, the HTML report and the events say the same thing the same way.
 */

import {
  entryLabel,
  formatCount,
  formatDollars,
  formatMs,
  formatPercent,
} from "../src/decision/format.ts";
import {
  type CappedDecision,
  type CappedDiagnosis,
  type Comparison,
  comparisonSentence,
  type Decision,
  type DecisionEntry,
  type Diagnosis,
  decisionSentence,
  type Environment,
} from "../src/decision/index.ts";

/** What an entry deploys, with its environment when it sets one: `ml.c6i.xlarge x 3 [OMP_NUM_THREADS=2]`. */
export function entryText(entry: DecisionEntry): string {
  const environment = environmentText(entry.environment);
  return environment === "" ? entryLabel(entry) : `${entryLabel(entry)} [${environment}]`;
}

/** One line: the fleet and the figures the decision uses. */
export function entryLine(entry: DecisionEntry): string {
  const parts = [
    entry.monthlyCost === undefined ? undefined : `${formatDollars(entry.monthlyCost)}/month`,
    entry.latencyMs === undefined ? undefined : formatMs(entry.latencyMs),
    entry.maxInvocations === undefined
      ? undefined
      : `${formatCount(entry.maxInvocations)} requests/min ${entry.endpointType === "Serverless" ? "at most" : "each"}`,
    entry.costPerHour === undefined ? undefined : `${usd(entry.costPerHour)}/h`,
    entry.costPerInference === undefined
      ? undefined
      : `${usd(entry.costPerInference * 1e6)}/1M inferences`,
  ].filter((part): part is string => part !== undefined);
  return `${entryText(entry)}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

/** The decision in a few lines: the sentence, the selected entry, and the comparison. */
export function decisionSummary(decision: Decision, comparison?: Comparison): string[] {
  return [
    `decision   ${decisionSentence(decision)}`,
    ...(decision.selected ? [`selected   ${entryLine(decision.selected)}`] : []),
    ...(comparison ? [`production ${comparisonSentence(comparison)}`] : []),
  ];
}

/** Where an entry stands: selected, on the frontier, feasible, or rejected with the reason. */
function standing(
  entry: DecisionEntry,
  decision: Decision,
  frontier: ReadonlySet<string>,
  rank: number | undefined,
  rejection: { rule: string; message: string } | undefined,
): string {
  if (rejection) return `rejected [${rejection.rule}] ${rejection.message}`;
  const marks = [
    decision.selected?.recommendationId === entry.recommendationId
      ? "selected"
      : `#${(rank ?? 0) + 1}`,
    ...(frontier.has(entry.recommendationId) ? ["frontier"] : []),
  ];
  return marks.join(", ");
}

/** One row per entry: the feasible ones best first, then the rejected ones. */
export function decisionRows(decision: Decision): { entry: DecisionEntry; cells: string[] }[] {
  const frontier = new Set(decision.frontier.map((point) => point.recommendationId));
  const feasible = decision.ranked.map((entry, rank) => ({
    entry,
    status: standing(entry, decision, frontier, rank, undefined),
  }));
  const rejected = decision.rejected.map((rejection) => ({
    entry: rejection.entry,
    status: standing(rejection.entry, decision, frontier, undefined, rejection),
  }));
  return [...feasible, ...rejected].map(({ entry, status }) => ({
    entry,
    cells: [
      decision.selected?.recommendationId === entry.recommendationId ? "*" : "",
      entryText({ ...entry, instanceCount: undefined }),
      entry.endpointType === "Serverless"
        ? "serverless"
        : optional(entry.instanceCount, formatCount),
      optional(entry.monthlyCost, formatDollars),
      optional(entry.latencyMs, formatMs),
      optional(entry.maxInvocations, formatCount),
      optional(entry.costPerHour, usd),
      status,
    ],
  }));
}

export const DECISION_COLUMNS = [
  "",
  "ENTRY",
  "INSTANCES",
  "$/MONTH",
  "LATENCY",
  "MAX REQ/MIN",
  "$/HOUR",
  "STANDING",
];

/** The table of every entry, selected marked with `*`. */
export function decisionTable(decision: Decision, indent = ""): string[] {
  const rows = decisionRows(decision).map((row) => row.cells);
  return table(DECISION_COLUMNS, rows, indent);
}

/** What a table leaves out when the decision was cut to fit a record or an event. */
export function omittedNote(decision: Decision | CappedDecision): string[] {
  if (!("omitted" in decision)) return [];
  const { ranked, rejected } = decision.omitted;
  if (ranked + rejected === 0) return [];
  return [
    `(${formatCount(ranked)} feasible and ${formatCount(rejected)} rejected entries not shown; ${formatCount(decision.totals.entries)} in all)`,
  ];
}

/** The comparison with production, line by line. */
export function comparisonLines(comparison: Comparison, indent = "  "): string[] {
  const current = comparison.current;
  const lines = [comparisonSentence(comparison)];
  lines.push(`current cost from ${current.costSource}, latency from ${current.latencySource}`);
  lines.push(`meets the policy at the load: ${current.meetsPolicy}`);
  for (const failure of current.failures)
    lines.push(`  fails ${failure.check}: ${failure.message}`);
  for (const unknown of current.unknowns)
    lines.push(`  unknown ${unknown.check}: ${unknown.message}`);
  if (comparison.saving) {
    lines.push(
      `saving ${formatDollars(comparison.saving.monthly)}/month (${formatPercent(comparison.saving.percent / 100)})`,
    );
  }
  lines.push(`worth acting on: ${comparison.worthActing ? "yes" : "no"} (${comparison.reason})`);
  return lines.map((line) => `${indent}${line}`);
}

/** A failed job's diagnosis, line by line. */
export function diagnosisLines(diagnosis: Diagnosis | CappedDiagnosis, indent = "  "): string[] {
  const lines = [`category ${diagnosis.category}: ${diagnosis.hint}`];
  for (const benchmark of diagnosis.failedBenchmarks) {
    const target =
      benchmark.instanceType ??
      (benchmark.serverless?.memorySizeInMB !== undefined
        ? `serverless ${benchmark.serverless.memorySizeInMB} MB`
        : "an endpoint");
    lines.push(`failed benchmark on ${target} [${benchmark.category}]: ${benchmark.reason}`);
  }
  lines.push(`logs ${diagnosis.logs.logGroup}: ${diagnosis.logs.streams.join(", ")}`);
  if (diagnosis.consoleUrl) lines.push(`console ${diagnosis.consoleUrl}`);
  return lines.map((line) => `${indent}${line}`);
}

export function environmentText(environment: Environment | undefined): string {
  return (environment ?? []).map(({ key, value }) => `${key}=${value}`).join(" ");
}

/** Left-aligned columns, separated by two spaces. */
export function table(header: string[], rows: string[][], indent = ""): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `${indent}${cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}

/** Dollars with enough digits to tell small per-hour and per-inference costs apart. */
export function usd(value: number): string {
  if (value === 0) return "$0";
  if (value >= 0.01)
    return `$${value
      .toFixed(value >= 100 ? 2 : 4)
      .replace(/0+$/, "")
      .replace(/\.$/, "")}`;
  return `$${value.toPrecision(3)}`;
}

function optional(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? "-" : format(value);
}
