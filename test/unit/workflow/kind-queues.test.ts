/**
 * Each job kind waits in its own queue, under its own limit: a full queue of classic jobs never
 * holds back an AI recommendation job, nor the other way round.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../../local/stack.ts";
import { SpendStore } from "../../../src/budget/spend.ts";
import { type QueueStores, queueStoresOn } from "../../../src/queue/store.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { acquireSlot } from "../../../src/workflow/steps/acquire-slot.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { type JobsTable, openJobsTable } from "../../support/jobs-table.ts";
import { TEST_START, validatedAiRecord, validatedRecord } from "../../support/records.ts";

let table: JobsTable;
let store: JobStore;
let queues: QueueStores;
let spend: SpendStore;

beforeAll(async () => {
  table = await openJobsTable();
  const { documents } = table;
  store = new JobStore(documents, LOCAL_TABLE);
  queues = queueStoresOn(documents, LOCAL_TABLE);
  spend = new SpendStore(documents, LOCAL_TABLE);
});

afterAll(async () => {
  await table.close();
});

const executionOf = (name: string) =>
  `arn:aws:states:us-east-1:111122223333:execution:irflow:${name}`;

async function acquire(record: JobRecord) {
  await store.create(record);
  return acquireSlot(
    { jobName: record.jobName, executionArn: record.executionArn },
    {
      store,
      spend,
      queues,
      limits: { "inference-recommendation": 1, "ai-recommendation": 1 },
      queueDeadlineSeconds: 3600,
      now: () => TEST_START,
    },
  );
}

describe("a queue per job kind", () => {
  it("admits an AI job while the classic queue is full, and holds the second AI job back", async () => {
    // Prepare
    const classic = validatedRecord("classic-1", { executionArn: executionOf("classic-1") });
    const classicWaiting = validatedRecord("classic-2", { executionArn: executionOf("classic-2") });
    const firstAi = validatedAiRecord("first");
    const secondAi = validatedAiRecord("second");

    // Act
    const verdicts = [];
    for (const record of [classic, classicWaiting, firstAi, secondAi]) {
      verdicts.push((await acquire(record)).granted);
    }

    // Assess
    expect(verdicts).toEqual([true, false, true, false]);
    const aiQueue = await queues["ai-recommendation"].read();
    expect(Object.values(aiQueue.holders).map((holder) => holder.jobName)).toEqual([
      firstAi.jobName,
    ]);
    expect(Object.values(aiQueue.waiters).map((waiter) => waiter.jobName)).toEqual([
      secondAi.jobName,
    ]);
    const classicQueue = await queues["inference-recommendation"].read();
    expect(Object.keys(classicQueue.holders)).toHaveLength(1);
    expect(Object.values(classicQueue.waiters).map((waiter) => waiter.jobName)).toEqual([
      "classic-2",
    ]);
  });
});
