import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../../local/stack.ts";
import { settleCost } from "../../../src/budget/admission.ts";
import { SpendStore } from "../../../src/budget/spend.ts";
import { type QueueStores, queueStoresOn } from "../../../src/queue/store.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { acquireSlot } from "../../../src/workflow/steps/acquire-slot.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { type JobsTable, openJobsTable } from "../../support/jobs-table.ts";
import { validatedRecord } from "../../support/records.ts";

/**
 * A finished Default job of the model, whose cost the estimate of the next one is made from: its
 * every benchmark priced, as only a whole cost is history an estimate reads.
 */
const PUBLISHED = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../../fixtures/records/v2/published-selected.json"),
    "utf8",
  ),
) as JobRecord;
const EARLIER: JobRecord = {
  ...PUBLISHED,
  ...(PUBLISHED.tuningCost ? { tuningCost: { ...PUBLISHED.tuningCost, unpriced: 0 } } : {}),
};
const ESTIMATE = EARLIER.tuningCost?.dollars ?? 0;

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
  await documents.send(new PutCommand({ TableName: LOCAL_TABLE, Item: EARLIER }));
});

afterAll(async () => {
  await table.close();
});

/** A validated job of the earlier job's model, under a budget, in its own execution. */
async function job(name: string, budget: JobRecord["budget"], now: Date): Promise<JobRecord> {
  return store.create(
    validatedRecord(
      name,
      {
        executionArn: `arn:aws:states:us-east-1:111122223333:execution:irflow:${name}`,
        model: EARLIER.model,
        ...(budget ? { budget } : {}),
      },
      now,
    ),
  );
}

function acquire(record: JobRecord, now: Date, limit = 1) {
  return acquireSlot(
    { jobName: record.jobName, executionArn: record.executionArn },
    {
      store,
      spend,
      queues,
      limits: { "inference-recommendation": limit, "ai-recommendation": limit },
      queueDeadlineSeconds: 86_400,
      now: () => now,
    },
  );
}

describe("the tuning budget at the queue", () => {
  it("counts running and waiting jobs' estimates, refuses the job that would go over, and tells ops once", async () => {
    // Prepare
    const now = new Date("2031-01-10T10:00:00.000Z");
    const budget = { dollars: ESTIMATE * 2.5 };
    const running = await job("running", budget, now);
    const waiting = await job("waiting", budget, now);
    const first = await job("first-over", budget, now);
    const second = await job("second-over", budget, now);

    // Act
    const slots = [
      await acquire(running, now),
      await acquire(waiting, now),
      await acquire(first, now),
      await acquire(second, now),
    ];

    // Assess
    expect(slots.map((slot) => [slot.granted, slot.overBudget])).toEqual([
      [true, false],
      [false, false],
      [false, true],
      [false, true],
    ]);
    expect((await spend.read("2031-01")).dollars).toBeCloseTo(ESTIMATE * 2, 6);
    const refused = await store.require("first-over");
    expect(refused).toMatchObject({
      phase: "decided",
      outcome: "over-budget",
      status: "OVER_BUDGET",
      overBudget: {
        month: "2031-01",
        spendDollars: ESTIMATE * 2,
        estimateDollars: ESTIMATE,
        budgetDollars: budget.dollars,
        notifyOps: true,
      },
    });
    expect(refused.failure?.reason).toContain("no job was created");
    expect((await store.require("second-over")).overBudget?.notifyOps).toBe(false);
    const line = await queues["inference-recommendation"].read();
    expect(Object.values(line.waiters).map((waiter) => waiter.jobName)).toEqual(["waiting"]);
    expect((await store.require("waiting")).costEstimate).toEqual({
      dollars: ESTIMATE,
      method: "history",
      month: "2031-01",
    });
  });

  it("reserves a retried step's estimate once", async () => {
    // Prepare
    const now = new Date("2031-02-10T10:00:00.000Z");
    const record = await job("retried", { dollars: 100 }, now);

    // Act
    await acquire(record, now, 10);
    await acquire(record, now, 10);
    await spend.reserve("2031-02", "retried-again", 0, 100);

    // Assess
    const month = await spend.read("2031-02");
    expect(month.dollars).toBeCloseTo(ESTIMATE, 6);
    expect(Object.keys(month.reservations)).toHaveLength(2);
  });

  it("lets a start past its budget with the override run, and counts it", async () => {
    // Prepare
    const now = new Date("2031-03-10T10:00:00.000Z");
    await spend.reserve("2031-03", "someone-else", 50, undefined);
    const record = await job("overridden", { dollars: 10, override: true }, now);

    // Act
    const slot = await acquire(record, now, 10);

    // Assess
    expect(slot).toMatchObject({ granted: true, overBudget: false });
    expect((await spend.read("2031-03")).dollars).toBeCloseTo(50 + ESTIMATE, 6);
  });

  it("settles a finished job at its own cost, a job never created at nothing, each once", async () => {
    // Prepare
    const now = new Date("2031-04-10T10:00:00.000Z");
    const ran = await job("ran", { dollars: 100 }, now);
    const never = await job("never-created", { dollars: 100 }, now);
    await acquire(ran, now, 10);
    await acquire(never, now, 10);
    const finished = {
      ...(await store.require("ran")),
      jobArn: "arn:job/ran",
      tuningCost: { ...(EARLIER.tuningCost as NonNullable<JobRecord["tuningCost"]>), dollars: 2 },
    };

    // Act
    await settleCost(finished, spend);
    await settleCost(finished, spend);
    await settleCost(await store.require("never-created"), spend);

    // Assess
    const month = await spend.read("2031-04");
    expect(month.dollars).toBeCloseTo(2, 6);
    expect(Object.values(month.settled).sort()).toEqual([0, 2]);
  });
});
