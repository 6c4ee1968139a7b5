/**
 * When to look at a job next, and whether to list its benchmark steps when doing so.
 *
 * SageMaker sends no event when an Inference Recommender job ends, so irflow polls. A poll is one
 * DescribeInferenceRecommendationsJob call; when the schedule asks for the steps, it first makes
 * one ListInferenceRecommendationsJobSteps call, and skips the Describe if the listing proves the
 * job is still running (`listingShowsWorkLeft`). Every call counts. The schedule:
 * - never polls right after CreateJob: the first wait comes from the prior;
 * - while the job cannot be done (before its earliest plausible end), polls only to learn its
 *   progress or, at least every QUIET_CHECK_SECONDS, to catch a job that failed early;
 * - once it may be done, polls every FINE_POLL_SECONDS;
 * - past every expectation (a job that overruns or hangs), lets the interval grow to
 *   LATE_POLL_MAX_SECONDS;
 * - never waits past the deadline.
 * A job whose prior is a typical one (`TypicalPrior`, any kind of job other than Inference
 * Recommender's) is polled the same way, with Describe calls only: its steps are never listed.
 * It is a pure function of its input: the same input always gives the same plan.
 */
import * as z from "zod";
import { type EndEstimate, estimateEnd } from "./estimate.ts";
import { isTypicalPrior, schedulePriorSchema } from "./prior.ts";
import { stepsObservationSchema } from "./progress.ts";

/** The interval while the job may be done: at or below a fixed 60 s schedule's delay. */
export const FINE_POLL_SECONDS = 55;
/** The longest wait while the job cannot be done: bounds how late an early failure is seen. */
export const QUIET_CHECK_SECONDS = 1800;
/** The longest wait once the job has overrun every expectation. */
export const LATE_POLL_MAX_SECONDS = 300;
/** How fast the interval grows past the latest expected end (seconds per second overrun). */
const LATE_GROWTH = 0.1;
/** A progress check lands this far (as a share) from now to the earliest plausible end. */
const CHECK_AT = 0.8;
/** A progress check must land at least this long before the earliest plausible end. */
const MIN_CHECK_LEAD_SECONDS = 5 * FINE_POLL_SECONDS;
/** Listing steps is worth a call only when the end may still be this far beyond the window. */
const WORTH_LISTING_SECONDS = 3 * FINE_POLL_SECONDS;
/** Steps are listed again once this share of the time to the predicted end has passed. */
const RELIST_SHARE = 0.25;

const seconds = z
  .number({ error: "must be a number of seconds" })
  .finite({ error: "must be finite" });

export const pollInputSchema = z.strictObject({
  prior: schedulePriorSchema,
  /** Completion times (CompletionTime - CreationTime, seconds) of this model's earlier jobs. */
  historySeconds: z
    .array(seconds.positive({ error: "must be positive" }))
    .max(1000, { error: "must hold at most 1000 durations" })
    .default([]),
  /** The latest listing of the job's benchmark steps, if any. */
  steps: stepsObservationSchema.optional(),
  /** Seconds since CreateJob, now. */
  elapsedSeconds: seconds.min(0, { error: "must not be negative" }),
  /** The job must be over by then (seconds since CreateJob). */
  deadlineSeconds: seconds.positive({ error: "must be positive" }),
  /** The latest DescribeInferenceRecommendationsJob status, when there has been one. */
  status: z
    .enum(["PENDING", "IN_PROGRESS"], { error: "must be PENDING or IN_PROGRESS" })
    .optional(),
});

export type PollInput = z.input<typeof pollInputSchema>;

export interface PollPlan {
  /** Seconds to wait before the next poll (whole seconds; 0 once the deadline has come). */
  waitSeconds: number;
  /** Whether the next poll also lists the job's benchmark steps. */
  wantSteps: boolean;
  estimate: EndEstimate;
}

/** Bad input to the schedule, naming the field and the rule it breaks. */
export class PollInputError extends Error {
  override readonly name = "PollInputError";
}

export function nextPoll(input: PollInput): PollPlan {
  const parsed = pollInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${formatPath(issue.path)}: ${issue.message} (${issue.code})`,
    );
    throw new PollInputError(`invalid poll input: ${problems.join("; ")}`);
  }
  const request = parsed.data;
  const { estimate, observedAtSeconds, nextChangeSeconds } = estimateEnd(request);
  const now = request.elapsedSeconds;
  const remaining = Math.floor(request.deadlineSeconds - now);
  if (remaining < 1) return { waitSeconds: Math.max(0, remaining), wantSteps: false, estimate };

  // A typical prior is for jobs whose steps cannot be listed: only Describe calls.
  const progressOpen =
    !isTypicalPrior(request.prior) &&
    (estimate.progress === "unobserved" ||
      estimate.progress === "started" ||
      estimate.progress === "pace");
  /** Whether listing the steps at `time` can still change the schedule. */
  const worthListing = (time: number) => {
    if (!progressOpen) return false;
    if (estimate.endSeconds - Math.max(time, estimate.earliestSeconds) <= WORTH_LISTING_SECONDS) {
      return false;
    }
    if (observedAtSeconds === undefined) return true;
    if (nextChangeSeconds !== undefined && time < nextChangeSeconds) return false;
    const age = time - observedAtSeconds;
    return (
      age >=
      Math.max(2 * FINE_POLL_SECONDS, RELIST_SHARE * (estimate.endSeconds - observedAtSeconds))
    );
  };

  let target: number;
  if (now + FINE_POLL_SECONDS < estimate.earliestSeconds) {
    target = estimate.earliestSeconds;
    const check = now + CHECK_AT * (estimate.earliestSeconds - now);
    if (estimate.earliestSeconds - check >= MIN_CHECK_LEAD_SECONDS && worthListing(check)) {
      target = check;
    }
    target = Math.min(target, now + QUIET_CHECK_SECONDS);
  } else if (now <= estimate.latestSeconds) {
    target = now + FINE_POLL_SECONDS;
  } else {
    const overrun = now - estimate.latestSeconds;
    target = now + Math.min(LATE_POLL_MAX_SECONDS, FINE_POLL_SECONDS + LATE_GROWTH * overrun);
  }
  const waitSeconds = Math.min(remaining, Math.max(1, Math.round(target - now)));
  return { waitSeconds, wantSteps: worthListing(now + waitSeconds), estimate };
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) =>
        typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
      "",
    ) || "input"
  );
}
