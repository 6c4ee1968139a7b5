/**
 * The poll schedule and the deadline: code, not configuration, so they are tested like code.
 *
 * A job is polled soon after it starts, then less often as it runs (Default jobs usually finish
 * within 45 minutes, Advanced ones take about 2 hours), with a little jitter per job so that many
 * jobs started together do not poll together.
 */
import { sha256Hex } from "../spec/canonical.ts";
import type { JobSpec } from "../spec/schema.ts";

export const PENDING_POLL_SECONDS = 30;
const FIRST_POLL_SECONDS = { Default: 60, Advanced: 120 } as const;
const MAX_POLL_SECONDS = { Default: 300, Advanced: 600 } as const;
const GROWTH = 1.5;
const JITTER = 0.1;

/** Default jobs usually complete within 45 minutes; Advanced ones take about 2 hours on average. */
const DOCUMENTED_DEFAULT_SECONDS = 45 * 60;
const DOCUMENTED_ADVANCED_SECONDS = 2 * 3600;
const DEFAULT_JOB_DEADLINE_SECONDS = 2 * 3600;
const ADVANCED_DEADLINE_MARGIN_SECONDS = 30 * 60;
/** Advanced jobs without JobDurationInSeconds: AWS reports about 2 hours on average. */
const ADVANCED_ASSUMED_DURATION_SECONDS = 3 * 3600;

export function deadlineSeconds(spec: JobSpec): number {
  if (spec.irflow?.deadlineSeconds !== undefined) return spec.irflow.deadlineSeconds;
  if (spec.job.JobType === "Default") return DEFAULT_JOB_DEADLINE_SECONDS;
  const duration = spec.job.InputConfig.JobDurationInSeconds ?? ADVANCED_ASSUMED_DURATION_SECONDS;
  return duration + ADVANCED_DEADLINE_MARGIN_SECONDS;
}

/** How long a job is expected to run, for the queue's estimate of when its slot frees. */
export function expectedRunSeconds(record: {
  jobType?: "Default" | "Advanced" | undefined;
  spec?: JobSpec | undefined;
}): number {
  if (record.jobType !== "Advanced") return DOCUMENTED_DEFAULT_SECONDS;
  return record.spec?.job.InputConfig.JobDurationInSeconds ?? DOCUMENTED_ADVANCED_SECONDS;
}

export interface PollState {
  jobName: string;
  jobType: "Default" | "Advanced";
  status: string;
  /** Polls made so far, this one included. */
  pollCount: number;
  /** Seconds the workflow has waited on this job so far. */
  elapsedSeconds: number;
  deadlineSeconds: number;
}

/** Seconds to wait before the next poll; never past the deadline, never below one second. */
export function nextPollSeconds(state: PollState): number {
  const remaining = state.deadlineSeconds - state.elapsedSeconds;
  const base =
    state.status === "PENDING"
      ? PENDING_POLL_SECONDS
      : Math.min(
          MAX_POLL_SECONDS[state.jobType],
          FIRST_POLL_SECONDS[state.jobType] * GROWTH ** Math.max(0, state.pollCount - 1),
        );
  const jittered = base * (1 + JITTER * (2 * unitHash(`${state.jobName}/${state.pollCount}`) - 1));
  return Math.max(1, Math.min(Math.round(jittered), Math.ceil(remaining)));
}

export function deadlinePassed(
  state: Pick<PollState, "elapsedSeconds" | "deadlineSeconds">,
): boolean {
  return state.elapsedSeconds >= state.deadlineSeconds;
}

function unitHash(text: string): number {
  return Number.parseInt(sha256Hex(text).slice(0, 8), 16) / 0xffffffff;
}
