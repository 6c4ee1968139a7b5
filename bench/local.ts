/**
 * `npm run bench -- local [--runs N] [--json]`: what a new user waits for on the local stack. The
 * demo's wall time, run as `npm start` runs it (a fresh process, stack start-up included), and
 * 100 executions started at once at the default job limit of 10.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildCli, builtCli } from "../scripts/build-cli.mjs";
import { integerOption, parseOptions } from "./args.ts";
import { type ScaleFigures, scaleRun } from "./scale.ts";

const ROOT = join(import.meta.dirname, "..");
const FLEET = { jobs: 100, limit: 10, throttle: 0, timeScale: 2000 };

export interface LocalFigures {
  demo: { runs: number; wallSeconds: number[]; medianSeconds: number; exitCodes: number[] };
  hundredAtOnce: Pick<
    ScaleFigures,
    | "jobs"
    | "limit"
    | "succeeded"
    | "failed"
    | "peakConcurrentJobs"
    | "makespanSeconds"
    | "idealSeconds"
    | "wallSeconds"
    | "timeScale"
  >;
}

/** Runs the demo as `npm start` does and returns its wall time and exit code. */
function runDemo(): Promise<{ seconds: number; exitCode: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/irflow.js"), "demo"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      resolve({ seconds: (performance.now() - started) / 1000, exitCode: code ?? 1 }),
    );
  });
}

export async function localRun(runs: number): Promise<LocalFigures> {
  // The demo is timed as `npm install` leaves it: from the compiled CLI.
  if (!("entry" in builtCli())) await buildCli();
  const wallSeconds: number[] = [];
  const exitCodes: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const { seconds, exitCode } = await runDemo();
    wallSeconds.push(Number(seconds.toFixed(1)));
    exitCodes.push(exitCode);
  }
  const sorted = [...wallSeconds].sort((a, b) => a - b);
  const fleet = await scaleRun(FLEET);
  return {
    demo: {
      runs,
      wallSeconds,
      medianSeconds: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
      exitCodes,
    },
    hundredAtOnce: {
      jobs: fleet.jobs,
      limit: fleet.limit,
      succeeded: fleet.succeeded,
      failed: fleet.failed,
      peakConcurrentJobs: fleet.peakConcurrentJobs,
      makespanSeconds: fleet.makespanSeconds,
      idealSeconds: fleet.idealSeconds,
      wallSeconds: fleet.wallSeconds,
      timeScale: fleet.timeScale,
    },
  };
}

export async function localBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv, { values: ["runs"], flags: ["json"] }, "local");
  const figures = await localRun(integerOption(options, "runs", 3, { min: 1, max: 20 }));
  if (options.flags.has("json")) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const { demo, hundredAtOnce: fleet } = figures;
  const rows: [string, string][] = [
    [
      "demo (npm start)",
      `median ${demo.medianSeconds} s wall over ${demo.runs} runs (${demo.wallSeconds.join(", ")} s; exit ${demo.exitCodes.join(", ")})`,
    ],
    [
      `${fleet.jobs} executions at once`,
      `${fleet.succeeded} succeeded, ${fleet.failed} failed, ${fleet.wallSeconds} s wall at ${fleet.timeScale}x`,
    ],
    [
      "",
      `limit ${fleet.limit}, peak ${fleet.peakConcurrentJobs} jobs, makespan ${fleet.makespanSeconds} s simulated (ideal ${fleet.idealSeconds} s)`,
    ],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(30)} ${value}`);
}
