/**
 * The report page's autoscaling section, for a proposal sized on a traffic profile: a chart of the
 * load and the instances through the day (UTC) with the fixed peak fleet, what autoscaling saves
 * over that fleet, and the Application Auto Scaling calls to copy.
 */
import {
  type AutoscalingProposal,
  autoscalingSentence,
  SCALE_IN_COOLDOWN_SECONDS,
  SCALE_OUT_COOLDOWN_SECONDS,
} from "../src/decision/autoscaling.ts";
import { formatCount } from "../src/decision/format.ts";
import { escapeHtml, renderSvgChart } from "./chart.ts";

export const AUTOSCALING_COLORS = {
  load: "#4e79a7",
  instances: "#e15759",
  fixed: "#7a8190",
} as const;

export const AUTOSCALING_CHART_SIZE = { width: 960, height: 380 };

/** Hours of the day as the x axis writes them: "00" to "23". */
export const hourLabels = (count: number) =>
  Array.from({ length: count }, (_, hour) => String(hour).padStart(2, "0"));

/**
 * The chart's ECharts option: the load (requests per minute, left axis) and the instances (right
 * axis) by hour, and the fixed peak fleet as a dashed line on the instances' axis.
 */
export function autoscalingChartOption(proposal: AutoscalingProposal): Record<string, unknown> {
  const peakLoad = Math.max(0, ...proposal.hourlyRequestsPerMinute);
  const instancesMax = Math.max(1, proposal.maxCapacity) + 1;
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
    legend: { top: 8, itemGap: 18 },
    grid: { left: 80, right: 80, top: 56, bottom: 56 },
    xAxis: {
      type: "category",
      name: "hour of the day (UTC)",
      nameLocation: "middle",
      nameGap: 32,
      data: hourLabels(proposal.hourlyRequestsPerMinute.length),
    },
    yAxis: [
      {
        type: "value",
        name: "requests per minute",
        nameLocation: "middle",
        nameGap: 60,
        min: 0,
        max: peakLoad > 0 ? undefined : 1,
        axisLabel: { formatter: (value: number) => formatCount(value) },
      },
      {
        type: "value",
        name: "instances",
        nameLocation: "middle",
        nameGap: 40,
        min: 0,
        max: instancesMax,
        minInterval: 1,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: "load (requests/min)",
        type: "bar",
        yAxisIndex: 0,
        data: proposal.hourlyRequestsPerMinute,
        itemStyle: { color: AUTOSCALING_COLORS.load, opacity: 0.55 },
        barCategoryGap: "20%",
      },
      {
        name: "instances",
        type: "line",
        yAxisIndex: 1,
        step: "middle",
        data: proposal.hourlyInstances,
        symbol: "circle",
        symbolSize: 6,
        lineStyle: { color: AUTOSCALING_COLORS.instances, width: 2.5 },
        itemStyle: { color: AUTOSCALING_COLORS.instances },
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { color: AUTOSCALING_COLORS.fixed, type: "dashed", width: 1.5 },
          label: {
            formatter: `fixed fleet ${formatCount(proposal.maxCapacity)}`,
            color: AUTOSCALING_COLORS.fixed,
            position: "insideEndTop",
          },
          data: [{ yAxis: proposal.maxCapacity }],
        },
        z: 5,
      },
    ],
  };
}

/** The chart as SVG text, each hour's fleet with a native tooltip. */
export async function renderAutoscalingChart(proposal: AutoscalingProposal): Promise<string> {
  const labels = hourLabels(proposal.hourlyInstances.length);
  // The category axis is indexed by position: a point at hour i sits at x = i.
  const titled = proposal.hourlyInstances.map((instances, hour) => ({
    value: [hour, proposal.hourlyRequestsPerMinute[hour] ?? 0] as [number, number],
    title: `${labels[hour]}:00 UTC: ${formatCount(proposal.hourlyRequestsPerMinute[hour] ?? 0)} requests/min, ${formatCount(instances)} instance${instances === 1 ? "" : "s"}`,
  }));
  return renderSvgChart(autoscalingChartOption(proposal), titled, AUTOSCALING_CHART_SIZE);
}

/** The section: the saving, the chart, and the calls a deployer copies. */
export async function autoscalingHtml(proposal: AutoscalingProposal): Promise<string> {
  const svg = await renderAutoscalingChart(proposal);
  const register = JSON.stringify(proposal.calls.registerScalableTarget, null, 2);
  const policy = JSON.stringify(proposal.calls.putScalingPolicy, null, 2);
  return `<section id="autoscaling">
<h2>Autoscaling through the day</h2>
<p class="comparison" id="autoscaling-saving">${escapeHtml(autoscalingSentence(proposal))}</p>
<figure>
${svg}
<figcaption>The load of each hour of the day (UTC) as blue bars, in requests per minute; the instances autoscaling runs in that hour as the red line; the fleet held at its peak all day dashed in grey. Target tracking holds ${escapeHtml(formatCount(proposal.targetInvocationsPerInstance))} invocations per instance per minute, scaling out after ${SCALE_OUT_COOLDOWN_SECONDS} s and in after ${SCALE_IN_COOLDOWN_SECONDS} s.</figcaption>
</figure>
<h3>Apply it</h3>
${proposal.placeholder ? `<p id="autoscaling-placeholder">${escapeHtml(proposal.placeholder)} before applying.</p>` : ""}
<p><code>aws application-autoscaling register-scalable-target --cli-input-json file://register.json</code></p>
<pre id="autoscaling-register">${escapeHtml(register)}</pre>
<p><code>aws application-autoscaling put-scaling-policy --cli-input-json file://policy.json</code></p>
<pre id="autoscaling-policy">${escapeHtml(policy)}</pre>
</section>`;
}
