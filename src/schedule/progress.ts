/**
 * What ListInferenceRecommendationsJobSteps says about when a job ends: benchmarks done against
 * planned, and when each started and ended. From the pace of the finished benchmarks and the
 * number still to run (as many at once as the job runs them), it predicts when the last one ends.
 *
 * Some jobs show no progress: every step stays IN_PROGRESS (or PENDING) until the job ends and
 * then all flip at once. Such an observation is recognised ("flat"), so the schedule stops paying
 * for step listings that cannot tell it anything.
 */
import * as z from "zod";

const seconds = z
  .number({ error: "must be a number of seconds" })
  .finite({ error: "must be finite" });

export const stepsObservationSchema = z.strictObject({
  /** When the steps were listed, seconds since CreateJob. */
  observedAtSeconds: seconds.min(0, { error: "must not be negative" }),
  steps: z
    .array(
      z.strictObject({
        /** The step's Status as listed: PENDING, IN_PROGRESS, COMPLETED, FAILED, STOPPED... */
        status: z.string({ error: "must be a status string" }),
        /** InvocationStartTime, seconds since CreateJob. */
        startSeconds: seconds.optional(),
        /** InvocationEndTime, seconds since CreateJob. */
        endSeconds: seconds.optional(),
      }),
    )
    .max(1000, { error: "must list at most 1000 steps" }),
});

export type StepsObservation = z.output<typeof stepsObservationSchema>;

/** The fields of a listed benchmark step the schedule reads (as the AWS SDK returns them). */
export interface BenchmarkStepLike {
  Status?: string;
  InferenceBenchmark?: { InvocationStartTime?: Date; InvocationEndTime?: Date };
}

/** An observation from ListInferenceRecommendationsJobSteps' Steps, relative to CreateJob. */
export function observeSteps(
  steps: readonly BenchmarkStepLike[],
  creationTime: Date,
  observedAt: Date,
): StepsObservation {
  const since = (time: Date) => (time.getTime() - creationTime.getTime()) / 1000;
  return {
    observedAtSeconds: Math.max(0, since(observedAt)),
    steps: steps.map((step) => {
      const start = step.InferenceBenchmark?.InvocationStartTime;
      const end = step.InferenceBenchmark?.InvocationEndTime;
      return {
        status: step.Status ?? "PENDING",
        ...(start ? { startSeconds: since(start) } : {}),
        ...(end ? { endSeconds: since(end) } : {}),
      };
    }),
  };
}

const ENDED = new Set(["COMPLETED", "FAILED", "STOPPED"]);
const RUNNING = new Set(["IN_PROGRESS", "STOPPING"]);
const STILL_TO_RUN = new Set(["PENDING", "IN_PROGRESS"]);
const GOING_WRONG = new Set(["FAILED", "STOPPING", "STOPPED"]);

/**
 * Whether a listing proves the job is still running: a benchmark is still pending or running and
 * none failed or was stopped. Such a poll needs no DescribeInferenceRecommendationsJob call; any
 * other listing (every benchmark over, or one failed) does.
 */
export function listingShowsWorkLeft(observation: StepsObservation): boolean {
  return (
    observation.steps.some((step) => STILL_TO_RUN.has(step.status)) &&
    !observation.steps.some((step) => GOING_WRONG.has(step.status))
  );
}
/** From the last benchmark's end to the job's completion; a guess. */
const WRAP_UP_SECONDS = 90;
const WRAP_UP_SPREAD_SECONDS = 60;
/** How far a benchmark's length may differ from the others', before any is seen (relative). */
const BENCHMARK_SPREAD = 0.25;
/** Weight of that guess, in benchmarks, against the lengths actually seen. */
const BENCHMARK_SPREAD_WEIGHT = 2;

export type ProgressKind =
  /** No steps listed yet. */
  | "unobserved"
  /** Steps listed but they cannot tell the pace: all started together and none ended. */
  | "flat"
  /** Some benchmarks started, none ended yet, more to start later: worth looking again. */
  | "started"
  /** Some ended: the pace is known. */
  | "pace"
  /** Every benchmark ended: only the wrap-up is left. */
  | "finished";

export interface ProgressEnd {
  kind: ProgressKind;
  /** When the first benchmark started, seconds since CreateJob. */
  runStartSeconds?: number;
  /** Predicted completion and its standard deviation (seconds), for "pace" and "finished". */
  endSeconds?: number;
  spreadSeconds?: number;
  /** When the next benchmark is expected to end: a listing before then shows nothing new. */
  nextChangeSeconds?: number;
}

export interface ProgressContext {
  /** Load tests run at once, when the spec says. */
  parallelTests?: number;
  /** The part of each benchmark that is load test, when the spec says (seconds). */
  trafficSeconds: number;
}

export function progressEnd(
  observation: StepsObservation | undefined,
  context: ProgressContext,
): ProgressEnd {
  if (!observation) return { kind: "unobserved" };
  const { steps, observedAtSeconds: at } = observation;
  const starts = steps.flatMap((step) =>
    step.startSeconds !== undefined ? [step.startSeconds] : [],
  );
  const runStartSeconds = starts.length > 0 ? Math.min(...starts) : undefined;
  const started = runStartSeconds !== undefined ? { runStartSeconds } : {};
  const ended = steps.filter((step) => ENDED.has(step.status));
  const running = steps.filter((step) => RUNNING.has(step.status));
  const waiting = steps.length - ended.length - running.length;

  if (steps.length === 0) return { kind: "flat" };
  if (ended.length === 0) {
    const together = starts.length === 0 || Math.max(...starts) - Math.min(...starts) < 1;
    if (waiting === 0 && together) return { kind: "flat", ...started };
    // No load test ends before its traffic pattern has run.
    const firstEnd =
      context.trafficSeconds > 0 && starts.length > 0
        ? { nextChangeSeconds: Math.min(...starts) + context.trafficSeconds }
        : {};
    return { kind: "started", ...started, ...firstEnd };
  }

  const endsSeen = ended.flatMap((step) =>
    step.endSeconds !== undefined ? [step.endSeconds] : [],
  );
  const firstStart = runStartSeconds ?? 0;
  /** A benchmark's cycle starts when the slot it took was freed: the latest end before its start. */
  const cycleStart = (start: number | undefined) =>
    start === undefined
      ? firstStart
      : Math.max(firstStart, ...endsSeen.filter((end) => end <= start + 1e-9));
  const lengths = ended.flatMap((step) =>
    step.endSeconds !== undefined ? [step.endSeconds - cycleStart(step.startSeconds)] : [],
  );
  if (lengths.length === 0) return { kind: "started", ...started };
  const mean = lengths.reduce((sum, value) => sum + value, 0) / lengths.length;
  const guessed =
    context.trafficSeconds > 0
      ? BENCHMARK_SPREAD * Math.max(mean - context.trafficSeconds, 60)
      : BENCHMARK_SPREAD * mean;
  const squares = lengths.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  const spread = Math.sqrt(
    (BENCHMARK_SPREAD_WEIGHT * guessed ** 2 + squares) /
      (BENCHMARK_SPREAD_WEIGHT + lengths.length - 1),
  );

  if (waiting === 0 && running.length === 0) {
    return {
      kind: "finished",
      ...started,
      endSeconds: Math.max(at, ...endsSeen) + WRAP_UP_SECONDS,
      spreadSeconds: WRAP_UP_SPREAD_SECONDS,
    };
  }

  // Slots: each running benchmark frees its slot after the typical length; idle slots now.
  const slotCount = Math.max(
    1,
    running.length,
    Math.min(context.parallelTests ?? mostAtOnce(steps, at), steps.length),
  );
  const slots = running.map((step) => {
    const elapsed = at - cycleStart(step.startSeconds);
    return { free: at + Math.max(mean - elapsed, 0.5 * spread, 30), items: 1 };
  });
  const nextChangeSeconds = Math.min(...slots.map((slot) => slot.free), at + mean);
  while (slots.length < slotCount) slots.push({ free: at, items: 0 });
  for (let index = 0; index < waiting; index += 1) {
    const slot = slots.reduce((best, candidate) => (candidate.free < best.free ? candidate : best));
    slot.free += mean;
    slot.items += 1;
  }
  const last = slots.reduce((best, candidate) => (candidate.free > best.free ? candidate : best));
  const items = Math.max(1, last.items);
  const variance =
    items * spread ** 2 + (items * spread) ** 2 / lengths.length + WRAP_UP_SPREAD_SECONDS ** 2;
  return {
    kind: "pace",
    ...started,
    endSeconds: last.free + WRAP_UP_SECONDS,
    spreadSeconds: Math.sqrt(variance),
    nextChangeSeconds,
  };
}

/** The most benchmarks the listing shows running at once, if any started. */
export function observedParallelism(observation: StepsObservation | undefined): number | undefined {
  if (!observation?.steps.some((step) => step.startSeconds !== undefined)) return undefined;
  return mostAtOnce(observation.steps, observation.observedAtSeconds);
}

/** The most steps that ran at one instant, from their start and end times. */
function mostAtOnce(steps: StepsObservation["steps"], at: number): number {
  const events = steps.flatMap((step) =>
    step.startSeconds === undefined
      ? []
      : [
          { time: step.startSeconds, delta: 1 },
          { time: step.endSeconds ?? at, delta: -1 },
        ],
  );
  events.sort((a, b) => a.time - b.time || a.delta - b.delta);
  let running = 0;
  let most = 1;
  for (const event of events) {
    running += event.delta;
    most = Math.max(most, running);
  }
  return most;
}
