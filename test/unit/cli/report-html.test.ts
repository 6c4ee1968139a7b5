import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decideOn } from "../../../cli/decide-classic.ts";
import { reportHtml, roundAxis } from "../../../cli/report-html.ts";
import { entryLabel, formatDollars, formatPercent } from "../../../src/decision/format.ts";
import {
  diagnoseFailure,
  parseDescribeResponse,
  parseJobSteps,
  parsePolicy,
} from "../../../src/decision/index.ts";

const ROOT = join(import.meta.dirname, "../../..");
const read = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), "utf8"));
const EMULATED = "test/fixtures/describe/emulated-fraud-xgboost.json";
const FAILED = "test/fixtures/describe/failed-model-error.json";

function decided(response: unknown, policyInput: unknown = {}) {
  const job = parseDescribeResponse(response);
  const policy = parsePolicy(policyInput);
  if (!job.ok || !policy.ok) throw new Error("fixture does not parse");
  return decideOn(job.value, policy.value);
}

async function page(response: unknown, policy: unknown = {}, extra = {}) {
  const { decision, comparison } = decided(response, policy);
  const html = await reportHtml({
    decision,
    comparison,
    source: "test",
    generatedAt: new Date("2026-01-01T00:00:00Z"),
    ...extra,
  });
  return { html, decision };
}

/** The chart's own labels: every SVG text but the axes' ticks and names and the legend. */
function texts(html: string): string[] {
  const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? "");
}

const htmlText = (text: string) =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

describe("the report page's chart", () => {
  it("ends its axes on round ticks", async () => {
    // Act
    const { html } = await page(read(EMULATED), read("events/policies/fraud-xgboost-slo.json"));
    const ticks = texts(html).filter((text) => /^\$?[\d.,]+$/.test(text));

    // Assess
    expect(roundAxis(29.075200000000002)).toEqual({ max: 30, interval: 10 });
    expect(roundAxis(0.37)).toEqual({ max: 0.4, interval: 0.1 });
    expect(roundAxis(1234)).toEqual({ max: 1250, interval: 250 });
    expect(ticks.length).toBeGreaterThan(6);
    for (const tick of ticks) expect(tick).toMatch(/^\$?\d{1,3}(,\d{3})*(\.\d{1,2})?$/);
  });

  it("labels only the selected, production and frontier points", async () => {
    // Prepare: no latency bound, so many entries are feasible and only some on the frontier.
    const { html, decision } = await page(read(EMULATED), {
      current: { instanceType: "ml.m5.xlarge", instanceCount: 4 },
    });
    const frontier = new Set(decision.frontier.map((item) => item.recommendationId));
    const offFrontier = decision.ranked.filter(
      (entry) =>
        !frontier.has(entry.recommendationId) &&
        entry.recommendationId !== decision.selected?.recommendationId,
    );
    const shown = texts(html);

    // Assess
    expect(decision.selected).toBeDefined();
    expect(offFrontier.length).toBeGreaterThan(0);
    expect(shown).toContain(`selected: ${entryLabel(decision.selected ?? decision.ranked[0]!)}`);
    expect(shown).toContain("production: ml.m5.xlarge x 4");
    for (const entry of [...offFrontier, ...decision.rejected.map((item) => item.entry)]) {
      expect(shown.map(htmlText)).not.toContain(entryLabel(entry));
    }
  });

  it("gives every plotted point a native tooltip with its entry, count, cost and latency", async () => {
    // Act
    const { html, decision } = await page(
      read(EMULATED),
      read("events/policies/fraud-xgboost-slo.json"),
    );
    const titles = [...html.matchAll(/<circle class="point"[^>]*><title>([^<]*)<\/title>/g)].map(
      (match) => htmlText(match[1] ?? ""),
    );
    const entries = [...decision.ranked, ...decision.rejected.map((item) => item.entry)];

    // Assess: every entry and production.
    expect(titles).toHaveLength(entries.length + 1);
    for (const entry of entries) {
      const title = titles.find((text) => text.startsWith(`${entryLabel(entry)} (`));
      expect(title, entryLabel(entry)).toBeDefined();
      expect(title).toMatch(/: \$[\d,.]+\/month, [\d.]+ ms$/);
      if (entry.instanceCount !== undefined)
        expect(title).toContain(`${entry.instanceCount} instance`);
    }
    expect(titles.filter((text) => text.includes("(rejected: "))).toHaveLength(
      decision.rejected.length,
    );
  });
});

describe("the report page", () => {
  it("writes the job name as it is written, escaped", async () => {
    // Prepare
    const response = { ...(read(EMULATED) as object), JobName: "Fraud-<b>v7</b>" };

    // Act
    const { html } = await page(response);

    // Assess
    expect(html).toContain("job Fraud-&lt;b&gt;v7&lt;/b&gt;");
    expect(html).not.toContain("<b>v7");
    expect(html).not.toMatch(/uppercase/);
  });

  it("shows a failed job's diagnosis in place of the chart", async () => {
    // Prepare
    const response = read(FAILED) as { JobName: string; Status: string; FailureReason: string };
    const steps = parseJobSteps(read("test/fixtures/describe/failed-model-error.steps.json"));
    if (!steps.ok) throw new Error("steps do not parse");
    const diagnosis = diagnoseFailure({
      jobName: response.JobName,
      status: response.Status,
      failureReason: response.FailureReason,
      region: "eu-west-1",
      steps: steps.value,
    });
    const hostile = { ...diagnosis, hint: `${diagnosis.hint} <script>x</script>` };

    // Act
    const { html } = await page(response, {}, { diagnosis: hostile });
    const section = html.slice(html.indexOf('<section id="diagnosis">'));

    // Assess
    expect(html).not.toContain("<svg");
    expect(section).toContain(`<strong id="diagnosis-category">${diagnosis.category}</strong>`);
    expect(section).toContain("&lt;script&gt;x&lt;/script&gt;");
    // The one script element is the page's data, which is JSON and never runs.
    expect(html.match(/<script/g)).toEqual(["<script"]);
    expect(html.match(/<\/script/g)).toEqual(["</script"]);
    expect(html).toContain('<script type="application/json" id="page-data">');
    expect(diagnosis.failedBenchmarks.length).toBeGreaterThan(0);
    for (const benchmark of diagnosis.failedBenchmarks) {
      expect(section).toContain(`<td>${benchmark.instanceType}</td>`);
      expect(htmlText(section)).toContain(benchmark.reason);
    }
    for (const stream of diagnosis.logs.streams) expect(section).toContain(stream);
    expect(section).toMatch(
      /<a id="console-link" href="https:\/\/eu-west-1\.console\.aws\.amazon\.com\//,
    );
  });

  it("links no console address that is not https", async () => {
    // Prepare
    const response = read(FAILED) as { JobName: string; Status: string };
    const diagnosis = {
      ...diagnoseFailure({ jobName: response.JobName, status: response.Status }),
      consoleUrl: "javascript:alert(1)",
    };

    // Act
    const { html } = await page(response, {}, { diagnosis });

    // Assess
    expect(html).toContain("Console: javascript:alert(1)");
    expect(html).not.toContain('href="javascript');
  });

  it("shows an unsatisfiable job's relaxations", async () => {
    // Act
    const { html, decision } = await page(read(EMULATED), {
      maxLatencyMs: 1,
      requestsPerMinute: 12000,
    });
    const section = html.slice(html.indexOf('<section id="relaxations">'));

    // Assess
    expect(decision.outcome).toBe("unsatisfiable");
    expect(decision.relaxations.length).toBeGreaterThan(0);
    expect(html).toContain('<section id="relaxations">');
    for (const relaxation of decision.relaxations) {
      expect(htmlText(section)).toContain(relaxation.sentence);
    }
  });
});

describe("the report page's data", () => {
  it("carries what its header says, and keeps text that could close its element inert", async () => {
    // Prepare: a failure reason that tries to end the data and run a script of its own.
    const response = structuredClone(read(FAILED)) as { FailureReason?: string };
    response.FailureReason = "ModelError </script><script>alert(1)</script>";

    // Act
    const { html, decision } = await page(response);
    const json = /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(
      html,
    )?.[1];
    const data = JSON.parse(json ?? "null");

    // Assess
    expect(html.match(/<script/g)).toEqual(["<script"]);
    expect(data).toMatchObject({
      jobName: decision.job.jobName,
      status: "FAILED",
      outcome: "failed",
      policy: decision.policy,
    });
    expect(data.sentence).toContain("</script><script>alert(1)</script>");
    expect(html).toContain(
      `<h1 id="sentence">${data.sentence.replace(/</g, "&lt;").replace(/>/g, "&gt;")}</h1>`,
    );
  });
});

describe("the report page's autoscaling section", () => {
  // 1,500 requests/min for 20 hours, 12,000 for the last 4.
  const hours = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];
  const profiled = { hourlyRequestsPerMinute: hours, endpointTypes: ["RealTime"] };
  const section = (html: string) => {
    const start = html.indexOf('<section id="autoscaling">');
    return start < 0 ? "" : html.slice(start, html.indexOf("</section>", start));
  };

  it("charts the load and the instances by hour, with the fixed peak fleet", async () => {
    // Act
    const { html } = await page(read(EMULATED), profiled);
    const part = section(html);
    const labels = [...part.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    const titles = [...part.matchAll(/<title>([^<]*)<\/title>/g)].map((match) => match[1]);

    // Assess: one SVG of its own, two y axes named, 24 hours, a legend for both series.
    expect(part.match(/<svg/g)).toHaveLength(1);
    expect(labels).toEqual(
      expect.arrayContaining([
        "requests per minute",
        "instances",
        "hour of the day (UTC)",
        "load (requests/min)",
        "fixed fleet 3",
        "00",
        "23",
      ]),
    );
    expect(titles).toHaveLength(24);
    expect(titles[0]).toBe("00:00 UTC: 1,500 requests/min, 1 instance");
    expect(titles[23]).toBe("23:00 UTC: 12,000 requests/min, 3 instances");
  });

  it("states the saving over the fixed fleet and gives the calls to copy, as its data says", async () => {
    // Act
    const { html, decision } = await page(read(EMULATED), profiled);
    const part = section(html);
    const data = JSON.parse(
      /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(html)?.[1] ?? "null",
    );
    const pre = (id: string) =>
      JSON.parse(htmlText(new RegExp(`<pre id="${id}">([^<]*)</pre>`).exec(part)?.[1] ?? "null"));

    // Assess
    const selected = decision.selected;
    if (!selected?.monthlyCost || !selected.fixedMonthlyCost) throw new Error("no costs");
    const saving = selected.fixedMonthlyCost - selected.monthlyCost;
    expect(data.autoscaling).toMatchObject({
      minCapacity: 1,
      maxCapacity: 3,
      hourlyRequestsPerMinute: hours,
      saving: { monthly: saving },
    });
    expect(htmlText(/<p[^>]*id="autoscaling-saving">([^<]*)<\/p>/.exec(part)?.[1] ?? "")).toBe(
      `Autoscaling ${selected.instanceType} between 1 and 3 instances costs ${formatDollars(selected.monthlyCost)}/month, saving ${formatDollars(saving)}/month (${formatPercent(saving / selected.fixedMonthlyCost)}) over a fixed fleet of 3 (${formatDollars(selected.fixedMonthlyCost)}/month).`,
    );
    expect(pre("autoscaling-register")).toEqual(data.autoscaling.calls.registerScalableTarget);
    expect(pre("autoscaling-policy")).toEqual(data.autoscaling.calls.putScalingPolicy);
    expect(pre("autoscaling-register").ResourceId).toBe(
      "endpoint/<endpoint-name>/variant/AllTraffic",
    );
    expect(part).toContain('id="autoscaling-placeholder"');
    // Still one file: nothing loaded, no script but the data block.
    expect(html.match(/<script/g)).toEqual(["<script"]);
    expect(html).not.toMatch(/\s(src|href)="https?:/);
  });

  it("names the policy's endpoint in the calls, and has no section without a profile", async () => {
    // Act
    const named = await page(read(EMULATED), {
      ...profiled,
      current: { endpointName: "fraud-prod" },
    });
    const flat = await page(read(EMULATED), { requestsPerMinute: 12000 });

    // Assess
    expect(section(named.html)).toContain("endpoint/fraud-prod/variant/AllTraffic");
    expect(section(named.html)).not.toContain('id="autoscaling-placeholder"');
    expect(flat.html).not.toContain('id="autoscaling"');
    expect(flat.html).toContain('<section id="chart">');
  });
});
