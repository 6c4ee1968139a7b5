/**
 * Charts for the report pages, drawn on the server by Apache ECharts' SSR renderer into SVG text
 * the page inlines: no script runs in the page, so nothing is drawn there.
 */

export const CHART_SIZE = { width: 960, height: 500 };

/** Text for HTML: every character that could open a tag or close an attribute escaped. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A point given a native SVG tooltip: its value on the chart's first grid, and its text. */
export interface TitledPoint {
  value: [number, number];
  title: string;
}

/**
 * The chart of an ECharts option as SVG text. ECharts draws no tooltip without a script, so with
 * `titled` each point gets a transparent circle on top carrying a native SVG <title>, in the order given
 * (the last is topmost, so its title is the one shown).
 */
export async function renderSvgChart(
  option: Record<string, unknown>,
  titled?: readonly TitledPoint[],
  size: { width: number; height: number } = CHART_SIZE,
): Promise<string> {
  const echarts = await import("echarts");
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, ...size });
  try {
    chart.setOption(option);
    const svg = chart.renderToSVGString();
    if (!titled) return svg;
    const titles = titled
      .map((item) => {
        const [x, y] = chart.convertToPixel({ gridIndex: 0 }, item.value) as number[];
        if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y))
          return "";
        return `<circle class="point" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="8" fill="transparent"><title>${escapeHtml(item.title)}</title></circle>`;
      })
      .join("");
    return svg.replace(/<\/svg>\s*$/, `<g class="point-titles">${titles}</g></svg>`);
  } finally {
    chart.dispose();
  }
}
