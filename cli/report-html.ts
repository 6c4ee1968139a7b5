/**
 * The decision as one self-contained HTML page: the sentence, a chart of monthly cost against
 * latency (for a job that did not complete, its diagnosis instead), with a traffic profile the
 * autoscaling proposal, the table of every entry, the comparison with production and the policy.
 * The charts are drawn on the server by Apache ECharts into SVG, inlined in the page; the page
 * loads nothing (no script, no font, no image), and its Content-Security-Policy forbids it to.
 */

import {
  entryLabel,
  formatCount,
  formatDollars,
  formatMs,
  formatPercent,
} from "../src/decision/format.ts";
import {
  type CappedDiagnosis,
  type Comparison,
  comparisonSentence,
  type Decision,
  type DecisionEntry,
  type Diagnosis,
  decisionSentence,
} from "../src/decision/index.ts";
import { escapeHtml, renderSvgChart } from "./chart.ts";
import { comparisonLines, decisionColumns, decisionRows, entryText, proposalOf } from "./format.ts";
import { autoscalingHtml } from "./report-html-autoscaling.ts";

export interface ReportInput {
  decision: Decision;
  comparison?: Comparison | undefined;
  /** Where the figures came from: a job name or a file. */
  source: string;
  /** When the page was written, shown in its footer. */
  generatedAt: Date;
  /** Why a job that did not complete failed: shown in place of the chart. */
  diagnosis?: Diagnosis | CappedDiagnosis | undefined;
  /** The workflow's recorded outcome, which names a time-out the results alone call failed. */
  outcome?: string | undefined;
}

export const CHART_COLORS = {
  feasible: "#4e79a7",
  rejected: "#b8b8b8",
  frontier: "#59a14f",
  selected: "#e15759",
  production: "#f28e2b",
  slo: "#e15759",
} as const;

/** One plotted point: where it goes, what it is called, and its tooltip. */
interface Plotted {
  latencyMs: number;
  monthlyCost: number;
  name: string;
  title: string;
  /** Whether the point carries a label on the chart; the others have only their tooltip. */
  labelled: boolean;
}

function plotted(
  entry: DecisionEntry,
  standing: string,
  labelled: boolean,
  name = entryLabel(entry),
): Plotted | undefined {
  if (entry.latencyMs === undefined || entry.monthlyCost === undefined) return undefined;
  return {
    latencyMs: entry.latencyMs,
    monthlyCost: entry.monthlyCost,
    name,
    title: pointTitle(
      entryLabel(entry),
      standing,
      entry.instanceCount,
      entry.monthlyCost,
      entry.latencyMs,
    ),
    labelled,
  };
}

function pointTitle(
  name: string,
  standing: string,
  instanceCount: number | undefined,
  monthlyCost: number,
  latencyMs: number,
): string {
  const instances =
    instanceCount === undefined
      ? ""
      : `, ${instanceCount} ${instanceCount === 1 ? "instance" : "instances"}`;
  return `${name} (${standing})${instances}: ${formatDollars(monthlyCost)}/month, ${formatMs(latencyMs)}`;
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

/** Every point of the chart by series, the frontier line apart. */
export function chartPoints(decision: Decision, comparison?: Comparison) {
  const selectedId = decision.selected?.recommendationId;
  const onFrontier = new Set(decision.frontier.map((item) => item.recommendationId));
  const feasible = decision.ranked
    .filter((entry) => entry.recommendationId !== selectedId)
    .map((entry) =>
      plotted(
        entry,
        onFrontier.has(entry.recommendationId) ? "feasible, frontier" : "feasible",
        onFrontier.has(entry.recommendationId),
      ),
    )
    .filter(defined);
  const rejected = decision.rejected
    .map((item) => plotted(item.entry, `rejected: ${item.message}`, false))
    .filter(defined);
  const selected = decision.selected
    ? plotted(
        decision.selected,
        onFrontier.has(decision.selected.recommendationId) ? "selected, frontier" : "selected",
        true,
        `selected: ${entryLabel(decision.selected)}`,
      )
    : undefined;
  const current = comparison?.current;
  const productionName = `production: ${current?.instanceType ? `${current.instanceType} x ${current.instanceCount ?? 1}` : (current?.endpointName ?? "current")}`;
  const production: Plotted | undefined =
    current?.latencyMs !== undefined && current.monthlyCost !== undefined
      ? {
          latencyMs: current.latencyMs,
          monthlyCost: current.monthlyCost,
          name: productionName,
          title: pointTitle(
            productionName,
            "in production",
            current.instanceCount,
            current.monthlyCost,
            current.latencyMs,
          ),
          labelled: true,
        }
      : undefined;
  return { feasible, rejected, selected, production };
}

/**
 * An axis from zero whose ticks are round: a step of 1, 2, 2.5 or 5 times a power of ten, about
 * five of them, and the end on a tick, so no label reads like 29.075200000000002.
 */
export function roundAxis(largest: number, ticks = 5): { max: number; interval: number } {
  if (!(largest > 0)) return { max: 1, interval: 0.2 };
  const raw = largest / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  const interval = Number(step.toPrecision(12));
  return {
    max: Number((Math.ceil(largest / interval - 1e-9) * interval).toPrecision(12)),
    interval,
  };
}

/** A tick value as written: floating-point noise rounded away. */
const tickText = (value: number) => String(Number(value.toPrecision(12)));

/** The chart's ECharts option: every entry, the SLO, the frontier, selected and production. */
export function chartOption(decision: Decision, comparison?: Comparison): Record<string, unknown> {
  const { feasible, rejected, selected, production } = chartPoints(decision, comparison);
  const frontier = decision.frontier
    .map((item) => [item.latencyMs, item.monthlyCost])
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  const all = [
    ...feasible,
    ...rejected,
    ...(selected ? [selected] : []),
    ...(production ? [production] : []),
  ];
  const costs = all.map((item) => item.monthlyCost).filter((cost) => cost > 0);
  const logScale = costs.length > 1 && Math.max(...costs) / Math.min(...costs) > 20;
  const maxLatency = decision.policy.maxLatencyMs;
  const xAxis = roundAxis(
    Math.max(0, ...all.map((item) => item.latencyMs), maxLatency ?? 0) * 1.05,
  );
  const yAxis = logScale
    ? undefined
    : roundAxis(Math.max(0, ...all.map((item) => item.monthlyCost)) * 1.05);
  const data = (points: Plotted[]) =>
    points.map((item) => ({
      value: [item.latencyMs, item.monthlyCost],
      name: item.name,
      label: { show: item.labelled },
    }));
  const label = (color: string) => ({
    show: false,
    position: "right" as const,
    formatter: (params: { name: string }) => params.name,
    fontSize: 11,
    color,
  });
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
    legend: { top: 8, itemGap: 18 },
    grid: { left: 80, right: 200, top: 56, bottom: 64 },
    xAxis: {
      type: "value",
      name: "latency (ms)",
      nameLocation: "middle",
      nameGap: 36,
      min: 0,
      max: xAxis.max,
      interval: xAxis.interval,
      axisLabel: { formatter: tickText },
    },
    yAxis: {
      type: logScale ? "log" : "value",
      name: "monthly cost (US $)",
      nameLocation: "middle",
      nameGap: 56,
      ...(yAxis ? { min: 0, max: yAxis.max, interval: yAxis.interval } : {}),
      axisLabel: { formatter: (value: number) => formatDollars(Number(value.toPrecision(12))) },
    },
    series: [
      {
        name: "rejected",
        type: "scatter",
        data: data(rejected),
        symbolSize: 10,
        itemStyle: { color: CHART_COLORS.rejected },
        label: label("#8a8a8a"),
      },
      {
        name: "feasible",
        type: "scatter",
        data: data(feasible),
        symbolSize: 11,
        itemStyle: { color: CHART_COLORS.feasible },
        label: label("#3a5a80"),
        // Frontier points close together would print over each other: a label that would overlap
        // one already placed (the selected and production ones first) is left out.
        labelLayout: { hideOverlap: true },
        ...(maxLatency !== undefined
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                lineStyle: { color: CHART_COLORS.slo, type: "dashed", width: 1.5 },
                label: { formatter: `SLO ${formatMs(maxLatency)}`, color: CHART_COLORS.slo },
                data: [{ xAxis: maxLatency }],
              },
            }
          : {}),
      },
      {
        name: "frontier",
        type: "line",
        data: frontier,
        symbol: "none",
        lineStyle: { color: CHART_COLORS.frontier, width: 2, type: "dashed" },
        itemStyle: { color: CHART_COLORS.frontier },
        z: 1,
      },
      ...(production
        ? [
            {
              name: "production",
              type: "scatter",
              symbol: "diamond",
              data: data([production]),
              symbolSize: 16,
              itemStyle: { color: CHART_COLORS.production, borderColor: "#7a4300", borderWidth: 1 },
              label: { ...label("#7a4300"), fontWeight: "bold" },
              labelLayout: { hideOverlap: true },
              z: 5,
            },
          ]
        : []),
      ...(selected
        ? [
            {
              name: "selected",
              type: "scatter",
              data: data([selected]),
              symbolSize: 20,
              itemStyle: { color: CHART_COLORS.selected, borderColor: "#5c0f12", borderWidth: 2 },
              label: { ...label("#5c0f12"), fontWeight: "bold", fontSize: 12 },
              labelLayout: { hideOverlap: true },
              z: 10,
            },
          ]
        : []),
    ],
  };
}

/**
 * The chart as SVG text, each point with its native tooltip, drawn bottom to top as the series
 * are, so the topmost point's title is the one shown.
 */
export async function renderChart(decision: Decision, comparison?: Comparison): Promise<string> {
  const { feasible, rejected, selected, production } = chartPoints(decision, comparison);
  const titled = [
    ...rejected,
    ...feasible,
    ...(production ? [production] : []),
    ...(selected ? [selected] : []),
  ].map((item) => ({
    value: [item.latencyMs, item.monthlyCost] as [number, number],
    title: item.title,
  }));
  return renderSvgChart(chartOption(decision, comparison), titled);
}

function tableHtml(decision: Decision): string {
  const frontier = new Set(decision.frontier.map((item) => item.recommendationId));
  const rejected = new Set(decision.rejected.map((item) => item.recommendationId));
  const head = decisionColumns(decision)
    .map((title) => `<th scope="col">${escapeHtml(title)}</th>`)
    .join("");
  const rows = decisionRows(decision).map(({ entry, cells }) => {
    const classes = [
      entry.recommendationId === decision.selected?.recommendationId ? "selected" : "",
      frontier.has(entry.recommendationId) ? "frontier" : "",
      rejected.has(entry.recommendationId) ? "rejected" : "feasible",
    ].filter((name) => name !== "");
    const body = cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("");
    return `<tr class="${classes.join(" ")}" data-recommendation-id="${escapeHtml(entry.recommendationId)}" title="${escapeHtml(entry.recommendationId)}">${body}</tr>`;
  });
  return `<table id="entries-table"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function policyHtml(decision: Decision): string {
  const policy = decision.policy;
  const rows: [string, string | undefined][] = [
    ["objective", `${policy.objective} (${policy.objectiveSource})`],
    [
      "maxLatencyMs",
      policy.maxLatencyMs === undefined
        ? undefined
        : `${formatMs(policy.maxLatencyMs)}${policy.maxLatencySource === "job-threshold" ? ` (the job's ${policy.latencyPercentile ?? ""} threshold)` : ""}`,
    ],
    [
      "requestsPerMinute",
      policy.requestsPerMinute === undefined ? undefined : formatCount(policy.requestsPerMinute),
    ],
    ["headroom", formatPercent(policy.headroom)],
    ["minInstances / maxInstances", `${policy.minInstances} / ${policy.maxInstances ?? "none"}`],
    [
      "maxMonthlyCost",
      policy.maxMonthlyCost === undefined ? undefined : formatDollars(policy.maxMonthlyCost),
    ],
    [
      "maxCostPerHour",
      policy.maxCostPerHour === undefined ? undefined : formatDollars(policy.maxCostPerHour),
    ],
    ["instanceFamilies", policy.instanceFamilies?.join(", ")],
    ["excludeInstanceFamilies", policy.excludeInstanceFamilies?.join(", ")],
    ["endpointTypes", policy.endpointTypes?.join(", ")],
    [
      "maxColdStartMs",
      policy.maxColdStartMs === undefined ? undefined : formatMs(policy.maxColdStartMs),
    ],
    ["latency unit", `${decision.latencyUnit.unit}: ${decision.latencyUnit.reason}`],
  ];
  const items = rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "")
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("");
  return `<dl class="policy">${items}</dl><details><summary>The policy as resolved (JSON)</summary><pre>${escapeHtml(JSON.stringify(policy, null, 2))}</pre></details>`;
}

/** Why the job failed: the category and its hint, each failed benchmark, the logs to read. */
function diagnosisHtml(
  decision: Decision,
  diagnosis: Diagnosis | CappedDiagnosis | undefined,
): string {
  if (!diagnosis) {
    const reason = decision.job.failureReason;
    return `<section id="diagnosis"><h2>Why the job ended ${escapeHtml(decision.job.status)}</h2><p>${reason ? escapeHtml(reason) : "SageMaker gave no reason."} No diagnosis was recorded for this job.</p></section>`;
  }
  const benchmarks = failedBenchmarkRows(diagnosis);
  const streams = diagnosis.logs.streams
    .map((stream) => `<li><code>${escapeHtml(stream)}</code></li>`)
    .join("");
  // Only an https address becomes a link: any other scheme is shown as text.
  const consoleLink = diagnosis.consoleUrl
    ? diagnosis.consoleUrl.startsWith("https://")
      ? `<p>Console: <a id="console-link" href="${escapeHtml(diagnosis.consoleUrl)}">${escapeHtml(diagnosis.consoleUrl)}</a></p>`
      : `<p>Console: ${escapeHtml(diagnosis.consoleUrl)}</p>`
    : "";
  return `<section id="diagnosis">
<h2>Why the job ended ${escapeHtml(diagnosis.status)}</h2>
<p class="diagnosis"><strong id="diagnosis-category">${escapeHtml(diagnosis.category)}</strong>: <span id="diagnosis-hint">${escapeHtml(diagnosis.hint)}</span></p>
${diagnosis.failureReason ? `<p>SageMaker: ${escapeHtml(diagnosis.failureReason)}</p>` : ""}
${benchmarks ? failedBenchmarksTable(benchmarks) : "<p>No benchmark reported a failure.</p>"}
<p>Log group <code>${escapeHtml(diagnosis.logs.logGroup)}</code>${streams ? ", streams:" : ""}</p>
${streams ? `<ul id="log-streams">${streams}</ul>` : ""}
${consoleLink}
</section>`;
}

function failedBenchmarkRows(diagnosis: Diagnosis | CappedDiagnosis): string {
  const target = (benchmark: Diagnosis["failedBenchmarks"][number]) =>
    benchmark.instanceType ??
    (benchmark.serverless?.memorySizeInMB !== undefined
      ? `serverless ${benchmark.serverless.memorySizeInMB} MB`
      : (benchmark.endpointName ?? "an endpoint"));
  return diagnosis.failedBenchmarks
    .map(
      (benchmark) =>
        `<tr><td>${escapeHtml(target(benchmark))}</td><td>${escapeHtml(benchmark.category)}</td><td>${escapeHtml(benchmark.reason)}</td></tr>`,
    )
    .join("");
}

const failedBenchmarksTable = (rows: string) =>
  `<table id="failed-benchmarks"><thead><tr><th scope="col">benchmark on</th><th scope="col">category</th><th scope="col">reason</th></tr></thead><tbody>${rows}</tbody></table>`;

/** A completed job's benchmarks that failed: they have no entry in the chart or the table. */
function failedBenchmarksHtml(diagnosis: Diagnosis | CappedDiagnosis | undefined): string {
  const rows = diagnosis ? failedBenchmarkRows(diagnosis) : "";
  if (!rows || !diagnosis) return "";
  return `<section id="failed">
<h2>Benchmarks that failed</h2>
<p class="diagnosis"><strong>${escapeHtml(diagnosis.category)}</strong>: ${escapeHtml(diagnosis.hint)}</p>
${failedBenchmarksTable(rows)}
</section>`;
}

/** When no entry meets the policy: the smallest changes to it that would admit one. */
function relaxationsHtml(decision: Decision): string {
  if (decision.relaxations.length === 0) return "";
  const items = decision.relaxations
    .map(
      (item) =>
        `<li>${escapeHtml(item.sentence)} <span class="admits">(admits ${escapeHtml(entryText(item.admits))})</span></li>`,
    )
    .join("");
  return `<section id="relaxations"><h2>What would admit an entry</h2><ul>${items}</ul></section>`;
}

export const STYLE = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1d2330; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; }
.kicker { margin: 0; color: #5b6475; font-size: 13px; letter-spacing: .02em; }
h1 { margin: 6px 0 10px; font-size: 24px; line-height: 1.3; }
h2 { margin: 32px 0 10px; font-size: 17px; }
.comparison { margin: 0; padding: 10px 14px; border-left: 4px solid ${CHART_COLORS.production}; background: #fff7ef; }
.comparison.worth { border-color: ${CHART_COLORS.frontier}; background: #f1f8ef; }
figure { margin: 0; padding: 12px; background: #fff; border: 1px solid #e1e4ea; border-radius: 6px; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #5b6475; font-size: 13px; margin-top: 6px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #e1e4ea; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; white-space: nowrap; }
td:nth-child(n+3):nth-last-child(n+2) { font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.selected td { background: #fdecec; font-weight: 600; }
tr.frontier td:nth-child(2)::after { content: " ◆"; color: ${CHART_COLORS.frontier}; }
tr.rejected td { color: #8a8f99; }
dl.policy { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dt { color: #5b6475; }
dd { margin: 0; }
pre { background: #fff; border: 1px solid #e1e4ea; padding: 10px; overflow-x: auto; font-size: 12.5px; }
ul { margin: 6px 0; padding-left: 20px; }
.diagnosis { margin: 0 0 10px; padding: 10px 14px; border-left: 4px solid ${CHART_COLORS.selected}; background: #fdecec; }
#relaxations li { margin: 4px 0; }
.admits { color: #5b6475; }
footer { margin-top: 36px; color: #7a8190; font-size: 12.5px; }
`;

/** The whole page. */
/**
 * What the page says, as data: the page's header is written from it, and the page carries it as
 * JSON (`<script type="application/json" id="page-data">`) for a reader to compare with the
 * record, the event and `report --json`.
 */
export function pageData(input: ReportInput) {
  const { decision, comparison, diagnosis } = input;
  const selected = decision.selected;
  return {
    jobName: decision.job.jobName,
    jobType: decision.job.jobType,
    status: decision.job.status,
    outcome: input.outcome ?? decision.outcome,
    sentence: decisionSentence(decision),
    selected: selected
      ? {
          instanceType: selected.instanceType,
          instanceCount: selected.instanceCount,
          endpointType: selected.endpointType,
          monthlyCost: selected.monthlyCost,
          latencyMs: selected.latencyMs,
        }
      : undefined,
    policy: decision.policy,
    comparison: comparison
      ? { sentence: comparisonSentence(comparison), worthActing: comparison.worthActing }
      : undefined,
    autoscaling: proposalOf(decision),
    relaxations: decision.relaxations.map((relaxation) => relaxation.sentence),
    diagnosis: diagnosis
      ? { category: diagnosis.category, failedBenchmarks: diagnosis.failedBenchmarks.length }
      : undefined,
  };
}

/** JSON inside a script element: `<` escaped, so no text in it can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export async function reportHtml(input: ReportInput): Promise<string> {
  const { decision, comparison } = input;
  const data = pageData(input);
  const sentence = data.sentence;
  const svg = decision.outcome === "failed" ? "" : await renderChart(decision, comparison);
  const autoscaling = data.autoscaling ? await autoscalingHtml(data.autoscaling) : "";
  const points = chartPoints(decision, comparison);
  const unplotted =
    decision.totals.entries -
    points.feasible.length -
    points.rejected.length -
    (points.selected ? 1 : 0);
  const comparisonBlock = comparison
    ? `<p class="comparison${comparison.worthActing ? " worth" : ""}" id="comparison-sentence">${escapeHtml(comparisonSentence(comparison))}</p>`
    : "";
  const lists = decision.notes.map((note) => `note: ${note}`);
  const job = decision.job;
  // A job that did not complete has nothing to chart: its diagnosis takes the chart's place.
  const failed = decision.outcome === "failed";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>irflow report: ${escapeHtml(job.jobName)}</title>
<style>${STYLE}</style>
<script type="application/json" id="page-data">${scriptJson(data)}</script>
</head>
<body>
<main>
<header>
<p class="kicker">irflow decision · job ${escapeHtml(data.jobName)} · ${escapeHtml(data.jobType)} · ${escapeHtml(data.status)} · ${escapeHtml(data.outcome)}</p>
<h1 id="sentence">${escapeHtml(sentence)}</h1>
${comparisonBlock}
</header>
${failed ? diagnosisHtml(decision, input.diagnosis) : failedBenchmarksHtml(input.diagnosis)}
${relaxationsHtml(decision)}
${
  failed
    ? ""
    : `<section id="chart">
<h2>Monthly cost against latency</h2>
<figure>
${svg}
<figcaption>Each point is one benchmarked configuration, sized for the load: the selected one in red, feasible ones in blue, rejected ones in grey, the cost-latency frontier dashed in green${decision.policy.maxLatencyMs !== undefined ? ", the latency bound as a dashed red line" : ""}${comparison?.current.monthlyCost !== undefined && comparison.current.latencyMs !== undefined ? ", production as an orange diamond" : ""}.${unplotted > 0 ? ` ${unplotted} ${unplotted === 1 ? "entry lacks" : "entries lack"} a cost or a latency and ${unplotted === 1 ? "is" : "are"} not plotted.` : ""} Hover a point for its entry, instance count, cost and latency.</figcaption>
</figure>
</section>`
}
${autoscaling}
<section id="entries">
<h2>Every entry (${decision.totals.entries}: ${decision.totals.feasible} feasible, ${decision.totals.rejected} rejected)</h2>
${decision.totals.entries > 0 ? tableHtml(decision) : "<p>The job made no recommendations.</p>"}
${lists.length > 0 ? `<ul>${lists.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>` : ""}
</section>
${comparison ? `<section id="production"><h2>Production</h2><pre>${escapeHtml(comparisonLines(comparison, "").join("\n"))}</pre></section>` : ""}
<section id="policy">
<h2>Policy</h2>
${policyHtml(decision)}
</section>
<footer>Figures from ${escapeHtml(input.source)}${decision.selected ? `; selected ${escapeHtml(entryText(decision.selected))}` : ""}. Written by irflow on ${escapeHtml(input.generatedAt.toISOString())}.</footer>
</main>
</body>
</html>
`;
}
