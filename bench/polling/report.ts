/**
 * Figures per schedule over a mix: SageMaker calls, detection delay, state transitions and the
 * orchestration cost of one job on AWS.
 *
 * Counting, for one job: each poll is a Wait, the Describe Task and the Choice after it (3 state
 * transitions, 1 Lambda invocation, 1 DescribeInferenceRecommendationsJob call, plus a
 * ListInferenceRecommendationsJobSteps call when the schedule asked for the steps); outside the
 * polling loop the happy path enters 7 states (ValidateSpec, IsSpecValid, CreateJob,
 * SelectRecommendation, PublishOutcome, RouteOutcome, Selected) and invokes 4 functions.
 * SageMaker API calls themselves are not charged; DynamoDB and EventBridge are left out.
 */
import { ASSUMED_AWS_MS_PER_INVOCATION, LAMBDA_MEMORY_GB, PRICES } from "../pricing.ts";
import type { SimJob } from "./mix.ts";
import type { JobOutcome, Schedule } from "./simulate.ts";

export const TRANSITIONS_PER_POLL = 3;
export const TRANSITIONS_OUTSIDE_POLLING = 7;
export const INVOCATIONS_OUTSIDE_POLLING = 4;
/** Extra Lambda time of a poll that also lists the steps; an assumption, not a reading. */
export const ASSUMED_MS_PER_LISTING = 100;

export interface ScheduleFigures {
  name: string;
  callsPerJob: number;
  delayP50: number;
  delayP95: number;
  delayMax: number;
  transitionsPerJob: number;
  costPerJob: number;
}

export interface ScheduleDetail extends ScheduleFigures {
  listingsPerJob: number;
  /** Jobs whose end no poll saw before the deadline. */
  missed: number;
}

export function summarize(name: string, outcomes: readonly JobOutcome[]): ScheduleDetail {
  const jobs = Math.max(1, outcomes.length);
  const polls = outcomes.reduce((sum, outcome) => sum + outcome.polls, 0);
  const describes = outcomes.reduce((sum, outcome) => sum + outcome.describes, 0);
  const listings = outcomes.reduce((sum, outcome) => sum + outcome.listings, 0);
  const delays = outcomes
    .flatMap((outcome) => (outcome.delaySeconds !== undefined ? [outcome.delaySeconds] : []))
    .sort((a, b) => a - b);
  const transitions = outcomes.length * TRANSITIONS_OUTSIDE_POLLING + polls * TRANSITIONS_PER_POLL;
  const invocations = outcomes.length * INVOCATIONS_OUTSIDE_POLLING + polls;
  const lambdaSeconds =
    (invocations * ASSUMED_AWS_MS_PER_INVOCATION + listings * ASSUMED_MS_PER_LISTING) / 1000;
  const cost =
    transitions * PRICES.stepFunctionsPerTransition +
    invocations * PRICES.lambdaPerRequest +
    lambdaSeconds * LAMBDA_MEMORY_GB * PRICES.lambdaArmPerGbSecond;
  return {
    name,
    callsPerJob: round((describes + listings) / jobs, 2),
    delayP50: round(percentile(delays, 0.5), 1),
    delayP95: round(percentile(delays, 0.95), 1),
    delayMax: round(delays.at(-1) ?? Number.NaN, 1),
    transitionsPerJob: round(transitions / jobs, 1),
    costPerJob: Number((cost / jobs).toPrecision(4)),
    listingsPerJob: round(listings / jobs, 2),
    missed: outcomes.length - delays.length,
  };
}

export function runSchedules(
  schedules: readonly Schedule[],
  jobs: readonly SimJob[],
): { details: ScheduleDetail[]; outcomes: Map<string, JobOutcome[]> } {
  const outcomes = new Map<string, JobOutcome[]>();
  const details = schedules.map((schedule) => {
    const results = jobs.map((job) => schedule.poll(job));
    outcomes.set(schedule.name, results);
    return summarize(schedule.name, results);
  });
  return { details, outcomes };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export interface TargetCheck {
  delayMet: boolean;
  callsMet: boolean;
  /** irflow's calls per job as a share of fixed-60's. */
  callShare: number;
}

/** The target: p95 delay at or below fixed 60 s's, with at most 30% of its calls. */
export function checkTarget(details: readonly ScheduleDetail[]): TargetCheck {
  const irflow = details.find((detail) => detail.name === "irflow");
  const fixed = details.find((detail) => detail.name === "fixed-60");
  if (!irflow || !fixed) throw new Error("the target compares irflow with fixed-60: run both");
  const callShare = irflow.callsPerJob / fixed.callsPerJob;
  return {
    delayMet: irflow.delayP95 <= fixed.delayP95,
    callsMet: callShare <= 0.3,
    callShare,
  };
}

export function scheduleTable(details: readonly ScheduleDetail[]): string {
  const header = [
    "schedule",
    "calls/job",
    "(listings)",
    "delay p50",
    "p95",
    "max",
    "transitions/job",
    "cost/job",
    "missed",
  ];
  const rows = details.map((detail) => [
    detail.name,
    detail.callsPerJob.toFixed(2),
    detail.listingsPerJob.toFixed(2),
    `${detail.delayP50.toFixed(1)} s`,
    `${detail.delayP95.toFixed(1)} s`,
    `${detail.delayMax.toFixed(1)} s`,
    detail.transitionsPerJob.toFixed(1),
    `$${detail.costPerJob.toFixed(6)}`,
    String(detail.missed),
  ]);
  return table(header, rows);
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
