/**
 * `npm run bench -- cli-start [--runs N] [--baseline COMMIT] [--json]`: how long `irflow --help`
 * and `irflow validate events/specs/default-model-package.json` take from a fresh process, against
 * the same commands at a baseline commit (default bff3cd7, the CLI compiled by tsx at every start).
 *
 * The baseline is extracted with `git archive` into a temporary folder reusing this node_modules.
 * Current and baseline runs alternate, so that the load of a shared machine falls on both alike;
 * one untimed run of each comes first (it fills the file cache and tsx's). The current CLI is built
 * first when its build is missing or stale, so what is timed is what `npm install` leaves.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, builtCli } from "../scripts/build-cli.mjs";
import { parseOptions } from "./args.ts";

const ROOT = join(import.meta.dirname, "..");
const COMMANDS = [["--help"], ["validate", "events/specs/default-model-package.json"]];
const TARGET_RATIO = 0.25;

function timeRun(cwd: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(cwd, "bin/irflow.js"), ...args], {
    cwd,
    stdio: "ignore",
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`irflow ${args.join(" ")} in ${cwd} ended ${result.status}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function cliStartBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(
    argv,
    { values: ["runs", "baseline"], flags: ["json"] },
    "cli-start",
  );
  const runs = Number(options.values.get("runs") ?? 7);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error("cli-start: --runs must be a positive integer");
  const baseline = options.values.get("baseline") ?? "bff3cd7";
  if (!("entry" in builtCli())) await buildCli();
  const folder = mkdtempSync(join(tmpdir(), "irflow-baseline-"));
  try {
    const archive = execFileSync("git", ["archive", "--format=tar", baseline], {
      cwd: ROOT,
      maxBuffer: 1 << 30,
    });
    execFileSync("tar", ["-x", "-C", folder], { input: archive });
    symlinkSync(join(ROOT, "node_modules"), join(folder, "node_modules"));
    const figures = Object.values(COMMANDS).map((args) => {
      timeRun(ROOT, args);
      timeRun(folder, args);
      const current: number[] = [];
      const before: number[] = [];
      for (let run = 0; run < runs; run++) {
        const order = run % 2 ? [folder, ROOT] : [ROOT, folder];
        for (const cwd of order) (cwd === ROOT ? current : before).push(timeRun(cwd, args));
      }
      const ratio = median(current) / median(before);
      return {
        command: `irflow ${args.join(" ")}`,
        currentMs: median(current),
        baselineMs: median(before),
        ratio,
      };
    });
    if (options.flags.has("json")) {
      console.log(JSON.stringify({ baseline, runs, targetRatio: TARGET_RATIO, figures }, null, 2));
      return;
    }
    console.log(
      `start time, median of ${runs} alternate runs, against ${baseline} (target ratio <= ${TARGET_RATIO})`,
    );
    for (const figure of figures) {
      console.log(
        `  ${figure.command.padEnd(55)} ${figure.currentMs.toFixed(0).padStart(6)} ms  vs ${figure.baselineMs.toFixed(0).padStart(6)} ms  ratio ${figure.ratio.toFixed(2)} ${figure.ratio <= TARGET_RATIO ? "(met)" : "(missed)"}`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
