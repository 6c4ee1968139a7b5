/**
 * `npm run bench -- scale [--jobs N] [--limit L] [--throttle R] [--time-scale S] [--json]`: N
 * executions started at once on the local stack, irflow's job limit and the emulator's account
 * limit both L, a share R of SageMaker calls throttled, every job running 45 simulated minutes.
 * Reports what a platform team re-tuning a fleet would see: how many succeed, how many jobs ran at
 * once, how long the whole took against the ideal, and how long each execution queued.
 *
 * Durations are simulated seconds, read from the stack's clock and the emulator's job times. The
 * clock stands still while anything works (local/clock.ts), so the figures depend neither on the
 * time scale nor on the machine's speed: `--time-scale` only sets how fast idle time passes.
 */
import { performance } from "node:perf_hooks";
import { ListInferenceRecommendationsJobsCommand } from "@aws-sdk/client-sagemaker";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { startLocalStack } from "../local/stack.ts";
import { validateSpec } from "../src/spec/validate.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { sample, stackClients } from "../test/support/stack.ts";
import { integerOption, parseOptions } from "./args.ts";

const RUN_SECONDS = 2700;
const START_CONCURRENCY = 50;
/** How often a run reports its progress on stderr, in real milliseconds. */
const PROGRESS_EVERY_MS = 15_000;

export interface ScaleFigures {
  jobs: number;
  limit: number;
  throttle: number;
  timeScale: number;
  succeeded: number;
  failed: number;
  peakConcurrentJobs: number;
  jobSeconds: number;
  makespanSeconds: number;
  idealSeconds: number;
  makespanOverIdeal: number;
  refusedCreateJobCalls: number;
  queueWaitP50: number;
  queueWaitP95: number;
  queueWaitMax: number;
  /**
   * The longest an execution waited beyond its fair share: its arrival rank / L rounds of jobs,
   * each round the job duration (the ideal pace).
   */
  maxWaitBeyondFairShare: number;
  /**
   * The same at the pace the run kept (makespan / rounds a round): what is left is unfairness
   * alone, the time each round takes beyond the job being counted in the makespan.
   */
  maxWaitBeyondObservedShare: number;
  wallSeconds: number;
}

export async function scaleRun(options: {
  jobs: number;
  limit: number;
  throttle: number;
  timeScale: number;
}): Promise<ScaleFigures> {
  const stack = await startLocalStack({
    timeScale: options.timeScale,
    logLevel: "CRITICAL",
    jobLimit: options.limit,
    faults: {
      sagemaker: {
        seed: "scale",
        throttleRate: options.throttle,
        accountJobLimit: options.limit,
        jobs: [{ match: ".", runSeconds: RUN_SECONDS }],
      },
    },
  });
  const clients = stackClients(stack);
  const clock = stack.clock;
  try {
    const specs = Array.from({ length: options.jobs }, (_, index) =>
      sample("default-model-name.json", `scale-${index}`),
    );
    const started = performance.now();
    const simulatedStart = clock.now();
    const executionArns: string[] = [];
    for (let first = 0; first < specs.length; first += START_CONCURRENCY) {
      const batch = specs.slice(first, first + START_CONCURRENCY);
      const arns = await Promise.all(
        batch.map(async (spec, offset) => {
          const { executionArn } = await clients.sfn.send(
            new StartExecutionCommand({
              stateMachineArn: stack.stateMachineArn,
              name: `scale-${first + offset}`,
              input: JSON.stringify({ spec, trigger: { type: "schedule", detail: "bench" } }),
            }),
          );
          return executionArn ?? "";
        }),
      );
      executionArns.push(...arns);
    }
    let ended = 0;
    const progress = setInterval(() => {
      const hours = (clock.now() - simulatedStart) / 3_600_000;
      process.stderr.write(
        `scale: ${ended} of ${executionArns.length} executions ended, ${hours.toFixed(1)} simulated hours, ${Math.round((performance.now() - started) / 1000)} s\n`,
      );
    }, PROGRESS_EVERY_MS);
    const executions = await Promise.all(
      executionArns.map((arn) =>
        stack.stepFunctions.waitForExecution(arn).finally(() => {
          ended += 1;
        }),
      ),
    ).finally(() => clearInterval(progress));
    const wallSeconds = (performance.now() - started) / 1000;

    const jobs = await listJobs(clients.sagemaker);
    const records = (
      await Promise.all(
        specs.map((spec) => {
          const result = validateSpec(spec);
          return result.valid ? clients.store.get(result.jobName) : undefined;
        }),
      )
    ).filter((record): record is JobRecord => record !== undefined);
    const jobSeconds = mean(jobs.map((job) => (job.end - job.start) / 1000));
    const makespanSeconds = (Math.max(...jobs.map((job) => job.end)) - simulatedStart) / 1000;
    const idealSeconds = Math.ceil(options.jobs / options.limit) * jobSeconds;
    const waits = queueWaits(records);
    const rounds = Math.ceil(options.jobs / options.limit);
    const worstBeyond = (roundSeconds: number) =>
      waits
        .map((wait, rank) => wait - Math.floor(rank / options.limit) * roundSeconds)
        .reduce((worst, extra) => Math.max(worst, extra), 0);
    const sorted = [...waits].sort((a, b) => a - b);
    return {
      jobs: options.jobs,
      limit: options.limit,
      throttle: options.throttle,
      timeScale: options.timeScale,
      succeeded: executions.filter((execution) => execution.status === "SUCCEEDED").length,
      failed: executions.filter((execution) => execution.status !== "SUCCEEDED").length,
      peakConcurrentJobs: peakOverlap(jobs),
      jobSeconds: Math.round(jobSeconds),
      makespanSeconds: Math.round(makespanSeconds),
      idealSeconds: Math.round(idealSeconds),
      makespanOverIdeal: round(makespanSeconds / idealSeconds, 3),
      refusedCreateJobCalls: stack.sagemaker.service.refusedCreates,
      queueWaitP50: Math.round(quantile(sorted, 0.5)),
      queueWaitP95: Math.round(quantile(sorted, 0.95)),
      queueWaitMax: Math.round(sorted.at(-1) ?? 0),
      maxWaitBeyondFairShare: Math.round(worstBeyond(jobSeconds)),
      maxWaitBeyondObservedShare: Math.round(worstBeyond(makespanSeconds / rounds)),
      wallSeconds: round(wallSeconds, 1),
    };
  } finally {
    clients.destroy();
    await stack.close();
  }
}

/** Every job's simulated creation and completion, from SageMaker's own answers. */
async function listJobs(
  sagemaker: ReturnType<typeof stackClients>["sagemaker"],
): Promise<{ start: number; end: number }[]> {
  const jobs: { start: number; end: number }[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sagemaker.send(
      new ListInferenceRecommendationsJobsCommand({ MaxResults: 100, NextToken }),
    );
    for (const job of page.InferenceRecommendationsJobs ?? []) {
      jobs.push({
        start: job.CreationTime?.getTime() ?? 0,
        end: job.CompletionTime?.getTime() ?? job.CreationTime?.getTime() ?? 0,
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return jobs;
}

/**
 * Simulated seconds each execution queued, in the order they joined the queue. Executions that
 * joined at the same instant have no order among them: any is fair, so they rank as admitted.
 */
function queueWaits(records: JobRecord[]): number[] {
  return records
    .filter((record) => record.queuedAt && record.admittedAt)
    .sort(
      (a, b) =>
        (a.queuedAt ?? "").localeCompare(b.queuedAt ?? "") ||
        (a.admittedAt ?? "").localeCompare(b.admittedAt ?? ""),
    )
    .map(
      (record) => (Date.parse(record.admittedAt ?? "") - Date.parse(record.queuedAt ?? "")) / 1000,
    );
}

function peakOverlap(jobs: { start: number; end: number }[]): number {
  const moments = jobs
    .flatMap((job) => [
      { at: job.start, change: 1 },
      { at: job.end, change: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.change - b.change);
  let running = 0;
  let peak = 0;
  for (const moment of moments) {
    running += moment.change;
    peak = Math.max(peak, running);
  }
  return peak;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

function quantile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
}

export async function scaleBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(
    argv,
    { values: ["jobs", "limit", "throttle", "time-scale"], flags: ["json"] },
    "scale",
  );
  const throttle = Number(options.values.get("throttle") ?? "0.05");
  if (!(throttle >= 0 && throttle < 1)) {
    throw new Error(
      `--throttle must be a share from 0 to below 1, got ${options.values.get("throttle")}`,
    );
  }
  const figures = await scaleRun({
    jobs: integerOption(options, "jobs", 500, { min: 1, max: 5000 }),
    limit: integerOption(options, "limit", 10, { min: 1, max: 100 }),
    throttle,
    timeScale: integerOption(options, "time-scale", 2000, { min: 10, max: 20_000 }),
  });
  if (options.flags.has("json")) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const rows: [string, string][] = [
    [
      "executions",
      `${figures.jobs} started at once, limit ${figures.limit}, ${Math.round(figures.throttle * 100)}% of SageMaker calls throttled`,
    ],
    ["succeeded / failed", `${figures.succeeded} / ${figures.failed}`],
    ["peak concurrent jobs", `${figures.peakConcurrentJobs} (limit ${figures.limit})`],
    ["job duration", `${figures.jobSeconds} s simulated`],
    [
      "makespan",
      `${figures.makespanSeconds} s simulated, ${figures.makespanOverIdeal}x the ideal ${figures.idealSeconds} s`,
    ],
    ["refused CreateJob calls", String(figures.refusedCreateJobCalls)],
    [
      "queue wait p50 / p95 / max",
      `${figures.queueWaitP50} / ${figures.queueWaitP95} / ${figures.queueWaitMax} s simulated`,
    ],
    [
      "worst wait beyond fair share",
      `${figures.maxWaitBeyondFairShare} s simulated at the ideal pace, ${figures.maxWaitBeyondObservedShare} s at the run's (one job: ${figures.jobSeconds} s)`,
    ],
    ["wall time", `${figures.wallSeconds} s at ${figures.timeScale}x`],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(30)} ${value}`);
}
