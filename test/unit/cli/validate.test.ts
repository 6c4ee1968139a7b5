import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../../cli/io.ts";
import { main } from "../../../cli/main.ts";
import { SPECS_DIR } from "../../support/specs.ts";

const ROOT = join(import.meta.dirname, "../../..");

function captureIo(stdin = ""): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
    cwd: ROOT,
  };
}

const validSamples = readdirSync(SPECS_DIR).filter((file) => file.endsWith(".json"));
const invalidSamples = readdirSync(join(SPECS_DIR, "invalid")).filter((file) =>
  file.endsWith(".json"),
);

describe("irflow validate", () => {
  it.each(validSamples)("accepts events/specs/%s", async (file) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["validate", "--json", join("events/specs", file)], io);

    // Assess
    const body = JSON.parse(io.out.join(""));
    expect(body.errors).toEqual([]);
    expect(code).toBe(0);
    expect(body.spec.job.JobName).toBe(body.jobName);
  });

  it("prints a valid spec's cost estimate from the spec alone, and gives it in --json", async () => {
    // Prepare
    const text = captureIo();
    const json = captureIo();

    // Act
    const code = await main(["validate", "events/specs/advanced-stairs.json"], text);
    await main(["validate", "--json", "events/specs/advanced-stairs.json"], json);

    // Assess: 2 load tests of 6 x 300 s stairs + 420 s, at $0.7364/h and $1.41/h.
    expect(code).toBe(0);
    const out = text.out.join("");
    expect(out).toContain("cost estimate: about $1.32 for 2 endpoints (spec)\n");
    expect(out).toContain("  ml.g4dn.xlarge x 1, 2220 s at $0.7364/h: $0.45\n");
    expect(out).toContain("  ml.g5.xlarge x 1, 2220 s at $1.41/h: $0.87\n");
    const body = JSON.parse(json.out.join(""));
    expect(body.costEstimate).toMatchObject({
      method: "spec",
      dollars: 1.3236,
      unpriced: 0,
      jobSeconds: 2220,
    });
  });

  it("says a Default job's cost is unknown when its spec names no instance type", async () => {
    // Prepare
    const io = captureIo();

    // Act
    await main(["validate", "events/specs/default-model-package.json"], io);

    // Assess
    expect(io.out.join("")).toMatch(
      /cost estimate: unknown \(spec\)\n {2}note: the spec names no instance type/,
    );
  });

  it.each(invalidSamples)(
    "rejects events/specs/invalid/%s with exactly that rule",
    async (file) => {
      // Prepare
      const io = captureIo();
      const rule = file.replace(/\.json$/, "").split("--")[0];

      // Act
      const code = await main(["validate", "--json", join("events/specs/invalid", file)], io);

      // Assess
      const body = JSON.parse(io.out.join(""));
      expect(code).toBe(1);
      expect(body.errors.map((error: { rule: string }) => error.rule)).toEqual([rule]);
    },
  );

  it("prints each error with its path and rule for a person", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["validate", "events/specs/invalid/range--phase-users.json"], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.join("")).toContain(
      "error job.InputConfig.TrafficPattern.Phases[0].InitialNumberOfUsers [range]: must be an integer from 1 to 3",
    );
  });

  it("reads a spec from standard input with -", async () => {
    // Prepare
    const io = captureIo(JSON.stringify({ specVersion: 1, job: {} }));

    // Act
    const code = await main(["validate", "-"], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.join("")).toContain("job.RoleArn [required]");
  });

  it.each([
    ["a missing file", "events/specs/none.json", "no such file"],
    ["a directory", "events/specs", "it is a directory"],
    ["text that is not JSON", "src/naming.ts", "is not valid JSON"],
  ])("exits 2 with a clear message for %s", async (_label, path, message) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["validate", path], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err.join("")).toContain(message);
    expect(io.err.join("")).not.toContain("    at ");
  });

  it("validates an LLM spec by its kind and names the job and workload config it derives", async () => {
    // Prepare
    const text = captureIo();
    const json = captureIo();
    const spec = join("events/specs/ai", "llama-3-8b-chat.json");

    // Act
    const code = await main(["validate", spec], text);
    await main(["validate", "--json", spec], json);

    // Assess
    expect(code).toBe(0);
    const body = JSON.parse(json.out.join(""));
    expect(body).toMatchObject({ valid: true, kind: "ai-recommendation", errors: [] });
    expect(body.spec.job.AIRecommendationJobName).toBe(body.jobName);
    expect(body.spec.workload.AIWorkloadConfigName).toBe(body.workloadName);
    const out = text.out.join("");
    expect(out).toContain(`valid: ${spec} (kind ai-recommendation)\njob name: ${body.jobName}\n`);
    expect(out).toContain(`workload config: ${body.workloadName}\nspec hash: ${body.specHash}\n`);
  });

  it("refuses a spec of an unknown kind, naming the kinds there are", async () => {
    // Prepare
    const io = captureIo(JSON.stringify({ specVersion: 1, kind: "batch-transform" }));

    // Act
    const code = await main(["validate", "-"], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err.join("")).toMatch(
      /error kind \[enum\]: must be one of inference-recommendation, ai-recommendation/,
    );
  });

  it("runs as the installed irflow binary", async () => {
    // Prepare
    const run = promisify(execFile);

    // Act
    const { stdout } = await run(
      process.execPath,
      ["bin/irflow.js", "validate", "events/specs/default-model-package.json"],
      { cwd: ROOT },
    );

    // Assess
    expect(stdout).toMatch(
      /^valid: events\/specs\/default-model-package\.json\njob name: fraud-xgboost-v7-[0-9a-f]{10}\n/,
    );
  });
});
