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
  formatPrice,
} from "../src/decision/format.ts";
import {
  type AutoscalingProposal,
  type AwsScaling,
  autoscalingProposal,
  awsScalingLine,
  type CappedDecision,
  type CappedDiagnosis,
  type Comparison,
  comparisonSentence,
  type Decision,
  type DecisionEntry,
  type DecisionIssue,
  type Diagnosis,
  decisionSentence,
  type Environment,
  type Objective,
} from "../src/decision/index.ts";
import { inertLine } from "../src/text/inert.ts";
import type { JobRecord } from "../src/workflow/record.ts";

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
    entry.costPerHour === undefined ? undefined : `${formatPrice(entry.costPerHour)}/h`,
    entry.costPerInference === undefined
      ? undefined
      : `${formatPrice(entry.costPerInference * 1e6)}/1M inferences`,
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

/** The selected entry's autoscaling proposal, when the policy has a traffic profile. */
export function proposalOf(
  decision: Pick<Decision | CappedDecision, "selected" | "policy">,
): AutoscalingProposal | undefined {
  return decision.selected && autoscalingProposal(decision.selected, decision.policy);
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

interface FigureColumn {
  title: string;
  /** The objective that ranks by this column's figure. */
  objective?: Objective;
  /** Shown only when the decision ranks by it, so the usual table stays narrow. */
  onlyWhenRanked?: boolean;
  cell: (entry: DecisionEntry) => string;
}

const FIGURE_COLUMNS: FigureColumn[] = [
  {
    title: "INSTANCES",
    cell: (entry) =>
      entry.endpointType === "Serverless"
        ? "serverless"
        : optional(entry.instanceCount, formatCount),
  },
  {
    title: "$/MONTH",
    objective: "monthly-cost",
    cell: (entry) => optional(entry.monthlyCost, formatDollars),
  },
  { title: "LATENCY", objective: "latency", cell: (entry) => optional(entry.latencyMs, formatMs) },
  {
    title: "MAX REQ/MIN",
    objective: "throughput",
    cell: (entry) => optional(entry.maxInvocations, formatCount),
  },
  {
    title: "$/HOUR",
    objective: "cost-per-hour",
    cell: (entry) => optional(entry.costPerHour, formatPrice),
  },
  {
    title: "$/1M INFERENCES",
    objective: "cost-per-inference",
    onlyWhenRanked: true,
    cell: (entry) => optional(entry.costPerInference, (value) => formatPrice(value * 1e6)),
  },
];

function figureColumns(objective: Objective): FigureColumn[] {
  return FIGURE_COLUMNS.filter(
    (column) => !column.onlyWhenRanked || column.objective === objective,
  );
}

/**
 * The table's header: the column the objective ranks by is always shown and names the
 * objective, "$/1M INFERENCES (cost-per-inference)", so the order of the rows can be read.
 */
export function decisionColumns(decision: Decision): string[] {
  const objective = decision.policy.objective;
  return [
    "",
    "ENTRY",
    ...figureColumns(objective).map((column) =>
      column.objective === objective ? `${column.title} (${objective})` : column.title,
    ),
    "STANDING",
  ];
}

/** One row per entry, cells under decisionColumns: the feasible ones best first, then the rejected ones. */
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
  const columns = figureColumns(decision.policy.objective);
  return [...feasible, ...rejected].map(({ entry, status }) => ({
    entry,
    cells: [
      decision.selected?.recommendationId === entry.recommendationId ? "*" : "",
      entryText({ ...entry, instanceCount: undefined }),
      ...columns.map((column) => column.cell(entry)),
      status,
    ],
  }));
}

/** The table of every entry, selected marked with `*`. */
export function decisionTable(decision: Decision, indent = ""): string[] {
  const rows = decisionRows(decision).map((row) => row.cells);
  return table(decisionColumns(decision), rows, indent);
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
  const proposed = comparison.proposed;
  if (proposed?.autoscaling && proposed.monthlyCost !== undefined) {
    const fixed =
      proposed.fixedMonthlyCost === undefined
        ? ""
        : `; held at ${formatCount(proposed.autoscaling.maxCapacity)} instances it would cost ${formatDollars(proposed.fixedMonthlyCost)}/month`;
    lines.push(
      `proposal cost autoscaled on the traffic profile: ${formatDollars(proposed.monthlyCost)}/month${fixed}`,
    );
  }
  if (comparison.saving) {
    lines.push(
      `saving ${formatDollars(comparison.saving.monthly)}/month (${formatPercent(comparison.saving.percent / 100)})`,
    );
  }
  lines.push(`worth acting on: ${comparison.worthActing ? "yes" : "no"} (${comparison.reason})`);
  return lines.map((line) => `${indent}${line}`);
}

/**
 * AWS's scaling recommendation beside irflow's proposal: its configuration, then each difference,
 * how and why, or that the two agree.
 */
export function awsScalingLines(scaling: AwsScaling, indent = "  "): string[] {
  const lines = [`AWS recommends ${awsScalingLine(scaling)}`];
  if (scaling.differences.length === 0) lines.push("agrees with irflow's proposal");
  for (const difference of scaling.differences) {
    lines.push(`differs: ${difference.how}`, `  why: ${difference.why}`);
  }
  return lines.map((line) => `${indent}${inertLine(line)}`);
}

/** The recorded AWS recommendation when it is for the entry this decision selects. */
export function awsScalingFor(
  scaling: AwsScaling | undefined,
  selected: DecisionEntry | undefined,
): AwsScaling | undefined {
  return scaling && selected?.recommendationId === scaling.request.recommendationId
    ? scaling
    : undefined;
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
    lines.push(
      `failed benchmark on ${target} [${benchmark.category}]: ${inertLine(benchmark.reason)}`,
    );
  }
  lines.push(`logs ${diagnosis.logs.logGroup}: ${diagnosis.logs.streams.join(", ")}`);
  if (diagnosis.consoleUrl) lines.push(`console ${diagnosis.consoleUrl}`);
  return lines.map((line) => `${indent}${line}`);
}

export function environmentText(environment: Environment | undefined): string {
  return (environment ?? []).map(({ key, value }) => `${key}=${value}`).join(" ");
}

/** Left-aligned columns, separated by two spaces. */
export function table(header: string[], rawRows: string[][], indent = ""): string[] {
  // A cell is one line: a newline or a control inside it is shown escaped, and widths count that.
  const rows = rawRows.map((row) => row.map(inertLine));
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

function optional(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? "-" : format(value);
}

/** A span of seconds as a person reads it: "45 s", "12 min 5 s", "2 h 3 min". */
export function spanText(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** The record's times, each saying what it measures; every span is between two of its stamps. */
export function timeRows(record: JobRecord): [string, string][] {
  const span = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
  const rows: [string, string][] = [];
  const end = record.completedAt;
  rows.push([
    "created",
    end
      ? `${record.createdAt} (finished ${spanText(span(record.createdAt, end))} later)`
      : `${record.createdAt} (last change ${spanText(span(record.createdAt, record.updatedAt))} later)`,
  ]);
  if (record.queuedAt) {
    rows.push([
      "queue",
      record.admittedAt
        ? `waited ${spanText(span(record.queuedAt, record.admittedAt))} for a slot`
        : end
          ? `waited ${spanText(span(record.queuedAt, end))} and got no slot`
          : `waiting for a slot since ${record.queuedAt}`,
    ]);
  }
  if (record.jobStartedAt) {
    const jobEnd = record.jobCompletedAt ?? end;
    const ran = spanText(span(record.jobStartedAt, jobEnd ?? record.updatedAt));
    rows.push([
      "job time",
      `${jobEnd ? "ran" : "running for"} ${ran} of a ${spanText(record.deadlineSeconds)} deadline${jobEnd ? "" : ` (as of ${record.updatedAt})`}`,
    ]);
  }
  rows.push(["polls", String(record.pollCount)]);
  const cost = record.tuningCost;
  if (cost) {
    const left = cost.unpriced > 0 ? `, ${cost.unpriced} without a price or window left out` : "";
    rows.push([
      "job cost",
      `about ${formatDollars(cost.dollars)} for ${cost.benchmarks} benchmark${cost.benchmarks === 1 ? "" : "s"}${left}`,
    ]);
  }
  return rows;
}

/** Issues with the input they are in named first: `(policy).headroom`, `(response).Status`. */
export function rooted(issues: readonly DecisionIssue[], root: string): DecisionIssue[] {
  return issues.map((issue) =>
    issue.path.startsWith("(") ? issue : { ...issue, path: `${root}.${issue.path}` },
  );
}

/** Every problem, one line each: `  error InferenceRecommendations[2].Metrics [type]: ...`. */
export function issueLines(issues: readonly DecisionIssue[]): string {
  return issues
    .map((issue) => `  error ${issue.path} [${issue.rule}]: ${issue.message}\n`)
    .join("");
}

/** The decision as JSON: everything the decision holds, its sentence and the comparison. */
