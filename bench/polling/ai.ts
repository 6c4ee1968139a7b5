/**
 * `npm run bench -- ai-polling [--seed S] [--jobs N] [--json]`: irflow's poll schedule for AI
 * recommendation jobs (CreateAIRecommendationJob) against fixed 30 s polling, the interval of
 * AWS's examples for DescribeAIRecommendationJob, over a mix of simulated jobs.
 *
 * Each job benchmarks 1, 2 or 3 named instance types, or leaves them to SageMaker (the emulator
 * then runs 2); it runs as long as the local emulator would run it (`runSecondsOf`: 20 min, up to
 * 10 min more by its name, 5 min per extra type), InProgress from CreateAIRecommendationJob on.
 * Half the jobs have 1 to 5 earlier jobs of the same model and spec, drawn the same way, as
 * history. The schedule's prior is `aiSchedulePrior(spec)`; it never lists steps, so every poll is
 * one DescribeAIRecommendationJob call. Detection delay: from the job's end to the poll that sees
 * it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runSecondsOf } from "../../local/sagemaker/ai-recommendations.ts";
import { fnv1a32, mulberry32 } from "../../local/sagemaker/performance-random.ts";
import { aiSchedulePrior } from "../../src/kinds/ai-recommendation/schedule.ts";
import {
  AI_INSTANCE_TYPES,
  type AiSpec,
  aiSpecSchema,
} from "../../src/kinds/ai-recommendation/spec.ts";
import { TIME_BUDGET } from "../../src/time-budget.ts";
import { integerOption, parseOptions } from "../args.ts";
import type { SimJob } from "./mix.ts";
import { runSchedules, type ScheduleDetail, summarize, table } from "./report.ts";
import {
  fixedSchedule,
  irflowSchedule,
  type JobOutcome,
  oracleSchedule,
  type Schedule,
} from "./simulate.ts";

export const AI_POLLING_USAGE = "npm run bench -- ai-polling [--seed S] [--jobs N] [--json]";

const ROOT = join(import.meta.dirname, "../..");
const SAMPLE_SPEC = join(ROOT, "events/specs/ai/llama-3-8b-chat.json");
const DEFAULT_SEED = "irflow";
const DEFAULT_JOBS = 2000;
const HISTORY_SHARE = 0.5;
/** Instance types the emulator benchmarks when the spec names none. */
const EMULATOR_UNNAMED_TYPES = 2;

const SCHEDULES: readonly Schedule[] = [irflowSchedule, fixedSchedule(30), oracleSchedule];

export function aiPollingBench(argv: readonly string[]): void {
  const options = parseOptions(argv, { values: ["seed", "jobs"], flags: ["json"] }, "ai-polling");
  const seed = options.values.get("seed") ?? DEFAULT_SEED;
  const jobCount = integerOption(options, "jobs", DEFAULT_JOBS, { min: 1, max: 1_000_000 });
  const jobs = aiMix(seed, jobCount);
  const { details, outcomes } = runSchedules(SCHEDULES, jobs);
  const groups = groupFigures(jobs, outcomes);
  if (options.flags.has("json")) {
    console.log(JSON.stringify({ schedules: details, groups }));
    return;
  }
  console.log(
    `ai-polling: ${jobs.length} simulated AI recommendation jobs, seed "${seed}", ` +
      `${(100 * HISTORY_SHARE).toFixed(0)}% with history\n`,
  );
  console.log(
    table(
      ["schedule", "calls/job", "delay p50", "p95", "max", "missed"],
      details.map((detail) => [
        detail.name,
        detail.callsPerJob.toFixed(2),
        `${detail.delayP50.toFixed(1)} s`,
        `${detail.delayP95.toFixed(1)} s`,
        `${detail.delayMax.toFixed(1)} s`,
        String(detail.missed),
      ]),
    ),
  );
  console.log("\nirflow against fixed-30, by kind of job:");
  console.log(
    table(
      [
        "jobs",
        "n",
        "irflow calls/job",
        "fixed-30 calls/job",
        "share",
        "irflow p50",
        "p95",
        "max",
        "fixed-30 p50",
        "p95",
        "max",
      ],
      groups.map(({ name, count, irflow, fixed }) => [
        name,
        String(count),
        irflow.callsPerJob.toFixed(2),
        fixed.callsPerJob.toFixed(2),
        `${((100 * irflow.callsPerJob) / fixed.callsPerJob).toFixed(0)}%`,
        `${irflow.delayP50.toFixed(1)} s`,
        `${irflow.delayP95.toFixed(1)} s`,
        `${irflow.delayMax.toFixed(0)} s`,
        `${fixed.delayP50.toFixed(1)} s`,
        `${fixed.delayP95.toFixed(1)} s`,
        `${fixed.delayMax.toFixed(0)} s`,
      ]),
    ),
  );
  console.log(
    "\ncalls: DescribeAIRecommendationJob calls; delay: from the job's end to the poll that sees it",
  );
}

/** Jobs as the emulator would run them; the same seed and count give the same mix. */
export function aiMix(seed: string, count: number): SimJob[] {
  const random = mulberry32(fnv1a32(`ai-polling:${seed}`));
  const sample = aiSpecSchema.parse(JSON.parse(readFileSync(SAMPLE_SPEC, "utf8")));
  const deadline = sample.irflow?.deadlineSeconds ?? TIME_BUDGET.jobDeadlineSeconds.defaultJob;
  return Array.from({ length: count }, (_, index) => {
    // 0: SageMaker picks the instance types; 1 to 3: the spec names them.
    const named = Math.floor(random() * 4);
    const spec = withInstanceTypes(sample, pickTypes(random, named));
    const types = named > 0 ? named : EMULATOR_UNNAMED_TYPES;
    const model = `ai-${seed}-${index}`;
    const earlier = random() < HISTORY_SHARE ? 1 + Math.floor(random() * 5) : 0;
    const historySeconds = Array.from({ length: earlier }, (_, run) =>
      runSecondsOf(`${model}-earlier-${run}`, types),
    );
    return {
      kind: `${named > 0 ? `${named} type${named > 1 ? "s" : ""}` : "types unnamed"}, ${
        earlier > 0 ? "history" : "no history"
      }`,
      prior: aiSchedulePrior(spec),
      deadlineSeconds: deadline,
      // InProgress from CreateAIRecommendationJob on: no PENDING.
      pendingSeconds: 0,
      runSeconds: runSecondsOf(model, types),
      hiddenSteps: 1,
      historySeconds,
    };
  });
}

function pickTypes(random: () => number, count: number): string[] {
  const pool: string[] = [...AI_INSTANCE_TYPES];
  return Array.from({ length: count }, () => {
    const [type] = pool.splice(Math.floor(random() * pool.length), 1);
    return type ?? "ml.g6e.2xlarge";
  });
}

function withInstanceTypes(sample: AiSpec, types: readonly string[]): AiSpec {
  const { ComputeSpec: _, ...job } = sample.job;
  return aiSpecSchema.parse({
    ...sample,
    job: types.length > 0 ? { ...job, ComputeSpec: { InstanceTypes: types } } : job,
  });
}

interface GroupFigures {
  name: string;
  count: number;
  irflow: ScheduleDetail;
  fixed: ScheduleDetail;
}

function groupFigures(
  jobs: readonly SimJob[],
  outcomes: Map<string, JobOutcome[]>,
): GroupFigures[] {
  const groups: [string, (job: SimJob) => boolean][] = [
    ["all", () => true],
    ["no history", (job) => job.historySeconds.length === 0],
    ["history", (job) => job.historySeconds.length > 0],
    ...["1 type", "2 types", "3 types", "types unnamed"].map(
      (types): [string, (job: SimJob) => boolean] => [types, (job) => job.kind.startsWith(types)],
    ),
  ];
  return groups.map(([name, belongs]) => {
    const indexes = jobs.flatMap((job, index) => (belongs(job) ? [index] : []));
    const of = (schedule: string) =>
      summarize(
        schedule,
        indexes.flatMap((index) => {
          const outcome = outcomes.get(schedule)?.[index];
          return outcome ? [outcome] : [];
        }),
      );
    return { name, count: indexes.length, irflow: of("irflow"), fixed: of("fixed-30") };
  });
}
