/**
 * Environment parameters named after Object.prototype's members, end to end on the local stack:
 * the job completes, one entry is selected, and every name survives in the record, the event,
 * `status --json` and `report --json`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { LocalStack } from "../../local/stack.ts";
import { type CliStack, captureIo, openCliStack } from "../support/cli.ts";
import { SPECS_DIR } from "../support/specs.ts";
import { outcomeEvents, record, stackClients } from "../support/stack.ts";

const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty"];

let cli: CliStack;
let stack: LocalStack;
let dir: string;
let statePath: string;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "maps");
  ({ stack, dir, statePath } = cli);
});

afterAll(() => cli.close());

/** Every environment key in a JSON text, wherever it sits. */
function environmentKeys(json: string): Set<string> {
  return new Set([...json.matchAll(/"key":\s*"([^"]*)"/g)].map((match) => match[1] ?? ""));
}

describe("environment parameters named after Object.prototype's members", () => {
  it("run to a selected outcome and survive in the record, the event, status and report", async () => {
    // Prepare: written as JSON text, so __proto__ is a key like the others.
    const sample = await readFile(join(SPECS_DIR, "advanced-phases.json"), "utf8");
    const ranges = NAMES.map((name) => `{ "Name": "${name}", "Value": ["1"] }`).join(", ");
    const text = sample.replace(
      '[{ "Name": "OMP_NUM_THREADS", "Value": ["1", "2", "4"] }]',
      `[${ranges}]`,
    );
    expect(text).not.toBe(sample);
    const specPath = join(dir, "maps.json");
    await writeFile(specPath, text);
    const env = { ...process.env, IRFLOW_LOCAL_STATE: statePath };

    // Act
    const started = captureIo(env);
    const startCode = await main(
      ["start", specPath, "--run-key", "maps", "--wait", "--json"],
      started,
    );
    const { jobName } = JSON.parse(started.out()) as { jobName: string };
    const status = captureIo(env);
    const statusCode = await main(["status", jobName, "--json"], status);
    const report = captureIo(env);
    const reportCode = await main(["report", jobName, "--json"], report);

    // Assess
    expect(startCode, started.err()).toBe(0);
    expect([statusCode, reportCode]).toEqual([0, 0]);
    const job = await record(stackClients(stack), jobName);
    expect(job).toMatchObject({ status: "COMPLETED", outcome: "selected" });
    const [event] = outcomeEvents(stack, jobName);
    expect(event?.detail).toMatchObject({ outcome: "selected" });
    for (const json of [
      JSON.stringify(job.decision),
      JSON.stringify(event?.detail),
      status.out(),
      report.out(),
    ]) {
      const keys = environmentKeys(json);
      for (const name of NAMES) expect(keys, `${name} in ${json.slice(0, 80)}`).toContain(name);
    }
  }, 120_000);
});
