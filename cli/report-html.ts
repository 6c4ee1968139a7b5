/**
 * The decision as one self-contained HTML page: the sentence, a chart of monthly cost against
 * latency, the table of every entry, the comparison with production and the policy. The chart is
 * drawn on the server by Apache ECharts into SVG, inlined in the page; the page loads nothing (no
 * script, no font, no image), and its Content-Security-Policy forbids it to.
 */

import {
  entryLabel,
  formatCount,
  formatDollars,
  formatMs,
  formatPercent,
} from "../src/decision/format.ts";
import {
  type Comparison,
  comparisonSentence,
  type Decision,
  type DecisionEntry,
  decisionSentence,
} from "../src/decision/index.ts";
import { comparisonLines, decisionColumns, decisionRows, entryText } from "./format.ts";

export interface ReportInput {
  decision: Decision;
  comparison?: Comparison | undefined;
  /** Where the figures came from: a job name or a file. */
  source: string;
  /** When the page was written, shown in its footer. */
  generatedAt: Date;
}

const COLORS = {
  feasible: "#4e79a7",
  rejected: "#b8b8b8",
  frontier: "#59a14f",
  selected: "#e15759",
  production: "#f28e2b",
  slo: "#e15759",
} as const;

const CHART_SIZE = { width: 960, height: 500 };

type Point = [latencyMs: number, monthlyCost: number, label: string];

function point(entry: DecisionEntry, label = entryLabel(entry)): Point | undefined {
  return entry.latencyMs === undefined || entry.monthlyCost === undefined
    ? undefined
    : [entry.latencyMs, entry.monthlyCost, label];
}

const defined = <T>(value: T | undefined): value is T => value !== undefined;

/** The chart's ECharts option: every entry, the SLO, the frontier, selected and production. */
export function chartOption(decision: Decision, comparison?: Comparison): Record<string, unknown> {
  const selectedId = decision.selected?.recommendationId;
  const feasible = decision.ranked
    .filter((entry) => entry.recommendationId !== selectedId)
    .map((entry) => point(entry))
    .filter(defined);
  const rejected = decision.rejected.map((item) => point(item.entry)).filter(defined);
  const frontier = decision.frontier
    .map((item): Point => [item.latencyMs, item.monthlyCost, ""])
    .sort((a, b) => a[0] - b[0]);
  const selected = decision.selected ? point(decision.selected) : undefined;
  const current = comparison?.current;
  const production: Point | undefined =
    current?.latencyMs !== undefined && current.monthlyCost !== undefined
      ? [
          current.latencyMs,
          current.monthlyCost,
          `production: ${current.instanceType ? `${current.instanceType} x ${current.instanceCount ?? 1}` : (current.endpointName ?? "current")}`,
        ]
      : undefined;
  const costs = [
    ...feasible,
    ...rejected,
    ...(selected ? [selected] : []),
    ...(production ? [production] : []),
  ]
    .map((item) => item[1])
    .filter((cost) => cost > 0);
  const logScale = costs.length > 1 && Math.max(...costs) / Math.min(...costs) > 20;
  const maxLatency = decision.policy.maxLatencyMs;
  const label = (color: string) => ({
    show: true,
    position: "right" as const,
    formatter: (params: { data: Point }) => params.data[2],
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
      ...(maxLatency !== undefined
        ? { max: (value: { max: number }) => Math.max(value.max, maxLatency) * 1.1 }
        : {}),
    },
    yAxis: {
      type: logScale ? "log" : "value",
      name: "monthly cost (US $)",
      nameLocation: "middle",
      nameGap: 56,
      ...(logScale ? {} : { min: 0 }),
      axisLabel: { formatter: (value: number) => formatDollars(value) },
    },
    series: [
      {
        name: "rejected",
        type: "scatter",
        data: rejected,
        symbolSize: 10,
        itemStyle: { color: COLORS.rejected },
        label: label("#8a8a8a"),
        // Points close together would print over each other: a label that overlaps is left out.
        labelLayout: { hideOverlap: true },
      },
      {
        name: "feasible",
        type: "scatter",
        data: feasible,
        symbolSize: 11,
        itemStyle: { color: COLORS.feasible },
        label: label("#3a5a80"),
        labelLayout: { hideOverlap: true },
        ...(maxLatency !== undefined
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                lineStyle: { color: COLORS.slo, type: "dashed", width: 1.5 },
                label: { formatter: `SLO ${formatMs(maxLatency)}`, color: COLORS.slo },
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
        lineStyle: { color: COLORS.frontier, width: 2, type: "dashed" },
        itemStyle: { color: COLORS.frontier },
        z: 1,
      },
      ...(production
        ? [
            {
              name: "production",
              type: "scatter",
              symbol: "diamond",
              data: [production],
              symbolSize: 16,
              itemStyle: { color: COLORS.production, borderColor: "#7a4300", borderWidth: 1 },
              label: { ...label("#7a4300"), fontWeight: "bold" },
              labelLayout: { hideOverlap: true },
            },
          ]
        : []),
      ...(selected
        ? [
            {
              name: "selected",
              type: "scatter",
              data: [[selected[0], selected[1], `selected: ${selected[2]}`]],
              symbolSize: 20,
              itemStyle: { color: COLORS.selected, borderColor: "#5c0f12", borderWidth: 2 },
              label: { ...label("#5c0f12"), fontWeight: "bold", fontSize: 12 },
              // Laid out with the others, first: the selected label stays, those it covers go.
              labelLayout: { hideOverlap: true },
              z: 10,
            },
          ]
        : []),
    ],
  };
}

/** The chart as SVG text, drawn by ECharts' server-side renderer. */
export async function renderChart(decision: Decision, comparison?: Comparison): Promise<string> {
  const echarts = await import("echarts");
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, ...CHART_SIZE });
  try {
    chart.setOption(chartOption(decision, comparison));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
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

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1d2330; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; }
.kicker { margin: 0; color: #5b6475; font-size: 13px; letter-spacing: .02em; text-transform: uppercase; }
h1 { margin: 6px 0 10px; font-size: 24px; line-height: 1.3; }
h2 { margin: 32px 0 10px; font-size: 17px; }
.comparison { margin: 0; padding: 10px 14px; border-left: 4px solid ${COLORS.production}; background: #fff7ef; }
.comparison.worth { border-color: ${COLORS.frontier}; background: #f1f8ef; }
figure { margin: 0; padding: 12px; background: #fff; border: 1px solid #e1e4ea; border-radius: 6px; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #5b6475; font-size: 13px; margin-top: 6px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #e1e4ea; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; white-space: nowrap; }
td:nth-child(n+3):nth-last-child(n+2) { font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.selected td { background: #fdecec; font-weight: 600; }
tr.frontier td:nth-child(2)::after { content: " ◆"; color: ${COLORS.frontier}; }
tr.rejected td { color: #8a8f99; }
dl.policy { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dt { color: #5b6475; }
dd { margin: 0; }
pre { background: #fff; border: 1px solid #e1e4ea; padding: 10px; overflow-x: auto; font-size: 12.5px; }
ul { margin: 6px 0; padding-left: 20px; }
footer { margin-top: 36px; color: #7a8190; font-size: 12.5px; }
`;

/** The whole page. */
export async function reportHtml(input: ReportInput): Promise<string> {
  const { decision, comparison } = input;
  const sentence = decisionSentence(decision);
  const svg = await renderChart(decision, comparison);
  const plotted = [...decision.ranked, ...decision.rejected.map((item) => item.entry)].filter(
    (entry) => point(entry) !== undefined,
  ).length;
  const unplotted = decision.totals.entries - plotted;
  const comparisonBlock = comparison
    ? `<p class="comparison${comparison.worthActing ? " worth" : ""}" id="comparison-sentence">${escapeHtml(comparisonSentence(comparison))}</p>`
    : "";
  const lists = [
    ...decision.relaxations.map((item) => `relax: ${item.sentence}`),
    ...decision.notes.map((note) => `note: ${note}`),
  ];
  const job = decision.job;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>irflow report: ${escapeHtml(job.jobName)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<p class="kicker">irflow decision · job ${escapeHtml(job.jobName)} · ${escapeHtml(job.jobType)} · ${escapeHtml(job.status)} · ${escapeHtml(decision.outcome)}</p>
<h1 id="sentence">${escapeHtml(sentence)}</h1>
${comparisonBlock}
</header>
<section id="chart">
<h2>Monthly cost against latency</h2>
<figure>
${svg}
<figcaption>Each point is one benchmarked configuration, sized for the load: the selected one in red, feasible ones in blue, rejected ones in grey, the cost-latency frontier dashed in green${decision.policy.maxLatencyMs !== undefined ? ", the latency bound as a dashed red line" : ""}${comparison?.current.monthlyCost !== undefined && comparison.current.latencyMs !== undefined ? ", production as an orange diamond" : ""}.${unplotted > 0 ? ` ${unplotted} ${unplotted === 1 ? "entry lacks" : "entries lack"} a cost or a latency and ${unplotted === 1 ? "is" : "are"} not plotted.` : ""}</figcaption>
</figure>
</section>
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
