/**
 * Simulated polling of a job mix. Each schedule polls each job from CreateJob (time 0) until a
 * Describe sees it done or the deadline comes; the job answers as SageMaker would at that instant
 * (PENDING, IN_PROGRESS, COMPLETED; its benchmark steps by their start and end).
 *
 * irflow's schedule is driven through `nextPoll`, the function the Describe step calls, with the
 * same inputs: the prior from the spec, the model's history, the latest step listing (made only
 * when the schedule asked for it), the time since CreateJob and the deadline.
 */
import { listingShowsWorkLeft, nextPoll, type StepsObservation } from "../../src/schedule/index.ts";
import type { SimJob } from "./mix.ts";

export interface JobOutcome {
  /** Polls: one Wait, Task and Choice each. */
  polls: number;
  /** DescribeInferenceRecommendationsJob calls. */
  describes: number;
  /** ListInferenceRecommendationsJobSteps calls. */
  listings: number;
  /** From the job's end to the poll that saw it; undefined when the deadline came first. */
  delaySeconds?: number;
}

export interface Schedule {
  name: string;
  poll(job: SimJob): JobOutcome;
}

export function endOf(job: SimJob): number {
  return job.pendingSeconds + job.runSeconds;
}

export function stepsAt(job: SimJob, at: number): StepsObservation {
  const runStart = job.pendingSeconds;
  const windows =
    job.benchmarks?.map((benchmark) => ({
      start: runStart + benchmark.startOffset,
      end: runStart + benchmark.endOffset,
    })) ?? Array.from({ length: job.hiddenSteps }, () => ({ start: runStart, end: endOf(job) }));
  return {
    observedAtSeconds: at,
    steps: windows.map(({ start, end }) => {
      if (at < start) return { status: "PENDING" };
      if (at < end) return { status: "IN_PROGRESS", startSeconds: start };
      return { status: "COMPLETED", startSeconds: start, endSeconds: end };
    }),
  };
}

export const irflowSchedule: Schedule = {
  name: "irflow",
  poll(job) {
    const end = endOf(job);
    const base = {
      prior: job.prior,
      historySeconds: job.historySeconds,
      deadlineSeconds: job.deadlineSeconds,
    };
    let plan = nextPoll({ ...base, elapsedSeconds: 0 });
    let at = 0;
    let polls = 0;
    let describes = 0;
    let listings = 0;
    let steps: StepsObservation | undefined;
    while (plan.waitSeconds >= 1) {
      at += plan.waitSeconds;
      polls += 1;
      // A listing that shows benchmarks still to run proves the job is not over.
      const listed = plan.wantSteps ? stepsAt(job, at) : undefined;
      if (listed) {
        listings += 1;
        steps = listed;
      }
      if (!listed || !listingShowsWorkLeft(listed)) {
        describes += 1;
        if (at >= end) return { polls, describes, listings, delaySeconds: at - end };
      }
      if (at >= job.deadlineSeconds) break;
      plan = nextPoll({
        ...base,
        ...(steps ? { steps } : {}),
        elapsedSeconds: at,
        status: at < job.pendingSeconds ? "PENDING" : "IN_PROGRESS",
      });
    }
    return { polls, describes, listings };
  },
};

/** Describe every `seconds`, from `seconds` after CreateJob, never past the deadline. */
export function fixedSchedule(seconds: number): Schedule {
  return {
    name: `fixed-${seconds}`,
    poll(job) {
      const end = endOf(job);
      const polls = Math.ceil(Math.min(end, job.deadlineSeconds) / seconds);
      const last = Math.min(polls * seconds, job.deadlineSeconds);
      return last >= end
        ? { polls, describes: polls, listings: 0, delaySeconds: last - end }
        : { polls, describes: polls, listings: 0 };
    },
  };
}

/** Knows when each job ends: one Describe, the first whole second after it. */
export const oracleSchedule: Schedule = {
  name: "oracle",
  poll(job) {
    const at = Math.ceil(endOf(job));
    return at <= job.deadlineSeconds
      ? { polls: 1, describes: 1, listings: 0, delaySeconds: at - endOf(job) }
      : { polls: 1, describes: 1, listings: 0 };
  },
};

export const FIXED_INTERVALS = [5, 30, 60, 120, 300] as const;

export const SCHEDULES: readonly Schedule[] = [
  irflowSchedule,
  ...FIXED_INTERVALS.map(fixedSchedule),
  oracleSchedule,
];
