/**
 * An LLM decision (the kind ai-recommendation) as one self-contained page, as the classic page is:
 * the sentence, a chart of monthly cost against TTFT at the policy's statistic drawn on the server
 * by ECharts into SVG (for a job that did not complete, its diagnosis instead), the configuration
 * to deploy, the table of every configuration and the policy. The page carries what
 * `report --json` prints as its data block.
 */
import { formatCount, formatDollars, formatMs } from "../src/decision/format.ts";
import type { CappedDiagnosis, Diagnosis } from "../src/decision/index.ts";
import type { LlmDecision, LlmEntry } from "../src/kinds/ai-recommendation/decide.ts";
import type { LlmPolicy } from "../src/kinds/ai-recommendation/policy.ts";
import { environmentText, llmEntryLabel } from "../src/kinds/ai-recommendation/sentence.ts";
import { escapeHtml, renderSvgChart } from "./chart.ts";
import { llmDecisionColumns, llmDecisionRows } from "./decide-llm.ts";
import { CHART_COLORS, roundAxis, STYLE, scriptJson } from "./report-html.ts";
import type { LlmReportJson } from "./report-llm-json.ts";

export interface LlmReportInput {
  kind: "ai-recommendation";
  decision: LlmDecision;
  /** The policy the workflow decided under: its limits are drawn on the chart. */
  policy?: LlmPolicy | undefined;
  /** What `report --json` prints: the page carries it as its data. */
  report: LlmReportJson;
  source: string;
  generatedAt: Date;
  diagnosis?: Diagnosis | CappedDiagnosis | undefined;
}

interface LlmPlotted {
  monthlyCost: number;
  ttftMs: number;
  name: string;
  title: string;
}

/** Every configuration with a cost and a TTFT, by series: the selected one apart. */
export function llmChartPoints(decision: LlmDecision) {
  const stat = decision.latencyStat;
  const point = (entry: LlmEntry, standing: string): LlmPlotted | undefined =>
    entry.monthlyCost === undefined || entry.metrics.ttftMs === undefined
      ? undefined
      : {
          monthlyCost: entry.monthlyCost,
          ttftMs: entry.metrics.ttftMs,
          name: llmEntryLabel(entry),
          title: `${llmEntryLabel(entry)} (${standing}): ${formatDollars(entry.monthlyCost)}/month, TTFT ${stat} ${formatMs(entry.metrics.ttftMs)}`,
        };
  const selectedId = decision.selected?.id;
  const defined = <T>(value: T | undefined): value is T => value !== undefined;
  return {
    feasible: decision.ranked
      .filter((entry) => entry.id !== selectedId)
      .map((entry) => point(entry, "feasible"))
      .filter(defined),
    rejected: decision.rejected
      .map((item) => point(item.entry, `rejected [${item.rule}]: ${item.message}`))
      .filter(defined),
    selected: decision.selected ? point(decision.selected, "selected") : undefined,
  };
}

const tickText = (value: number) => String(Number(value.toPrecision(12)));

/** The chart's ECharts option: x monthly cost, y TTFT at latencyStat, the policy's limits dashed. */
export function llmChartOption(decision: LlmDecision, policy?: LlmPolicy): Record<string, unknown> {
  const { feasible, rejected, selected } = llmChartPoints(decision);
  const all = [...feasible, ...rejected, ...(selected ? [selected] : [])];
  const maxTtft = policy?.maxTtftMs;
  const maxCost = policy?.maxMonthlyCost;
  const xAxis = roundAxis(Math.max(0, ...all.map((item) => item.monthlyCost), maxCost ?? 0) * 1.05);
  const yAxis = roundAxis(Math.max(0, ...all.map((item) => item.ttftMs), maxTtft ?? 0) * 1.05);
  const data = (points: LlmPlotted[], labelled: boolean) =>
    points.map((item) => ({
      value: [item.monthlyCost, item.ttftMs],
      name: item.name,
      label: { show: labelled },
    }));
  const label = (color: string) => ({
    show: false,
    position: "right" as const,
    formatter: (params: { name: string }) => params.name,
    fontSize: 11,
    color,
  });
  const limits = [
    ...(maxTtft !== undefined
      ? [{ yAxis: maxTtft, label: { formatter: `maxTtftMs ${formatMs(maxTtft)}` } }]
      : []),
    ...(maxCost !== undefined
      ? [{ xAxis: maxCost, label: { formatter: `maxMonthlyCost ${formatDollars(maxCost)}` } }]
      : []),
  ];
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
    legend: { top: 8, itemGap: 18 },
    grid: { left: 80, right: 220, top: 56, bottom: 64 },
    xAxis: {
      type: "value",
      name: "monthly cost (US $)",
      nameLocation: "middle",
      nameGap: 36,
      min: 0,
      max: xAxis.max,
      interval: xAxis.interval,
      axisLabel: { formatter: (value: number) => formatDollars(Number(value.toPrecision(12))) },
    },
    yAxis: {
      type: "value",
      name: `TTFT ${decision.latencyStat} (ms)`,
      nameLocation: "middle",
      nameGap: 56,
      min: 0,
      max: yAxis.max,
      interval: yAxis.interval,
      axisLabel: { formatter: tickText },
    },
    series: [
      {
        name: "rejected",
        type: "scatter",
        data: data(rejected, false),
        symbol: "triangle",
        symbolSize: 11,
        itemStyle: { color: CHART_COLORS.rejected },
        label: label("#8a8a8a"),
      },
      {
        name: "feasible",
        type: "scatter",
        data: data(feasible, true),
        symbolSize: 11,
        itemStyle: { color: CHART_COLORS.feasible },
        label: label("#3a5a80"),
        labelLayout: { hideOverlap: true },
        ...(limits.length > 0
          ? {
              markLine: {
                silent: true,
                symbol: "none",
                lineStyle: { color: CHART_COLORS.slo, type: "dashed", width: 1.5 },
                label: { color: CHART_COLORS.slo },
                data: limits,
              },
            }
          : {}),
      },
      ...(selected
        ? [
            {
              name: "selected",
              type: "scatter",
              data: data([selected], true),
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

/** The chart as SVG text, each point with a native SVG <title>, as the classic chart has. */
export async function renderLlmChart(decision: LlmDecision, policy?: LlmPolicy): Promise<string> {
  const { feasible, rejected, selected } = llmChartPoints(decision);
  const titled = [...rejected, ...feasible, ...(selected ? [selected] : [])].map((item) => ({
    value: [item.monthlyCost, item.ttftMs] as [number, number],
    title: item.title,
  }));
  return renderSvgChart(llmChartOption(decision, policy), titled);
}

function tableHtml(decision: LlmDecision): string {
  const head = llmDecisionColumns(decision)
    .map((title) => `<th scope="col">${escapeHtml(title)}</th>`)
    .join("");
  const rows = llmDecisionRows(decision).map(({ entry, standing, cells }) => {
    const classes = standing === "selected" ? "selected feasible" : standing;
    const body = cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("");
    return `<tr class="${classes}" data-entry-id="${escapeHtml(entry.id)}" title="${escapeHtml(entry.id)}">${body}</tr>`;
  });
  return `<table id="entries-table"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The configuration to deploy, as the outcome event's deployment gives it. */
function deploymentHtml(report: LlmReportJson): string {
  const deployment = report.deployment;
  if (!deployment) return "";
  const stat = deployment.expected.latencyStat;
  const expected = deployment.expected;
  const figure = (value: number | undefined, format: (value: number) => string) =>
    value === undefined ? undefined : format(value);
  const rows: [string, string | undefined][] = [
    [
      "fleet",
      `${deployment.instanceType} x ${formatCount(deployment.instanceCount)}, ${formatCount(deployment.copiesPerInstance)} ${deployment.copiesPerInstance === 1 ? "copy" : "copies"} of the model each`,
    ],
    ["model", deployment.modelSource ?? deployment.modelPackageArn],
    ["image", deployment.imageUri],
    ["environment", environmentText(deployment.environment)],
    ["optimizations", deployment.optimizations.join(", ") || "none"],
    [`TTFT ${stat}`, figure(expected.ttftMs, formatMs)],
    [`inter-token latency ${stat}`, figure(expected.interTokenLatencyMs, formatMs)],
    [`request latency ${stat}`, figure(expected.requestLatencyMs, formatMs)],
    ["requests/s", figure(expected.requestsPerSecond, formatCount)],
    ["output tokens/s", figure(expected.outputTokensPerSecond, formatCount)],
  ];
  const items = rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "")
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("");
  return `<section id="deployment"><h2>What to deploy</h2><dl class="policy">${items}</dl></section>`;
}

function diagnosisHtml(decision: LlmDecision, diagnosis?: Diagnosis | CappedDiagnosis): string {
  const reason = diagnosis?.failureReason ?? decision.job.failureReason;
  return `<section id="diagnosis"><h2>Why the job ended ${escapeHtml(decision.job.status)}</h2>
${diagnosis ? `<p class="diagnosis"><strong id="diagnosis-category">${escapeHtml(diagnosis.category)}</strong>: <span id="diagnosis-hint">${escapeHtml(diagnosis.hint)}</span></p>` : ""}
<p>${reason ? `SageMaker: ${escapeHtml(reason)}` : "SageMaker gave no reason."}</p></section>`;
}

export async function llmReportHtml(input: LlmReportInput): Promise<string> {
  const { decision, report } = input;
  const failed = decision.outcome === "failed";
  const svg = failed ? "" : await renderLlmChart(decision, input.policy);
  const points = llmChartPoints(decision);
  const entries = decision.ranked.length + decision.rejected.length;
  const unplotted =
    entries - points.feasible.length - points.rejected.length - (points.selected ? 1 : 0);
  const stat = decision.latencyStat;
  const limits = [
    input.policy?.maxTtftMs !== undefined ? "maxTtftMs" : undefined,
    input.policy?.maxMonthlyCost !== undefined ? "maxMonthlyCost" : undefined,
  ].filter((limit) => limit !== undefined);
  const notes = decision.notes.map((note) => `note: ${note}`);
  const relaxations = decision.relaxations.map(
    (relaxation) => `<li>${escapeHtml(relaxation.sentence)}</li>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>irflow report: ${escapeHtml(decision.job.jobName)}</title>
<style>${STYLE}</style>
<script type="application/json" id="page-data">${scriptJson(report)}</script>
</head>
<body>
<main>
<header>
<p class="kicker">irflow decision · job ${escapeHtml(decision.job.jobName)} · ${escapeHtml(decision.kind)} · ${escapeHtml(decision.job.status)} · ${escapeHtml(report.outcome)}</p>
<h1 id="sentence">${escapeHtml(report.sentence)}</h1>
</header>
${failed ? diagnosisHtml(decision, input.diagnosis) : ""}
${relaxations.length > 0 ? `<section id="relaxations"><h2>What would admit a configuration</h2><ul>${relaxations.join("")}</ul></section>` : ""}
${
  failed
    ? ""
    : `<section id="chart">
<h2>Monthly cost against TTFT ${escapeHtml(stat)}</h2>
<figure>
${svg}
<figcaption>Each point is one recommended configuration, sized for the load: the selected one in red, feasible ones as blue circles, rejected ones as grey triangles${limits.length > 0 ? `, the policy's ${limits.join(" and ")} as dashed red lines` : ""}.${unplotted > 0 ? ` ${unplotted} ${unplotted === 1 ? "configuration lacks" : "configurations lack"} a cost or a TTFT and ${unplotted === 1 ? "is" : "are"} not plotted.` : ""} Hover a point for its configuration, cost and TTFT.</figcaption>
</figure>
</section>`
}
${deploymentHtml(report)}
<section id="entries">
<h2>Every configuration (${entries}: ${decision.ranked.length} feasible, ${decision.rejected.length} rejected)</h2>
${entries > 0 ? tableHtml(decision) : "<p>The job made no recommendations.</p>"}
${notes.length > 0 ? `<ul>${notes.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>` : ""}
</section>
<section id="policy">
<h2>Policy</h2>
<p>Ranked by ${escapeHtml(decision.objective)}; latencies at ${escapeHtml(stat)}.</p>
${input.policy ? `<details><summary>The policy as resolved (JSON)</summary><pre>${escapeHtml(JSON.stringify(input.policy, null, 2))}</pre></details>` : ""}
</section>
<footer>Figures from ${escapeHtml(input.source)}${decision.selected ? `; selected ${escapeHtml(llmEntryLabel(decision.selected))}` : ""}. Written by irflow on ${escapeHtml(input.generatedAt.toISOString())}.</footer>
</main>
</body>
</html>
`;
}
