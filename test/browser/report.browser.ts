/**
 * The HTML report as a person sees it: written by `irflow report --html`, opened in headless
 * Chromium (Debian's `chromium`, driven by playwright-core), checked for what it shows, and
 * photographed. Run with `npm run test:browser`; IRFLOW_REPORT_SCREENSHOT names where the
 * screenshot goes (default: a temporary folder).
 */
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { captureIo } from "../support/cli.ts";

const ROOT = join(import.meta.dirname, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RESPONSE = "test/fixtures/describe/emulated-fraud-xgboost.json";
const POLICY = "events/policies/fraud-xgboost-slo.json";
const SENTENCE =
  "ml.c6g.xlarge x 2, $238/month, 8.2 ms <= 9 ms at 12,000 requests/min with 20% headroom";

let dir: string;
let context: BrowserContext;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  dir = await mkdtemp(join(tmpdir(), "irflow-browser-"));
  const html = join(dir, "report.html");
  const io = captureIo(process.env);
  const code = await main(["report", RESPONSE, "--policy", POLICY, "--html", html], io);
  if (code !== 0) throw new Error(`irflow report exited ${code}: ${io.err()}`);
  context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1100, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
});

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the HTML report in Chromium", () => {
  it("states the decision in one sentence, and the saving against production", async () => {
    // Assess
    await expect(page.locator("h1#sentence").textContent()).resolves.toBe(SENTENCE);
    await expect(page.locator("#comparison-sentence").textContent()).resolves.toContain(
      "saving $433/month (64.5%): worth acting on",
    );
  });

  it("draws the chart with the selected point on top, the SLO line and production", async () => {
    // Prepare
    const chart = page.locator("#chart svg");
    const selectedLabel = chart.locator("text", { hasText: "selected: ml.c6g.xlarge x 2" });

    // Act
    const box = await chart.boundingBox();
    const labelBox = await selectedLabel.boundingBox();
    // The selected marker: the largest red symbol of the plot (ECharts marks the legend's icons
    // apart); what the page shows at its centre is it.
    const markers = await chart.locator('path[fill="#e15759"][ecmeta_ssr_type="chart"]').all();
    const boxes = (await Promise.all(markers.map((marker) => marker.boundingBox()))).filter(
      (item): item is NonNullable<typeof item> => item !== null,
    );
    const marker = boxes.sort((a, b) => b.width - a.width)[0];
    const centre = marker
      ? { x: marker.x + marker.width / 2, y: marker.y + marker.height / 2 }
      : { x: 0, y: 0 };
    // Evaluated in the page, where the DOM is; as text, since this file is typed for Node. On top
    // is the point's tooltip target; the first drawn symbol under it is what the page shows.
    const shown = await page.evaluate(
      `(() => { const stack = document.elementsFromPoint(${centre.x}, ${centre.y}); const symbol = stack.find((element) => element.tagName === "path"); return symbol ? symbol.tagName + " " + symbol.getAttribute("fill") : "nothing"; })()`,
    );
    const tooltip = await page.evaluate(
      `(() => { const element = document.elementFromPoint(${centre.x}, ${centre.y}); return element && element.tagName === "circle" ? element.textContent : "no tooltip"; })()`,
    );

    // Assess
    expect(box?.width).toBeGreaterThan(600);
    expect(box?.height).toBeGreaterThan(300);
    expect(labelBox).not.toBeNull();
    expect(labelBox && box && labelBox.x >= box.x && labelBox.x < box.x + box.width).toBe(true);
    expect(marker?.width).toBeGreaterThan(12);
    expect(shown).toBe("path #e15759");
    expect(tooltip).toBe("ml.c6g.xlarge x 2 (selected, frontier), 2 instances: $238/month, 8.2 ms");
    await expect(chart.locator("text", { hasText: "SLO 9 ms" }).count()).resolves.toBe(1);
    await expect(
      chart.locator("text", { hasText: "production: ml.m5.xlarge x 4" }).count(),
    ).resolves.toBe(1);
  });

  it("lists every entry: the selected one marked, each rejected one with its reason", async () => {
    // Act
    const rows = page.locator("#entries-table tbody tr");
    const selected = page.locator("#entries-table tr.selected");
    const rejected = page.locator("#entries-table tr.rejected");

    // Assess
    await expect(rows.count()).resolves.toBe(10);
    await expect(selected.count()).resolves.toBe(1);
    await expect(selected.textContent()).resolves.toMatch(/ml\.c6g\.xlarge.*selected, frontier/);
    await expect(rejected.count()).resolves.toBe(9);
    await expect(
      page.locator("#entries-table tr.rejected", { hasText: "ml.c7g.xlarge" }).textContent(),
    ).resolves.toContain("rejected [max-latency] latency 9.5 ms is above 9 ms");
    await expect(page.locator("#policy dl").textContent()).resolves.toContain("requestsPerMinute");
  });

  it("loads nothing from the network, and is photographed", async () => {
    // Prepare
    const screenshot = resolve(
      ROOT,
      process.env.IRFLOW_REPORT_SCREENSHOT ?? join(dir, "report.png"),
    );

    // Act
    await page.screenshot({ path: screenshot, fullPage: true });

    // Assess
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.every((url) => url.startsWith("file:"))).toBe(true);
    expect(statSync(screenshot).size).toBeGreaterThan(30_000);
  });
});

describe("the HTML report of a job without a selection, in Chromium", () => {
  async function open(args: string[], name: string): Promise<Page> {
    const html = join(dir, name);
    const io = captureIo(process.env);
    const code = await main(["report", ...args, "--html", html], io);
    if (code !== 0) throw new Error(`irflow report exited ${code}: ${io.err()}`);
    const opened = await context.newPage();
    await opened.goto(pathToFileURL(html).href, { waitUntil: "load" });
    return opened;
  }

  it("shows a failed job's diagnosis in place of the chart", async () => {
    // Act
    const failed = await open(["test/fixtures/describe/failed-model-error.json"], "failed.html");

    // Assess
    await expect(failed.locator("#chart svg").count()).resolves.toBe(0);
    await expect(failed.locator("#diagnosis").isVisible()).resolves.toBe(true);
    await expect(failed.locator("#diagnosis-category").textContent()).resolves.not.toBe("");
    await expect(failed.locator("#diagnosis-hint").textContent()).resolves.not.toBe("");
    await failed.close();
  });

  it("shows an unsatisfiable job's relaxations", async () => {
    // Prepare
    const policy = join(dir, "unsatisfiable-policy.json");
    await writeFile(policy, JSON.stringify({ maxLatencyMs: 1, requestsPerMinute: 12000 }));

    // Act
    const unsatisfiable = await open([RESPONSE, "--policy", policy], "unsatisfiable.html");

    // Assess
    await expect(unsatisfiable.locator("#relaxations").isVisible()).resolves.toBe(true);
    await expect(unsatisfiable.locator("#relaxations li").count()).resolves.toBeGreaterThan(0);
    await unsatisfiable.close();
  });
});

describe("the HTML report of a job under a traffic profile, in Chromium", () => {
  it("charts the load and the instances through the day inside the chart, and gives calls that parse", async () => {
    // Prepare: 1,500 requests/min for 20 hours, 12,000 for the last 4.
    const policy = join(dir, "profile-policy.json");
    const hours = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];
    await writeFile(
      policy,
      JSON.stringify({ hourlyRequestsPerMinute: hours, endpointTypes: ["RealTime"] }),
    );
    const html = join(dir, "profile.html");
    const io = captureIo(process.env);
    const code = await main(["report", RESPONSE, "--policy", policy, "--html", html], io);
    if (code !== 0) throw new Error(`irflow report exited ${code}: ${io.err()}`);
    const opened = await context.newPage();
    await opened.goto(pathToFileURL(html).href, { waitUntil: "load" });

    // Act
    const chart = opened.locator("#autoscaling svg");
    const box = await chart.boundingBox();
    const axisLabels = await chart.locator("text", { hasText: /^\d\d$/ }).all();
    const labelBoxes = await Promise.all(axisLabels.map((label) => label.boundingBox()));
    const register = JSON.parse(
      (await opened.locator("#autoscaling-register").textContent()) ?? "",
    );
    const scaling = JSON.parse((await opened.locator("#autoscaling-policy").textContent()) ?? "");

    // Assess
    expect(box?.width).toBeGreaterThan(600);
    expect(labelBoxes.length).toBeGreaterThanOrEqual(6);
    for (const label of labelBoxes) {
      expect(label && box && label.x >= box.x && label.x + label.width <= box.x + box.width).toBe(
        true,
      );
    }
    await expect(opened.locator("#autoscaling-saving").textContent()).resolves.toMatch(
      /saving \$[\d,]+\/month \([\d.]+%\) over a fixed fleet of \d+/,
    );
    expect(register.MinCapacity).toBeLessThan(register.MaxCapacity);
    expect(register.ResourceId).toMatch(/^endpoint\/.+\/variant\/AllTraffic$/);
    expect(
      scaling.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification
        .PredefinedMetricType,
    ).toBe("SageMakerVariantInvocationsPerInstance");
    await opened.close();
  });
});
