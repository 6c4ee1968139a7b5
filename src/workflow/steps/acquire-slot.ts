/**
 * AcquireSlot: waits its turn for one of the account's job slots of its kind (each kind has its
 * own queue and limit), oldest first, before CreateJob. The state machine loops on it (Wait, then AcquireSlot again) with the
 * wait it returns; ReturnToQueue calls it with `requeue` when SageMaker refused the job for the
 * account's quota, which someone outside irflow may be using. Its first call reserves the job's
 * cost estimate in the month's tuning spend, or ends the execution over-budget (src/budget/).
 */
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import * as z from "zod";
import { reserveEstimate } from "../../budget/admission.ts";
import { type SpendStore, spendStore } from "../../budget/spend.ts";
import { DEFAULT_KIND, type JobKindName, KINDS } from "../../kinds/index.ts";
import {
  expired,
  HEAD_POLL_SECONDS,
  type Holder,
  queueEntryId,
  REQUEUE_SECONDS,
  turnOf,
  type Waiter,
} from "../../queue/queue.ts";
import { type QueueStores, queueStores } from "../../queue/store.ts";
import { TIME_BUDGET } from "../../time-budget.ts";
import { admitted, queued, queueTimedOut } from "../lifecycle.ts";
import { expectedRun } from "../polling.ts";
import type { JobRecord } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { workflowStep } from "./step.ts";

export const acquireInput = z.object({
  jobName: z.string().min(1),
  executionArn: z.string().min(1),
  /** SageMaker refused the job for the account's quota: back to the line, keeping its place. */
  requeue: z.boolean().optional(),
});
export type AcquireInput = z.output<typeof acquireInput>;

/** Every field the state machine's choice reads is always present: a missing one fails the choice. */
export type SlotState =
  | { granted: true; waitSeconds: 0; queueTimedOut: false; overBudget: false }
  | {
      granted: false;
      waitSeconds: number;
      position: number;
      queueTimedOut: boolean;
      overBudget: boolean;
    };

interface Deps {
  store: JobStore;
  /** The months' tuning spend, where the job's estimate is reserved before it joins the queue. */
  spend: SpendStore;
  /** Each job kind's queue and its limit of jobs at once. */
  queues: QueueStores;
  limits: Record<JobKindName, number>;
  queueDeadlineSeconds: number;
  metrics?: Metrics | undefined;
  now: () => Date;
}

/** A holder's lease outlasts its job's deadline by this, for the stop and the publish after it. */
const LEASE_MARGIN_SECONDS = TIME_BUDGET.slotLeaseMarginSeconds;

export async function acquireSlot(input: AcquireInput, deps: Deps): Promise<SlotState> {
  const now = deps.now();
  const id = queueEntryId(input.executionArn);
  let record = await reserveEstimate(await deps.store.require(input.jobName), deps);
  if (record.outcome === "over-budget") {
    return { granted: false, waitSeconds: 0, position: 0, queueTimedOut: false, overBudget: true };
  }
  const kind = record.kind ?? DEFAULT_KIND;
  const queue = deps.queues[kind];
  const limit = deps.limits[kind];
  let state = await queue.read();
  await evictExpired(queue, state, id, now);
  const queuedAt = record.queuedAt ?? now.toISOString();
  const waiter: Waiter = {
    executionArn: input.executionArn,
    jobName: input.jobName,
    since: state.waiters[id]?.since ?? state.holders[id]?.since ?? queuedAt,
    giveUpAt: new Date(Date.parse(queuedAt) + deps.queueDeadlineSeconds * 1000).toISOString(),
  };
  if (input.requeue) {
    const notBefore = new Date(now.getTime() + REQUEUE_SECONDS * 1000).toISOString();
    await queue.requeue(id, { ...waiter, notBefore });
  } else if (!state.holders[id] && !state.waiters[id]) {
    await queue.join(id, waiter);
  }
  if (!record.queuedAt) {
    record = await deps.store.mutate(record.jobName, (r) => queued(r, now), record);
  }
  state = await queue.read();
  deps.metrics?.addMetric("QueueDepth", MetricUnit.Count, Object.keys(state.waiters).length);

  const turn = turnOf(
    state,
    id,
    limit,
    now,
    expectedRun(record.spec, record.historySeconds).medianSeconds,
  );
  if (
    turn.kind === "holding" ||
    (turn.kind === "admit" && (await admit({ ...deps, queue, limit }, id, record, waiter, now)))
  ) {
    await deps.store.mutate(record.jobName, (r) => admitted(r, now));
    return { granted: true, waitSeconds: 0, queueTimedOut: false, overBudget: false };
  }
  const position = turn.kind === "wait" ? turn.position : 0;
  if (now.toISOString() >= waiter.giveUpAt) {
    await queue.leave(id);
    await deps.store.mutate(record.jobName, (r) =>
      queueTimedOut(r, { position, deadlineSeconds: deps.queueDeadlineSeconds }, now),
    );
    return { granted: false, waitSeconds: 0, position, queueTimedOut: true, overBudget: false };
  }
  // A waiter that lost the last slot to another tries again with the head of the line.
  const waitSeconds = turn.kind === "wait" ? turn.waitSeconds : HEAD_POLL_SECONDS;
  return { granted: false, waitSeconds, position, queueTimedOut: false, overBudget: false };
}

async function admit(
  deps: Pick<Deps, "metrics"> & { queue: QueueStores[JobKindName]; limit: number },
  id: string,
  record: JobRecord,
  waiter: Waiter,
  now: Date,
): Promise<boolean> {
  const run = expectedRun(record.spec, record.historySeconds);
  const holder: Holder = {
    executionArn: waiter.executionArn,
    jobName: waiter.jobName,
    since: waiter.since,
    admittedAt: now.toISOString(),
    expectedEnd: new Date(now.getTime() + run.medianSeconds * 1000).toISOString(),
    earliestEnd: new Date(now.getTime() + run.earliestSeconds * 1000).toISOString(),
    leaseUntil: new Date(
      now.getTime() + (record.deadlineSeconds + LEASE_MARGIN_SECONDS) * 1000,
    ).toISOString(),
  };
  const granted = await deps.queue.admit(id, holder, deps.limit);
  if (granted) {
    deps.metrics?.addMetric(
      "QueueWaitSeconds",
      MetricUnit.Seconds,
      (now.getTime() - Date.parse(waiter.since)) / 1000,
    );
  }
  return granted;
}

/** Holders that outlived their lease are dead: their slots are reclaimed on the way. */
async function evictExpired(
  queue: QueueStores[JobKindName],
  state: Awaited<ReturnType<QueueStores[JobKindName]["read"]>>,
  self: string,
  now: Date,
): Promise<void> {
  const gone = expired(state, now);
  for (const id of gone.holders) {
    const lease = state.holders[id]?.leaseUntil;
    if (lease) await queue.evictHolder(id, lease);
  }
  for (const id of gone.waiters) if (id !== self) await queue.evictWaiter(id);
}

export const acquireSlotStep = workflowStep({
  name: "AcquireSlot",
  input: acquireInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    spend: spendStore(runtime, config.TABLE_NAME),
    queues: queueStores(runtime, config.TABLE_NAME),
    limits: Object.fromEntries(
      Object.values(KINDS).map((kind) => [kind.name, config[kind.limitSetting]]),
    ) as Record<JobKindName, number>,
    queueDeadlineSeconds: config.QUEUE_DEADLINE_SECONDS,
    metrics: runtime.metrics,
    now: runtime.now,
  }),
  run: acquireSlot,
});
