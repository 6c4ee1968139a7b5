/**
 * The poll schedule for Inference Recommender jobs: pure code, deterministic given its input.
 *
 * The workflow calls `nextPoll` after CreateJob (elapsed 0, no steps; the first wait comes from
 * the prior) and after every poll that finds the job still PENDING or IN_PROGRESS, with the prior
 * from `priorFromRequest(spec.job)`, the completion times of the model's earlier jobs, the latest
 * steps listing (`observeSteps`), the seconds since CreateJob and the deadline. It waits
 * `waitSeconds`; then, if `wantSteps`, it lists the steps first and calls Describe only when
 * `listingShowsWorkLeft` is false; otherwise it calls Describe. Another kind of job gives its own
 * prior as a `TypicalPrior` ({ basis: "typical", typicalSeconds, spread, earliestSeconds }); the
 * schedule then learns from its history the same way and never asks for steps.
 */
export {
  EARLY_END_SHARE,
  type EndEstimate,
  type EstimateBasis,
  estimateEnd,
  LATE_END_SHARE,
} from "./estimate.ts";
export {
  FINE_POLL_SECONDS,
  LATE_POLL_MAX_SECONDS,
  nextPoll,
  type PollInput,
  PollInputError,
  type PollPlan,
  pollInputSchema,
  QUIET_CHECK_SECONDS,
} from "./poll.ts";
export {
  ASSUMED_PENDING_SECONDS,
  type ClassicPrior,
  classicPriorSchema,
  DOCUMENTED_ADVANCED_SECONDS,
  DOCUMENTED_DEFAULT_SECONDS,
  isTypicalPrior,
  priorEnd,
  priorFromRequest,
  type SchedulePrior,
  schedulePriorSchema,
  type TypicalPrior,
  typicalPriorSchema,
} from "./prior.ts";
export {
  type BenchmarkStepLike,
  listingShowsWorkLeft,
  observeSteps,
  type ProgressKind,
  type StepsObservation,
  stepsObservationSchema,
} from "./progress.ts";
