/** PublishOutcome: puts the job's one outcome event on the bus and records it as published. */
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { buildOutcomeDetail, type PublishOptions, publishOutcome } from "../../outcome.ts";
import { queueEntryId } from "../../queue/queue.ts";
import { type QueueStore, queueStore } from "../../queue/store.ts";
import { awsClient } from "../../runtime.ts";
import { published, undecidedFailure } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

interface Deps {
  store: JobStore;
  queue: QueueStore;
  events: EventBridgeClient;
  publish: PublishOptions;
  retentionDays: number;
  metrics?: Metrics | undefined;
  now: () => Date;
}

export async function publishJobOutcome(
  input: JobInput,
  deps: Deps,
): Promise<{ outcome: Outcome; eventId: string }> {
  let record = await deps.store.require(input.jobName);
  // Every path that ends a job comes through here: its slot is free for the next in line.
  await deps.queue.leave(queueEntryId(record.executionArn));
  if (record.phase === "published" && record.eventId) {
    return { outcome: record.outcome ?? "failed", eventId: record.eventId };
  }
  record = await deps.store.mutate(record.jobName, (current) =>
    undecidedFailure(current, deps.now()),
  );
  const detail = buildOutcomeDetail(record, deps.now());
  const eventId = await publishOutcome(deps.events, detail, deps.publish);
  await deps.store.mutate(record.jobName, (current) =>
    published(current, { eventId, retentionDays: deps.retentionDays }, deps.now()),
  );
  deps.metrics?.addDimension("outcome", detail.outcome);
  deps.metrics?.addMetric("OutcomePublished", MetricUnit.Count, 1);
  deps.metrics?.addMetric("JobSeconds", MetricUnit.Seconds, detail.timings.durationSeconds);
  return { outcome: detail.outcome, eventId };
}

export const publishOutcomeStep = workflowStep({
  name: "PublishOutcome",
  input: jobInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    queue: queueStore(runtime, config.TABLE_NAME),
    events: awsClient(runtime, "eventbridge", (settings) => new EventBridgeClient(settings)),
    publish: { busName: config.EVENT_BUS_NAME, source: config.EVENT_SOURCE },
    retentionDays: config.RECORD_RETENTION_DAYS,
    metrics: runtime.metrics,
    now: runtime.now,
  }),
  run: publishJobOutcome,
});
