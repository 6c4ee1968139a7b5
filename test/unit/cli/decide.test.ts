import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { captureIo } from "../../support/cli.ts";

const ROOT = join(import.meta.dirname, "../../..");
const FIXTURES = "test/fixtures/describe";
const EMULATED = `${FIXTURES}/emulated-fraud-xgboost.json`;
const SLO_POLICY = "events/policies/fraud-xgboost-slo.json";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-decide-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("irflow decide", () => {
  it.each([
    ["aws-default-c5-xlarge", "us"],
    ["aws-advanced-p95-100ms", "us"],
    ["aws-default-c5-xlarge-ms", "ms"],
    ["aws-advanced-p95-100ms-ms", "ms"],
  ])("reads AWS's example %s in %s", async (fixture, unit) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["decide", `${FIXTURES}/${fixture}.json`, "--json"], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out()).latencyUnit).toMatchObject({ unit, source: "auto" });
  });

  it("prints the fields a script needs in --json: outcome, selected, ranked, rejected", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["decide", EMULATED, "--policy", SLO_POLICY, "--json"], io);

    // Assess
    expect(code).toBe(0);
    const body = JSON.parse(io.out());
    expect(body).toMatchObject({
      outcome: "selected",
      sentence:
        "ml.c6g.xlarge x 2, $238/month, 8.2 ms <= 9 ms at 12,000 requests/min with 20% headroom",
      selected: {
        recommendationId: "fraud-xgboost-v7-2026-w48-ml-c6g-xlarge",
        instanceCount: 2,
        monthlyCost: expect.closeTo(238.27, 2),
      },
      comparison: { worthActing: true },
    });
    expect(
      body.ranked.map((entry: { recommendationId: string }) => entry.recommendationId),
    ).toEqual([body.selected.recommendationId]);
    expect(body.rejected).toHaveLength(9);
    expect(body.rejected[0]).toMatchObject({
      recommendationId: "fraud-xgboost-v7-2026-w48-ml-c7g-xlarge",
      rule: "max-latency",
    });
  });

  it("prints the sentence, then every entry with its standing", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["decide", EMULATED, "--policy", SLO_POLICY], io);

    // Assess
    expect(code).toBe(0);
    const lines = io.out().split("\n");
    expect(lines[0]).toBe(
      "ml.c6g.xlarge x 2, $238/month, 8.2 ms <= 9 ms at 12,000 requests/min with 20% headroom",
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\* +ml\.c6g\.xlarge +2 +\$238 +8\.2 ms +.*selected, frontier$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ +ml\.c7g\.xlarge +1 +\$127 +9\.5 ms .*rejected \[max-latency\] latency 9\.5 ms is above 9 ms$/,
      ),
    );
    expect(io.out()).toContain("worth acting on: yes");
  });

  it("shows the column the objective ranks by, named in the header, in the terminal and the page", async () => {
    // Prepare: without a policy the objective is cost-per-inference, which no other column shows.
    const page = join(dir, "objective.html");
    const io = captureIo();

    // Act
    const code = await main(["report", EMULATED, "--html", page], io);

    // Assess
    expect(code).toBe(0);
    const lines = io.out().split("\n");
    const header = lines.find((line) => line.includes("ENTRY")) ?? "";
    expect(header).toMatch(
      / \$\/MONTH +LATENCY +MAX REQ\/MIN +\$\/HOUR +\$\/1M INFERENCES \(cost-per-inference\) +STANDING$/,
    );
    const column = header.indexOf("$/1M INFERENCES");
    const ranked = lines
      .filter((line) => / (selected|#\d+)(, frontier)?$/.test(line))
      .map((line) => Number(line.slice(column).split(" ")[0]?.replace("$", "")));
    expect(ranked).toHaveLength(10);
    expect(ranked).toEqual([...ranked].sort((a, b) => a - b));
    const html = await readFile(page, "utf8");
    expect(html).toContain('<th scope="col">$/1M INFERENCES (cost-per-inference)</th>');
  });

  it("names the objective on the column it ranks by, adding no column for the others", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["decide", EMULATED, "--policy", SLO_POLICY], io);

    // Assess
    expect(code).toBe(0);
    const header =
      io
        .out()
        .split("\n")
        .find((line) => line.includes("ENTRY")) ?? "";
    expect(header).toMatch(
      / \$\/MONTH \(monthly-cost\) +LATENCY +MAX REQ\/MIN +\$\/HOUR +STANDING$/,
    );
  });

  it("decides an unsatisfiable policy with exit 0 and says what would admit an entry", async () => {
    // Prepare
    const policy = await writeJson("strict.json", { requestsPerMinute: 12_000, maxLatencyMs: 5 });
    const io = captureIo();

    // Act
    const code = await main(["decide", EMULATED, "--policy", policy, "--json"], io);

    // Assess
    expect(code).toBe(0);
    const body = JSON.parse(io.out());
    expect(body.outcome).toBe("unsatisfiable");
    expect(body.relaxations[0].sentence).toMatch(/^maxLatencyMs 5 -> \d+(\.\d+)? admits /);
  });

  it("reads a response from standard input, NaN written bare as the AWS CLI prints it", async () => {
    // Prepare
    const text = readFileSync(join(ROOT, EMULATED), "utf8").replace(
      /"ModelSetupTime": \d+/,
      '"ModelSetupTime": NaN',
    );
    const io = captureIo(undefined, text);

    // Act
    const code = await main(["decide", "-", "--json"], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out()).outcome).toBe("selected");
  });

  it("names every problem of an invalid policy and response, with exit 1", async () => {
    // Prepare
    const policy = await writeJson("bad-policy.json", { objective: "fast", headroom: -1 });
    const response = await writeJson("bad-response.json", {
      JobName: "x",
      JobType: "Default",
      Status: "DONE",
      InferenceRecommendations: [{ Metrics: { CostPerHour: "cheap" } }],
    });
    const io = captureIo();

    // Act
    const code = await main(["decide", response, "--policy", policy], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain("invalid input (4 errors)");
    expect(io.err()).toContain("error (policy).objective [enum]");
    expect(io.err()).toContain("error (policy).headroom [range]");
    expect(io.err()).toContain("error (response).Status [enum]");
    expect(io.err()).toContain(
      "error (response).InferenceRecommendations[0].Metrics.CostPerHour [type]",
    );
    expect(io.out()).toBe("");
  });

  it.each([
    [
      "a file that does not exist",
      "no-such-file.json",
      "cannot read no-such-file.json: no such file",
    ],
    ["text that is not JSON", "README.md", "README.md is not valid JSON"],
  ])("refuses %s with exit 2", async (_label, source, message) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["decide", source], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toContain(message);
  });
});

describe("irflow report from a saved response", () => {
  it("prints the sentence and the table, and writes a self-contained page with a chart", async () => {
    // Prepare
    const page = join(dir, "report.html");
    const io = captureIo();

    // Act
    const code = await main(["report", EMULATED, "--policy", SLO_POLICY, "--html", page], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^ml\.c6g\.xlarge x 2, \$238\/month/);
    expect(io.out()).toContain(`report written to ${page}`);
    const html = await readFile(page, "utf8");
    expect(html).toContain(
      '<h1 id="sentence">ml.c6g.xlarge x 2, $238/month, 8.2 ms &lt;= 9 ms at 12,000 requests/min with 20% headroom</h1>',
    );
    expect(html).toMatch(/<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(html).toContain("selected: ml.c6g.xlarge x 2");
    expect(html).toContain("SLO 9 ms");
    expect(html).toContain('<tr class="selected frontier feasible"');
    expect(html.match(/<tr class="rejected"/g)).toHaveLength(9);
    // Self-contained: no script that runs (the one script element is the page's data, JSON), no
    // stylesheet or font to fetch, nothing but the SVG namespaces. (url(#id) refers to a clip path
    // inside the SVG itself.)
    const withoutData = html.replace(
      /<script type="application\/json" id="page-data">[^<]*<\/script>/,
      "",
    );
    expect(withoutData).not.toMatch(/<script|<link|@import|@font-face|url\((?!#)/i);
    expect(
      html.match(/https?:\/\/[^"\s<]+/g)?.every((url) => url.startsWith("http://www.w3.org/")),
    ).toBe(true);
    expect(html).toContain("default-src 'none'");
  });

  it("prints the decision as JSON with --json", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["report", EMULATED, "--json"], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      outcome: "selected",
      policy: { objective: "cost-per-inference" },
      selected: { instanceCount: 1 },
    });
  });

  it("refuses an invalid policy with exit 1 before reading anything else", async () => {
    // Prepare
    const policy = await writeJson("bad.json", {
      current: { endpointName: "prod", instanceCount: 2 },
    });
    const io = captureIo();

    // Act
    const code = await main(["report", EMULATED, "--policy", policy], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain("error (policy).current.instanceCount [current-target]");
  });
});
