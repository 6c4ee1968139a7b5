/**
 * The queue in front of the account's limit on concurrent Inference Recommender jobs, shared by
 * every execution whatever started it. Pure: the state is what the queue item holds, and each
 * function says what an execution may do and how long it should wait.
 *
 * Waiters are served oldest first: only the waiters at the head of the line, as many as there are
 * free slots, may take one. An execution returned to the queue (SageMaker refused its job for the
 * account's quota) keeps its place but waits before trying again.
 */
import * as z from "zod";
import { sha256Hex } from "../spec/canonical.ts";

const timestamp = z.iso.datetime();

export const holderSchema = z.strictObject({
  executionArn: z.string(),
  jobName: z.string(),
  /** When the execution joined the queue. */
  since: timestamp,
  admittedAt: timestamp,
  /** When its job is expected to end: what the waiters' schedule is built on. */
  expectedEnd: timestamp,
  /** Before this its job is not expected to end: the next in line sleep until then. */
  earliestEnd: timestamp.optional(),
  /** After this, a holder that never released is taken to be dead and its slot reclaimed. */
  leaseUntil: timestamp,
});
export type Holder = z.output<typeof holderSchema>;

export const waiterSchema = z.strictObject({
  executionArn: z.string(),
  jobName: z.string(),
  since: timestamp,
  /** A waiter returned to the queue tries again only after this. */
  notBefore: timestamp.optional(),
  /** After this the waiter has passed its queue deadline, alive or not. */
  giveUpAt: timestamp,
});
export type Waiter = z.output<typeof waiterSchema>;

export const queueStateSchema = z.object({
  holders: z.record(z.string(), holderSchema),
  waiters: z.record(z.string(), waiterSchema),
});
export type QueueState = z.output<typeof queueStateSchema>;

/** An execution's key in the queue item: short, since thousands share one 400 KB item. */
export function queueEntryId(executionArn: string): string {
  return sha256Hex(executionArn).slice(0, 16);
}

export const EMPTY_QUEUE: QueueState = { holders: {}, waiters: {} };

/**
 * The poll interval of the waiters next in line, so that a freed slot is taken within 30 s: each
 * round of jobs a fleet waits through adds this wait to the detection of a job's end, so it is
 * kept well below a minute.
 */
export const HEAD_POLL_SECONDS = 30;
/** The longest wait between two tries, however long the queue. */
export const MAX_POLL_SECONDS = 30 * 60;
/** How long a returned execution waits before it tries again. */
export const REQUEUE_SECONDS = 120;

const byAge = ([idA, a]: [string, Waiter], [idB, b]: [string, Waiter]) =>
  a.since.localeCompare(b.since) || idA.localeCompare(idB);

/** The waiters in the order they are served. */
export function line(state: QueueState): [string, Waiter][] {
  return Object.entries(state.waiters).sort(byAge);
}

/** Holders whose lease ran out and waiters past their queue deadline: both leave the queue. */
export function expired(state: QueueState, now: Date): { holders: string[]; waiters: string[] } {
  const at = now.toISOString();
  return {
    holders: Object.entries(state.holders)
      .filter(([, holder]) => holder.leaseUntil < at)
      .map(([id]) => id),
    waiters: Object.entries(state.waiters)
      .filter(([, waiter]) => waiter.giveUpAt < at)
      .map(([id]) => id),
  };
}

export type Turn =
  | { kind: "holding" }
  /** At the head of the line with a slot free: take it. */
  | { kind: "admit" }
  | { kind: "wait"; position: number; waitSeconds: number }
  | { kind: "absent" };

/**
 * What the execution `id` may do now: keep its slot, take a free one, or wait (how long comes
 * from when the slots ahead of it are expected to free).
 */
export function turnOf(
  state: QueueState,
  id: string,
  limit: number,
  now: Date,
  expectedJobSeconds: number,
): Turn {
  if (state.holders[id]) return { kind: "holding" };
  const waiting = line(state);
  const position = waiting.findIndex(([waiterId]) => waiterId === id);
  if (position < 0) return { kind: "absent" };
  const waiter = waiting[position]?.[1];
  const free = Math.max(0, limit - Object.keys(state.holders).length);
  const held = waiter?.notBefore !== undefined && waiter.notBefore > now.toISOString();
  if (position < free && !held) return { kind: "admit" };
  const ahead = position - free;
  const untilTurn = secondsUntilTurn(state, ahead, limit, now, expectedJobSeconds);
  const untilRetry = held ? Math.ceil(secondsBetween(now, waiter.notBefore ?? "")) : 0;
  const untilPossible = ahead < limit ? secondsUntilPossibleEnd(state, ahead, now) : 0;
  return {
    kind: "wait",
    position,
    waitSeconds: Math.max(untilRetry, untilPossible, waitFor(untilTurn, ahead, limit)),
  };
}

/**
 * Seconds until the `ahead`-th slot to free (0-based) is expected free: the holders' expected ends
 * in order, then every slot again for each round of jobs after them.
 */
function secondsUntilTurn(
  state: QueueState,
  ahead: number,
  limit: number,
  now: Date,
  expectedJobSeconds: number,
): number {
  if (ahead < 0) return 0;
  const ends = Object.values(state.holders)
    .map((holder) => secondsBetween(now, holder.expectedEnd))
    .sort((a, b) => a - b);
  while (ends.length < limit) ends.push(0);
  const round = Math.floor(ahead / limit);
  const slot = ends[ahead % limit] ?? 0;
  return Math.max(0, slot) + round * expectedJobSeconds;
}

/**
 * Seconds until the `ahead`-th slot to free (0-based, among the holders) may free at the earliest:
 * the next in line sleep until then, since no holder's job is expected to end before.
 */
function secondsUntilPossibleEnd(state: QueueState, ahead: number, now: Date): number {
  const earliest = Object.values(state.holders)
    .map((holder) => secondsBetween(now, holder.earliestEnd ?? now.toISOString()))
    .sort((a, b) => a - b);
  return Math.min(MAX_POLL_SECONDS, Math.floor(earliest[ahead] ?? 0));
}

/**
 * The waiters who take the next free slots poll every HEAD_POLL_SECONDS once a slot may free, since
 * jobs end earlier or later than expected; the others wait half the time until their turn, so they come
 * closer in fewer and fewer polls, never longer than MAX_POLL_SECONDS.
 */
function waitFor(untilTurn: number, ahead: number, limit: number): number {
  if (ahead < limit) return HEAD_POLL_SECONDS;
  return Math.round(Math.min(MAX_POLL_SECONDS, Math.max(HEAD_POLL_SECONDS, untilTurn / 2)));
}

function secondsBetween(from: Date, to: string): number {
  return Math.max(0, (Date.parse(to) - from.getTime()) / 1000);
}
