import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../../local/stack.ts";
import { InvalidRecordError, JobNameTakenError, RecordConflictError } from "../../../src/errors.ts";
import { type JobRecord, RECORD_SCHEMA_VERSION } from "../../../src/workflow/record.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { type JobsTable, openJobsTable } from "../../support/jobs-table.ts";
import { validatedRecord } from "../../support/records.ts";

let table: JobsTable;
let client: DynamoDBClient;
let store: JobStore;

beforeAll(async () => {
  table = await openJobsTable();
  client = table.client;
  store = new JobStore(table.documents, LOCAL_TABLE);
});

afterAll(async () => {
  await table.close();
});

/** Reads one stale version first, as a step would that lost a race with another writer. */
class StaleOnceStore extends JobStore {
  private stale = true;

  override async require(jobName: string): Promise<JobRecord> {
    const record = await super.require(jobName);
    if (!this.stale) return record;
    this.stale = false;
    return { ...record, version: record.version - 1, pollCount: 0 };
  }
}

function newRecord(jobName: string, overrides: Partial<JobRecord> = {}): JobRecord {
  const modelKey = overrides.modelKey ?? "model/m";
  return validatedRecord(jobName, {
    model: { key: modelKey, kind: "model", modelName: "m" },
    ...overrides,
  });
}

describe("JobStore", () => {
  it("accepts the same record again from the same execution (a retried step)", async () => {
    // Prepare
    await store.create(newRecord("retried"));

    // Act
    const again = await store.create(newRecord("retried"));

    // Assess
    expect(again.jobName).toBe("retried");
    expect((await store.get("retried"))?.version).toBe(1);
  });

  it("refuses a job name another execution already holds", async () => {
    // Prepare
    await store.create(newRecord("taken"));

    // Act
    const error = await store
      .create(
        newRecord("taken", {
          executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:second",
        }),
      )
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(JobNameTakenError);
  });

  it("never lets a stale writer overwrite newer state", async () => {
    // Prepare
    const original = await store.create(newRecord("versioned"));
    await store.update(original, { status: "IN_PROGRESS", pollCount: 2 });

    // Act
    const error = await store
      .update(original, { status: "PENDING", pollCount: 1 })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RecordConflictError);
    expect(await store.get("versioned")).toMatchObject({
      status: "IN_PROGRESS",
      pollCount: 2,
      version: 2,
    });
  });

  it("re-reads and re-applies a change after losing a race", async () => {
    // Prepare
    const created = await store.create(newRecord("raced"));
    await store.update(created, { pollCount: 5 });
    const staleOnce = new StaleOnceStore(DynamoDBDocumentClient.from(client), LOCAL_TABLE);
    const seen: number[] = [];

    // Act
    const result = await staleOnce.mutate("raced", (current) => {
      seen.push(current.version);
      return { pollCount: current.pollCount + 1 };
    });

    // Assess
    expect(seen).toEqual([1, 2]);
    expect(result).toMatchObject({ version: 3, pollCount: 6 });
  });

  it("lists a model's records newest first", async () => {
    // Prepare
    await store.create(
      newRecord("old", { modelKey: "model/history", createdAt: "2026-11-20T00:00:00.000Z" }),
    );
    await store.create(
      newRecord("new", { modelKey: "model/history", createdAt: "2026-11-22T00:00:00.000Z" }),
    );
    await store.create(newRecord("other", { modelKey: "model/elsewhere" }));

    // Act
    const names = (await store.listByModel("model/history")).records.map(
      (record) => record.jobName,
    );

    // Assess
    expect(names).toEqual(["new", "old"]);
  });

  it("sets aside a model's record that does not parse and lists the others", async () => {
    // Prepare
    await store.create(newRecord("fine", { modelKey: "model/mixed" }));
    await store.create(newRecord("broken", { modelKey: "model/mixed" }));
    await DynamoDBDocumentClient.from(client).send(
      new UpdateCommand({
        TableName: LOCAL_TABLE,
        Key: { jobName: "broken" },
        UpdateExpression: "SET pollCount = :text",
        ExpressionAttributeValues: { ":text": "three" },
      }),
    );

    // Act
    const { records, unreadable } = await store.listByModel("model/mixed");

    // Assess
    expect(records.map((record) => record.jobName)).toEqual(["fine"]);
    expect(unreadable).toEqual([
      { jobName: "broken", problem: expect.stringContaining("pollCount") },
    ]);
  });

  it("lists every job record page by page, and leaves out the queue's items", async () => {
    // Prepare
    for (const name of ["all-a", "all-b", "all-c"]) await store.create(newRecord(name));
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({
        TableName: LOCAL_TABLE,
        Item: { jobName: "queue:all-test", holders: {}, waiters: {} },
      }),
    );

    // Act: a page of one item at a time.
    const { records } = await store.listAll(1);

    // Assess
    const names = records.map((record) => record.jobName);
    expect(names).toEqual(expect.arrayContaining(["all-a", "all-b", "all-c"]));
    expect(names).not.toContain("queue:all-test");
    expect(new Set(names).size).toBe(names.length);
  });

  it("reads a stored spec as it was written, whatever today's spec rules say", async () => {
    // Prepare: a description longer than today's limit, a field today's spec does not know.
    const record = newRecord("old-rules");
    const spec = {
      ...record.spec,
      job: { ...record.spec?.job, JobDescription: "d".repeat(300), RetiredField: { kept: true } },
      irflow: { policy: { headroom: 50 } },
    };
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({ TableName: LOCAL_TABLE, Item: { ...record, spec } }),
    );

    // Act
    const read = await store.require("old-rules");

    // Assess
    expect(read.spec?.job).toEqual(spec.job);
    expect(read.spec?.irflow?.policy?.headroom).toBe(50);
  });

  it("reads a record written before records carried a schema version as version 1", async () => {
    // Prepare
    const { schemaVersion: _, ...unversioned } = newRecord("unversioned");
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({ TableName: LOCAL_TABLE, Item: unversioned }),
    );

    // Act
    const read = await store.require("unversioned");

    // Assess
    expect(read.schemaVersion).toBe(1);
  });

  it("refuses by name a record written by a newer release", async () => {
    // Prepare
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({
        TableName: LOCAL_TABLE,
        Item: { ...newRecord("from-the-future"), schemaVersion: RECORD_SCHEMA_VERSION + 1 },
      }),
    );

    // Act
    const error = await store.get("from-the-future").catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toMatch(/newer irflow.*schemaVersion/s);
  });

  it("names the field of a stored record that does not fit the schema", async () => {
    // Prepare
    await store.create(newRecord("corrupt"));
    const document = DynamoDBDocumentClient.from(client);
    await document.send(
      new UpdateCommand({
        TableName: LOCAL_TABLE,
        Key: { jobName: "corrupt" },
        UpdateExpression: "SET pollCount = :text",
        ExpressionAttributeValues: { ":text": "three" },
      }),
    );

    // Act
    const error = await store.get("corrupt").catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toContain("pollCount");
  });

  it("never writes a change that breaks the record's phase invariants", async () => {
    // Prepare
    const original = await store.create(newRecord("invariant"));

    // Act
    const error = await store
      .update(original, { phase: "running" })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toContain("jobArn");
    expect((await store.get("invariant"))?.version).toBe(1);
  });
});
