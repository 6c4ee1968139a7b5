import { describe, expect, it } from "vitest";
import { renderSvgChart } from "../../../cli/chart.ts";

const option = {
  animation: false,
  xAxis: { type: "value", min: 0, max: 10 },
  yAxis: { type: "value", min: 0, max: 10 },
  series: [{ type: "scatter", data: [[2, 8]] }],
};

describe("renderSvgChart", () => {
  it("draws an option as SVG with a native, escaped tooltip over each titled point", async () => {
    // Act
    const svg = await renderSvgChart(option, [{ value: [2, 8], title: "<b>a & b</b>" }], {
      width: 400,
      height: 300,
    });

    // Assess
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('width="400"');
    const circles = [...svg.matchAll(/<circle class="point" cx="([\d.]+)" cy="([\d.]+)"/g)];
    expect(circles).toHaveLength(1);
    // Above and left of the middle, as (2, 8) is on a 0-10 grid.
    const [, cx, cy] = circles[0] ?? [];
    expect(Number(cx)).toBeLessThan(200);
    expect(Number(cy)).toBeLessThan(150);
    expect(svg).toContain("<title>&lt;b&gt;a &amp; b&lt;/b&gt;</title>");
    expect(svg.trimEnd().endsWith("</g></svg>")).toBe(true);
  });

  it("adds no tooltips when none are asked for", async () => {
    // Act
    const svg = await renderSvgChart(option);

    // Assess
    expect(svg).not.toContain("point-titles");
    expect(svg).toContain('width="960"');
  });
});
