/**
 * The parts of the time budget fit together: whatever a spec and a stage set within their limits,
 * an execution ends in the state its outcome routes to, never by its own timeout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STATE_MACHINE_DEFINITION_PATH } from "../../src/infrastructure.ts";
import { TIME_BUDGET } from "../../src/time-budget.ts";
import { bindDefinition } from "../../src/workflow/functions.ts";

const ROOT = join(import.meta.dirname, "../..");

interface Retrier {
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
}

const definition = JSON.parse(
  bindDefinition(readFileSync(join(ROOT, STATE_MACHINE_DEFINITION_PATH), "utf8"), (name) => name),
) as { TimeoutSeconds: number; States: Record<string, { Retry?: Retrier[] }> };

/**
 * The longest a Task may take, every retrier exhausted: each attempt running to the Lambda
 * timeout, each wait at its longest (FULL jitter waits at most the computed interval).
 */
function longestTaskSeconds(state: string, lambdaTimeout: number): number {
  const retriers = definition.States[state]?.Retry ?? [];
  let attempts = 1;
  let waits = 0;
  for (const retrier of retriers) {
    const interval = retrier.IntervalSeconds ?? 1;
    const rate = retrier.BackoffRate ?? 2;
    const max = retrier.MaxAttempts ?? 3;
    attempts += max;
    for (let k = 0; k < max; k += 1) {
      waits += Math.min(interval * rate ** k, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    }
  }
  return attempts * lambdaTimeout + waits;
}

const {
  jobDeadlineSeconds: job,
  queueDeadlineSeconds: queue,
  lambdaTimeoutSeconds: lambda,
} = TIME_BUDGET;

describe("the time budget", () => {
  it("binds the state machine's timeout from the budget", () => {
    expect(definition.TimeoutSeconds).toBe(TIME_BUDGET.executionTimeoutSeconds);
  });

  it("leaves room after a job's deadline for the stop and the publication, every retry spent", () => {
    // Act
    const finishing =
      longestTaskSeconds("StopJobAtDeadline", lambda.default) +
      longestTaskSeconds("PublishOutcome", lambda.default);

    // Assess
    expect(finishing).toBeGreaterThan(0);
    expect(finishing).toBeLessThanOrEqual(TIME_BUDGET.finishingMarginSeconds);
  });

  it("fits the longest queue wait, the longest job and its finishing in the execution's timeout", () => {
    expect(queue.max + job.max + TIME_BUDGET.finishingMarginSeconds).toBeLessThanOrEqual(
      TIME_BUDGET.executionTimeoutSeconds,
    );
  });

  it("keeps every default job deadline within the limits a spec may set", () => {
    expect(job.defaultJob).toBeGreaterThanOrEqual(job.min);
    expect(job.defaultJob).toBeLessThanOrEqual(job.max);
    expect(job.advancedAssumedDuration + job.advancedMargin).toBeLessThanOrEqual(job.max);
    expect(queue.default).toBeGreaterThanOrEqual(queue.min);
    expect(queue.default).toBeLessThanOrEqual(queue.max);
  });

  it("holds a slot past its job's finishing, and a publication claim past a Lambda's run", () => {
    expect(TIME_BUDGET.slotLeaseMarginSeconds).toBeGreaterThanOrEqual(
      TIME_BUDGET.finishingMarginSeconds,
    );
    expect(TIME_BUDGET.publicationClaimSeconds).toBeGreaterThan(lambda.default);
  });

  it("keeps Lambda timeouts within Lambda's 900 seconds", () => {
    expect(Math.max(...Object.values(lambda))).toBeLessThanOrEqual(900);
  });
});
