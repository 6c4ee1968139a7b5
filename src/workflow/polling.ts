/**
 * The deadline of a job, and the poll plan of a job record: the record's own facts (its spec,
 * the model's earlier run times, the latest listing of its steps) given to the schedule in
 * src/schedule/, which decides when to look next.
 */
import { kindOfSpec } from "../kinds/index.ts";
import { estimateEnd, nextPoll, type PollPlan, type StepsObservation } from "../schedule/index.ts";

/** A job record's spec, of whichever kind. */
type StoredSpec = unknown;

/** Seconds from CreateJob by which the job must be over, or it is stopped: the kind's rule. */
export function deadlineSeconds(spec: StoredSpec): number {
  return kindOfSpec(spec).deadlineSeconds(spec);
}

/**
 * How long a job is expected to run, from its prior and the model's earlier runs: its median, and
 * the time before which it is not expected to end. The queue schedules its waiters on these.
 */
export function expectedRun(
  spec: StoredSpec | undefined,
  historySeconds: readonly number[] = [],
): { medianSeconds: number; earliestSeconds: number } {
  if (!spec) return { medianSeconds: 45 * 60, earliestSeconds: 0 };
  const { estimate } = estimateEnd({
    prior: kindOfSpec(spec).prior(spec),
    historySeconds,
    elapsedSeconds: 0,
  });
  return { medianSeconds: estimate.endSeconds, earliestSeconds: estimate.earliestSeconds };
}

export interface PollFacts {
  spec: StoredSpec;
  historySeconds: number[];
  steps?: StepsObservation | undefined;
  elapsedSeconds: number;
  deadlineSeconds: number;
  status?: string | undefined;
}

/** When to look next, from what the record knows of the job. */
export function planPoll(facts: PollFacts): PollPlan {
  const status =
    facts.status === "PENDING" || facts.status === "IN_PROGRESS" ? facts.status : undefined;
  return nextPoll({
    prior: kindOfSpec(facts.spec).prior(facts.spec),
    historySeconds: facts.historySeconds,
    ...(facts.steps ? { steps: facts.steps } : {}),
    elapsedSeconds: Math.max(0, facts.elapsedSeconds),
    deadlineSeconds: Math.max(1, facts.deadlineSeconds),
    ...(status ? { status } : {}),
  });
}

export function deadlinePassed(state: {
  elapsedSeconds: number;
  deadlineSeconds: number;
}): boolean {
  return state.elapsedSeconds >= state.deadlineSeconds;
}
