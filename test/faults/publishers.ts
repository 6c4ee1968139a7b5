/**
 * PublishOutcome's publisher called directly against the local stack's endpoints, so that many
 * can publish one job's outcome at once: the concurrency the publication claim exists for.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  LOCAL_BUS,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_TABLE,
  type LocalStack,
} from "../../local/stack.ts";
import { SpendStore } from "../../src/budget/spend.ts";
import { queueStoresOn } from "../../src/queue/store.ts";
import {
  type Publication,
  type PublishDeps,
  publishRecord,
} from "../../src/workflow/steps/publish-outcome.ts";
import { JobStore } from "../../src/workflow/store.ts";

export const EXECUTION_PREFIX = "arn:aws:states:us-east-1:111122223333:execution:irflow:";

/** The errors PublishOutcome's Retry policies retry. */
const RETRIED = new Set([
  "TransientAwsError",
  "EventPublishError",
  "PublishInProgressError",
  "RecordConflictError",
]);
const ATTEMPTS = 8;

/** What a publisher needs, reaching DynamoDB through the fault proxy and the stack's bus. */
export function publisherDeps(stack: LocalStack): { deps: PublishDeps; destroy(): void } {
  const settings = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...settings, endpoint: stack.endpoints.dynamodb });
  const documents = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const events = new EventBridgeClient({ ...settings, endpoint: stack.endpoints.eventbridge });
  return {
    deps: {
      store: new JobStore(documents, LOCAL_TABLE),
      spend: new SpendStore(documents, LOCAL_TABLE),
      queues: queueStoresOn(documents, LOCAL_TABLE),
      events,
      publish: { busName: LOCAL_BUS, source: "irflow" },
      retentionDays: 400,
      // The real clock, as Lambda runs concurrent publishers.
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
    destroy: () => {
      dynamo.destroy();
      events.destroy();
    },
  };
}

/** Publishes the job's outcome, trying again after the errors the state machine retries. */
export async function publishAsRetried(jobName: string, deps: PublishDeps): Promise<Publication> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await publishRecord(jobName, deps);
    } catch (error) {
      if (!RETRIED.has((error as Error).name) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
