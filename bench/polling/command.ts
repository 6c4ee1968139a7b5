/**
 * `npm run bench -- polling [--mix FILE | --preset NAME | --all-presets] [--seed S] [--jobs N]
 * [--save-mix FILE] [--json]`: irflow's poll schedule against fixed 5, 30, 60, 120 and 300 s
 * schedules and an oracle, over a job mix (see docs/performance.md).
 */
import { writeFileSync } from "node:fs";
import { integerOption, parseOptions } from "../args.ts";

import { loadMixFile, type SimJob, toMixFile } from "./mix.ts";
import { isPresetName, PRESETS, type PresetName, presetMix } from "./presets.ts";
import {
  checkTarget,
  runSchedules,
  type ScheduleDetail,
  type ScheduleFigures,
  scheduleTable,
  summarize,
  table,
} from "./report.ts";
import { type JobOutcome, SCHEDULES } from "./simulate.ts";

const DEFAULT_SEED = "irflow";
const DEFAULT_JOBS = 2000;

export function pollingBench(argv: readonly string[]): void {
  const options = parseOptions(
    argv,
    { values: ["mix", "preset", "seed", "jobs", "save-mix"], flags: ["json", "all-presets"] },
    "polling",
  );
  const seed = options.values.get("seed") ?? DEFAULT_SEED;
  const jobCount = integerOption(options, "jobs", DEFAULT_JOBS, { min: 1, max: 1_000_000 });
  const json = options.flags.has("json");
  const mixFile = options.values.get("mix");
  const presetOption = options.values.get("preset");
  const chosen = [
    mixFile !== undefined,
    presetOption !== undefined,
    options.flags.has("all-presets"),
  ];
  if (chosen.filter(Boolean).length > 1) {
    throw new Error("polling: give at most one of --mix, --preset and --all-presets");
  }
  if (presetOption !== undefined && !isPresetName(presetOption)) {
    throw new Error(
      `polling: --preset must be one of ${Object.keys(PRESETS).join(", ")}, got ${presetOption}`,
    );
  }

  if (options.flags.has("all-presets")) {
    allPresets(seed, jobCount, json);
    return;
  }
  const preset: PresetName =
    presetOption !== undefined && isPresetName(presetOption) ? presetOption : "default";
  const jobs = mixFile ? loadMixFile(mixFile) : presetMix(preset, { seed, jobs: jobCount });
  const saveTo = options.values.get("save-mix");
  if (saveTo) writeFileSync(saveTo, `${JSON.stringify(toMixFile(jobs))}\n`);
  const { details, outcomes } = runSchedules(SCHEDULES, jobs);
  if (json) {
    console.log(JSON.stringify({ schedules: details.map(figures) }));
    return;
  }
  const origin = mixFile
    ? `mix file ${mixFile}`
    : `preset "${preset}" (${PRESETS[preset].description}), seed "${seed}"`;
  console.log(`polling: ${jobs.length} jobs, ${origin}\n`);
  console.log(scheduleTable(details));
  console.log(`\n${targetLine(details)}\n`);
  console.log(kindTable(jobs, outcomes));
}

function allPresets(seed: string, jobCount: number, json: boolean): void {
  const results = (Object.keys(PRESETS) as PresetName[]).map((name) => {
    const { details } = runSchedules(SCHEDULES, presetMix(name, { seed, jobs: jobCount }));
    return { name, details };
  });
  if (json) {
    console.log(
      JSON.stringify({
        presets: results.map(({ name, details }) => ({
          name,
          description: PRESETS[name].description,
          schedules: details.map(figures),
        })),
      }),
    );
    return;
  }
  console.log(`polling, every preset: ${jobCount} jobs each, seed "${seed}"\n`);
  const rows = results.map(({ name, details }) => {
    const irflow = pick(details, "irflow");
    const fixed = pick(details, "fixed-60");
    const check = checkTarget(details);
    return [
      name,
      irflow.callsPerJob.toFixed(2),
      fixed.callsPerJob.toFixed(2),
      `${(100 * check.callShare).toFixed(1)}%`,
      `${irflow.delayP95.toFixed(1)} s`,
      `${fixed.delayP95.toFixed(1)} s`,
      `${irflow.delayMax.toFixed(0)} s`,
      check.delayMet && check.callsMet ? "met" : "NOT met",
    ];
  });
  console.log(
    table(
      [
        "mix",
        "irflow calls/job",
        "fixed-60 calls/job",
        "share",
        "irflow p95",
        "fixed-60 p95",
        "irflow max",
        "target",
      ],
      rows,
    ),
  );
  console.log("\nshare: irflow's SageMaker calls per job as a share of fixed-60's (target <= 30%)");
  console.log("target: p95 delay at or below fixed-60's, with at most 30% of its calls");
}

function targetLine(details: readonly ScheduleDetail[]): string {
  const irflow = pick(details, "irflow");
  const fixed = pick(details, "fixed-60");
  const check = checkTarget(details);
  return [
    `target: p95 delay ${irflow.delayP95.toFixed(1)} s <= fixed-60's ${fixed.delayP95.toFixed(1)} s: ${check.delayMet ? "met" : "NOT met"};`,
    `calls ${irflow.callsPerJob.toFixed(2)} = ${(100 * check.callShare).toFixed(1)}% of fixed-60's ${fixed.callsPerJob.toFixed(2)} (<= 30%): ${check.callsMet ? "met" : "NOT met"}`,
  ].join(" ");
}

/** irflow against fixed-60 for each kind of job in the mix. */
function kindTable(jobs: readonly SimJob[], outcomes: Map<string, JobOutcome[]>): string {
  const kinds = [...new Set(jobs.map((job) => job.kind))].sort();
  const rows = kinds.map((kind) => {
    const indexes = jobs.flatMap((job, index) => (job.kind === kind ? [index] : []));
    const of = (name: string) =>
      summarize(
        name,
        indexes.flatMap((index) => {
          const outcome = outcomes.get(name)?.[index];
          return outcome ? [outcome] : [];
        }),
      );
    const irflow = of("irflow");
    const fixed = of("fixed-60");
    return [
      kind,
      String(indexes.length),
      irflow.callsPerJob.toFixed(2),
      fixed.callsPerJob.toFixed(2),
      `${((100 * irflow.callsPerJob) / fixed.callsPerJob).toFixed(0)}%`,
      `${irflow.delayP95.toFixed(1)} s`,
      `${irflow.delayMax.toFixed(0)} s`,
    ];
  });
  return `irflow by kind of job:\n${table(
    ["kind", "jobs", "irflow calls/job", "fixed-60 calls/job", "share", "irflow p95", "irflow max"],
    rows,
  )}`;
}

function pick(details: readonly ScheduleDetail[], name: string): ScheduleDetail {
  const found = details.find((detail) => detail.name === name);
  if (!found) throw new Error(`no figures for schedule ${name}`);
  return found;
}

function figures(detail: ScheduleDetail): ScheduleFigures {
  return {
    name: detail.name,
    callsPerJob: detail.callsPerJob,
    delayP50: detail.delayP50,
    delayP95: detail.delayP95,
    delayMax: detail.delayMax,
    transitionsPerJob: detail.transitionsPerJob,
    costPerJob: detail.costPerJob,
  };
}
