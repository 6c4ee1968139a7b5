/**
 * The time budget: every limit on how long a part of an execution may take, in one place
 * (src/time-budget.json, which serverless.yml reads too). test/unit/time-budget.test.ts proves the
 * parts fit: the longest queue wait, the longest job and what follows a job's deadline stay within
 * the execution's timeout, a slot's lease outlasts its job, a publication claim outlasts a Lambda.
 */
import * as z from "zod";
import budgetJson from "./time-budget.json" with { type: "json" };

const seconds = z.number().int().positive();

const timeBudgetSchema = z.strictObject({
  /** The state machine's TimeoutSeconds (Standard workflows allow a year). */
  executionTimeoutSeconds: seconds,
  /** How long an execution may wait for a slot (QUEUE_DEADLINE_SECONDS). */
  queueDeadlineSeconds: z.strictObject({ min: seconds, default: seconds, max: seconds }),
  /** How long a job may run from its creation before it is stopped (irflow.deadlineSeconds). */
  jobDeadlineSeconds: z.strictObject({
    min: seconds,
    max: seconds,
    /** A Default job's deadline when the spec sets none. */
    defaultJob: seconds,
    /** Added to an Advanced job's JobDurationInSeconds for its deadline. */
    advancedMargin: seconds,
    /** An Advanced job's duration when it states none (AWS reports about two hours). */
    advancedAssumedDuration: seconds,
  }),
  /** After a job's deadline: the stop, the publication and their retries. */
  finishingMarginSeconds: seconds,
  /** How much a slot's lease outlasts its job's deadline, for the stop and the publish after it. */
  slotLeaseMarginSeconds: seconds,
  /** How long a publisher's claim on the outcome event holds. */
  publicationClaimSeconds: seconds,
  /**
   * Lambda timeouts: every function's, and the longer ones of the schedule trigger (it starts a
   * fleet's executions) and the clean-up (it may stop a job and publish).
   */
  lambdaTimeoutSeconds: z.strictObject({
    default: seconds,
    scheduleTrigger: seconds,
    executionEnded: seconds,
  }),
});

export type TimeBudget = z.output<typeof timeBudgetSchema>;

export const TIME_BUDGET: TimeBudget = timeBudgetSchema.parse(budgetJson);
