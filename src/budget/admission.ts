/**
 * The monthly tuning budget at the queue's door: an execution's first AcquireSlot estimates its
 * job's cost and reserves it in the month's spend (src/budget/spend.ts), or, when the estimate
 * would take the spend over the execution's budget, decides the record over-budget so no job is
 * created. The month's first over-budget execution is the one whose event tells ops.
 */
import { roundDollars } from "../decision/format.ts";
import { withListPrices } from "../decision/hosting-prices.ts";
import { estimateJobCost, type StoredJobSpec } from "../decision/job-cost-estimate.ts";
import type { TuningCost } from "../decision/tuning-cost.ts";
import { queueEntryId } from "../queue/queue.ts";
import { costEstimated, overBudget } from "../workflow/lifecycle.ts";
import type { JobRecord } from "../workflow/record.ts";
import type { JobStore } from "../workflow/store.ts";
import { tuningCostsOf } from "../workflow/tuning-cost.ts";
import type { SpendStore } from "./spend.ts";

/** How many of the model's latest jobs inform the estimate. */
const HISTORY_JOBS = 20;

/** The UTC calendar month of a time: `2026-12`. */
export function monthOf(time: Date): string {
  return time.toISOString().slice(0, 7);
}

/**
 * The prices per instance-hour to estimate with: what the model's earlier jobs recorded for a type
 * (their own recommendations' prices), else the list prices.
 */
export function historyPrices(history: readonly TuningCost[]): Map<string, number> {
  const recorded = new Map<string, number>();
  for (const cost of history) {
    for (const part of cost.parts) {
      if (part.instanceType && part.pricePerHour !== undefined && !recorded.has(part.instanceType))
        recorded.set(part.instanceType, part.pricePerHour);
    }
  }
  return withListPrices(recorded);
}

/**
 * What the job is expected to cost (US dollars, 0 when unknown): from the model's earlier jobs of
 * the same kind and job type, else from its spec.
 */
export async function estimateFor(
  record: Pick<JobRecord, "spec" | "modelKey" | "kind" | "jobType">,
  store: Pick<JobStore, "listByModel">,
): Promise<{ dollars: number; known: boolean; method: string }> {
  const { records } = await store.listByModel(record.modelKey, HISTORY_JOBS);
  const history = tuningCostsOf(records, record);
  const spec = record.spec as StoredJobSpec | undefined;
  const estimate = spec
    ? estimateJobCost({ spec, history, prices: historyPrices(history) })
    : undefined;
  // An estimate that cannot be made reserves nothing: the job still counts once it has a cost.
  return {
    dollars: roundDollars(estimate?.dollars ?? 0),
    known: estimate?.dollars !== undefined,
    method: estimate?.method ?? "none",
  };
}

/** The one rule of the budget: the month's spend with this job's estimate stays within it. */
export function overBudgetBy(spend: number, estimate: number, budget: number): boolean {
  return spend + estimate > budget;
}

export interface AdmissionDeps {
  store: JobStore;
  spend: SpendStore;
  now: () => Date;
}

/**
 * The record with its estimate reserved, or decided over-budget. A record that already holds its
 * reservation is returned as it is; a retried call finds the reservation it made before.
 */
export async function reserveEstimate(record: JobRecord, deps: AdmissionDeps): Promise<JobRecord> {
  if (record.costEstimate || record.phase !== "validated") return record;
  const now = deps.now();
  // The month of the record, not of this attempt: a retry past midnight on the 1st finds the
  // reservation it made before instead of making a second one in the new month.
  const month = monthOf(new Date(record.createdAt));
  const estimate = await estimateFor(record, deps.store);
  const { dollars } = estimate;
  const enforced = record.budget && !record.budget.override ? record.budget.dollars : undefined;
  const id = queueEntryId(record.executionArn);
  const reservation = await deps.spend.reserve(month, id, dollars, enforced);
  if (!reservation.reserved) {
    const notifyOps = await deps.spend.claimNotice(month, record.executionArn, now);
    return deps.store.mutate(
      record.jobName,
      (latest) =>
        overBudget(
          latest,
          {
            month,
            spendDollars: roundDollars(reservation.spend),
            estimateDollars: dollars,
            budgetDollars: enforced ?? 0,
            notifyOps,
          },
          now,
        ),
      record,
    );
  }
  return deps.store.mutate(
    record.jobName,
    (latest) =>
      costEstimated(
        latest,
        {
          // What the spend holds for this execution, which a retry may have reserved before.
          ...(estimate.known || reservation.dollars > 0 ? { dollars: reservation.dollars } : {}),
          method: estimate.method,
          month,
        },
        now,
      ),
    record,
  );
}

/**
 * Replaces the job's reservation by what it cost: its own tuning cost when it has one, nothing when
 * no job was created, and the estimate itself for a job that ran without a cost of its own.
 */
export async function settleCost(record: JobRecord, spend: SpendStore): Promise<void> {
  const estimate = record.costEstimate;
  if (!estimate) return;
  const reserved = estimate.dollars ?? 0;
  const actual =
    record.tuningCost?.dollars ?? (record.createRequestedAt || record.jobArn ? reserved : 0);
  await spend.settle(
    estimate.month,
    queueEntryId(record.executionArn),
    reserved,
    roundDollars(actual),
  );
}
