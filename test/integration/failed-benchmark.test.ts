/**
 * A benchmark that fails inside a job that completes has no entry in SageMaker's results; irflow
 * keeps it beside the decision, so status, report, its JSON and the page all show it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import { jobNameOf } from "../support/specs.ts";
import { runWorkflow, type StackClients, sample, stackClients } from "../support/stack.ts";

let cli: CliStack;
let clients: StackClients;

beforeAll(async () => {
  cli = await openCliStack(
    {
      timeScale: 3000,
      logLevel: "ERROR",
      faults: { sagemaker: { benchmarks: [{ instanceType: "ml.m5.xlarge", reason: "capacity" }] } },
    },
    "failed-benchmark",
  );
  clients = stackClients(cli.stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const io = cli.io();
  const code = await main(args, io);
  return { code, out: io.out() };
}

describe("a benchmark that failed inside a completed job", () => {
  it("is shown by status, report, report --json and the page beside the decision", async () => {
    // Prepare
    const spec = sample("advanced-phases.json", "partly-failed");
    const jobName = jobNameOf(spec);
    const execution = await runWorkflow(cli.stack, clients, spec, "partly-failed", 60_000);
    const page = join(cli.dir, "partly-failed.html");

    // Act
    const status = await run(["status", jobName]);
    const report = await run(["report", jobName, "--html", page]);
    const json = await run(["report", jobName, "--json"]);
    const html = await readFile(page, "utf8");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    const line = /failed benchmark on ml\.m5\.xlarge \[capacity\]: InsufficientInstanceCapacity/;
    expect(status.out).toMatch(line);
    expect(report.out).toMatch(line);
    expect(JSON.parse(json.out).diagnosis.failedBenchmarks).toEqual([
      expect.objectContaining({ instanceType: "ml.m5.xlarge", category: "capacity" }),
    ]);
    expect(html).toMatch(/<section id="failed">[\s\S]*<td>ml\.m5\.xlarge<\/td><td>capacity<\/td>/);
    expect(html).toContain('<section id="chart">');
  });
});
