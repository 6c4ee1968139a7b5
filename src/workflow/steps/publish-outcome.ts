/**
 * PublishOutcome: puts the job's one outcome event on the bus and records it as published.
 *
 * Publishing is claimed first with a conditional write, so concurrent or retried calls publish
 * once. Once EventBridge accepted the event, the record write is retried here, never by putting
 * the event again. The one duplicate left is a PutEvents accepted whose answer was lost (or whose
 * Lambda died before recording it): its copies carry the same outcomeId.
 */
import { randomUUID } from "node:crypto";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { settleCost } from "../../budget/admission.ts";
import { type SpendStore, spendStore } from "../../budget/spend.ts";
import type { Config } from "../../config.ts";
import { PublishInProgressError, RecordConflictError, TransientAwsError } from "../../errors.ts";
import { DEFAULT_KIND } from "../../kinds/index.ts";
import { buildOutcomeDetail, type PublishOptions, publishOutcome } from "../../outcome.ts";
import { queueEntryId } from "../../queue/queue.ts";
import { type QueueStores, queueStores } from "../../queue/store.ts";
import { awsClient, type Runtime } from "../../runtime.ts";
import {
  publicationAbandoned,
  publicationClaim,
  published,
  undecidedFailure,
} from "../lifecycle.ts";
import type { JobRecord, Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

export interface PublishDeps {
  store: JobStore;
  /** The months' tuning spend, where the job's reservation is settled. */
  spend: SpendStore;
  /** Each job kind's queue: a job's slot is in its own kind's. */
  queues: QueueStores;
  events: EventBridgeClient;
  publish: PublishOptions;
  retentionDays: number;
  metrics?: Metrics | undefined;
  now: () => Date;
  /** Waits on the same clock as `now`. */
  sleep: (milliseconds: number) => Promise<void>;
}

export interface Publication {
  outcome: Outcome;
  eventId: string;
  outcomeId: string;
  /** False when the event is on the bus but the record could not say so in time. */
  recorded: boolean;
}

/** How long a publisher waits for another's claim to end before it hands back to Step Functions. */
const BUSY_WAIT_MS = 20_000;
/** Attempts at recording an accepted event, over about 20 seconds. */
const RECORD_ATTEMPTS = 7;

/** Frees the job's slot, then publishes its outcome event once: shared by every path that ends it. */
export async function publishRecord(jobName: string, deps: PublishDeps): Promise<Publication> {
  const { sleep } = deps;
  const claimant = randomUUID();
  let record = await deps.store.require(jobName);
  // Every path that ends a job comes through here: its slot is free for the next in line.
  await deps.queues[record.kind ?? DEFAULT_KIND].leave(queueEntryId(record.executionArn));
  record = await deps.store.mutate(
    jobName,
    (current) => undecidedFailure(current, deps.now()),
    record,
  );
  // The month's spend takes what the job cost in place of its reservation, once.
  await settleCost(record, deps.spend);

  const waitUntil = deps.now().getTime() + BUSY_WAIT_MS;
  for (;;) {
    const claim = publicationClaim(record, claimant, deps.now());
    if (claim.kind === "published") return publicationOf(record, true);
    if (claim.kind === "claim") {
      try {
        record = await deps.store.update(record, claim.change);
        break;
      } catch (error) {
        if (!(error instanceof RecordConflictError)) throw error;
      }
    } else if (deps.now().getTime() >= waitUntil) {
      throw new PublishInProgressError(
        `another publisher holds the claim on ${jobName}'s outcome until ${claim.until}`,
      );
    } else {
      await sleep(1000);
    }
    record = await deps.store.require(jobName);
  }

  const detail = buildOutcomeDetail(record, deps.now());
  let eventId: string;
  try {
    eventId = await publishOutcome(deps.events, detail, { ...deps.publish, sleep });
  } catch (error) {
    // Nothing was accepted: the claim goes at once, so the next attempt need not wait it out.
    await deps.store
      .mutate(jobName, (current) => publicationAbandoned(current, claimant, deps.now()))
      .catch(() => undefined);
    throw error;
  }
  const recorded = await recordPublished(jobName, eventId, deps, sleep);
  deps.metrics?.addDimension("outcome", detail.outcome);
  deps.metrics?.addMetric("OutcomePublished", MetricUnit.Count, 1);
  deps.metrics?.addMetric("JobSeconds", MetricUnit.Seconds, detail.timings.durationSeconds);
  if (!recorded) deps.metrics?.addMetric("OutcomeUnrecorded", MetricUnit.Count, 1);
  return { outcome: detail.outcome, eventId, outcomeId: detail.outcomeId, recorded };
}

/** Retries the record write after an accepted PutEvents; never puts the event again. */
async function recordPublished(
  jobName: string,
  eventId: string,
  deps: PublishDeps,
  sleep: (milliseconds: number) => Promise<void>,
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.store.mutate(jobName, (current) =>
        published(current, { eventId, retentionDays: deps.retentionDays }, deps.now()),
      );
      return true;
    } catch (error) {
      const retryable = error instanceof TransientAwsError || error instanceof RecordConflictError;
      if (!retryable || attempt >= RECORD_ATTEMPTS) return false;
      await sleep(Math.min(8000, 250 * 2 ** attempt));
    }
  }
}

function publicationOf(record: JobRecord, recorded: boolean): Publication {
  return {
    outcome: record.outcome ?? "failed",
    eventId: record.eventId ?? "",
    outcomeId: record.outcomeId ?? "",
    recorded,
  };
}

export async function publishJobOutcome(input: JobInput, deps: PublishDeps): Promise<Publication> {
  return publishRecord(input.jobName, deps);
}

/** What publishing needs, for the publish step and for the clean-up after a dead execution. */
export function connectPublisher(runtime: Runtime, config: Config): PublishDeps {
  return {
    store: jobStore(runtime, config.TABLE_NAME),
    spend: spendStore(runtime, config.TABLE_NAME),
    queues: queueStores(runtime, config.TABLE_NAME),
    events: awsClient(runtime, "eventbridge", (settings) => new EventBridgeClient(settings)),
    publish: { busName: config.EVENT_BUS_NAME, source: config.EVENT_SOURCE },
    retentionDays: config.RECORD_RETENTION_DAYS,
    metrics: runtime.metrics,
    now: runtime.now,
    sleep: runtime.sleep,
  };
}

export const publishOutcomeStep = workflowStep({
  name: "PublishOutcome",
  input: jobInput,
  connect: connectPublisher,
  run: publishJobOutcome,
});
