/**
 * Reads and writes job records with conditional single-item writes (no transactions): a record is
 * created once per job name, and every update is conditional on the version it read, so a retried
 * step can never overwrite newer state. Every record read is parsed with the record schema, and
 * every record written is checked against it first.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { documentClient } from "../aws/dynamodb.ts";
import {
  classifyAwsError,
  InvalidRecordError,
  JobNameTakenError,
  RecordConflictError,
  RecordNotFoundError,
} from "../errors.ts";
import { BY_MODEL_INDEX } from "../infrastructure.ts";
import type { Runtime } from "../runtime.ts";
import { type JobRecord, jobRecordSchema, type RecordChange } from "./record.ts";

const MAX_MUTATE_ATTEMPTS = 3;

/** The record, or InvalidRecordError naming every field that does not fit. */
export function parseRecord(item: unknown): JobRecord {
  const parsed = jobRecordSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const name = (item as { jobName?: unknown } | undefined)?.jobName;
  throw new InvalidRecordError(
    `job record ${typeof name === "string" ? name : "(no jobName)"} does not fit the record schema: ${z.prettifyError(parsed.error)}`,
    { cause: parsed.error },
  );
}

/** The jobs table's store, reached with the runtime's DynamoDB settings. */
export function jobStore(runtime: Runtime, tableName: string): JobStore {
  return new JobStore(documentClient(runtime), tableName);
}

export class JobStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Creates the record, or accepts an existing one written by the same execution (a retried
   * step). A record of another execution means the job name is taken.
   */
  async create(record: JobRecord): Promise<JobRecord> {
    const item = parseRecord(record);
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: "attribute_not_exists(jobName) OR executionArn = :execution",
          ExpressionAttributeValues: { ":execution": item.executionArn },
        }),
      );
      return item;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new JobNameTakenError(
          `job ${item.jobName} already has a record from another execution`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "write the job record");
    }
  }

  async get(jobName: string): Promise<JobRecord | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: { jobName }, ConsistentRead: true }),
      ));
    } catch (error) {
      throw classifyAwsError(error, "read the job record");
    }
    return item === undefined ? undefined : parseRecord(item);
  }

  async require(jobName: string): Promise<JobRecord> {
    const record = await this.get(jobName);
    if (!record) throw new RecordNotFoundError(`no job record for ${jobName}`);
    return record;
  }

  /** Writes `changes` if the record is still at its version; returns the new record. */
  async update(record: JobRecord, changes: RecordChange): Promise<JobRecord> {
    const entries = Object.entries(changes).filter(
      ([key, value]) => value !== undefined && key !== "jobName" && key !== "version",
    );
    // The record as it will be: a change that breaks a phase invariant is never written.
    parseRecord({ ...record, ...Object.fromEntries(entries), version: record.version + 1 });
    const names: Record<string, string> = { "#version": "version" };
    const values: Record<string, unknown> = { ":expected": record.version, ":one": 1 };
    const sets = entries.map(([key, value], index) => {
      names[`#f${index}`] = key;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    let attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes: attributes } = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobName: record.jobName },
          UpdateExpression: `SET ${[...sets, "#version = #version + :one"].join(", ")}`,
          ConditionExpression: "#version = :expected",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new RecordConflictError(
          `job record ${record.jobName} changed after version ${record.version}`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "update the job record");
    }
    return parseRecord(attributes);
  }

  /**
   * Reads the record, computes changes from it, and writes them conditionally, re-reading on a
   * conflict. `change` returning undefined means nothing to write. A step that has just read the
   * record passes it as `known`, which spares the first read.
   */
  async mutate(
    jobName: string,
    change: (record: JobRecord) => RecordChange | undefined,
    known?: JobRecord,
  ): Promise<JobRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const record = attempt === 1 && known ? known : await this.require(jobName);
      const changes = change(record);
      if (!changes) return record;
      try {
        return await this.update(record, changes);
      } catch (error) {
        if (!(error instanceof RecordConflictError) || attempt >= MAX_MUTATE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * A model's jobs, newest first. A record that does not parse is set aside with its problem, not
   * thrown: one bad record of a model must never fail the reader of the others.
   */
  async listByModel(modelKey: string, limit = 20): Promise<ModelJobs> {
    let items: Record<string, unknown>[];
    try {
      ({ Items: items = [] } = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_MODEL_INDEX,
          KeyConditionExpression: "modelKey = :model",
          ExpressionAttributeValues: { ":model": modelKey },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ));
    } catch (error) {
      throw classifyAwsError(error, "list the model's jobs");
    }
    return readRecords(items);
  }

  /**
   * Every job record of the table, a page of the scan at a time; the queue's items, which share
   * the table, are left out (a job record always has its phase). Records that do not parse are set
   * aside as listByModel sets them aside. `pageSize`: items DynamoDB reads per page.
   */
  async listAll(pageSize?: number): Promise<ModelJobs> {
    const jobs: ModelJobs = { records: [], unreadable: [] };
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      let page: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
      try {
        page = await this.dynamo.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: "attribute_exists(#phase)",
            ExpressionAttributeNames: { "#phase": "phase" },
            ...(pageSize !== undefined ? { Limit: pageSize } : {}),
            ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, "list the job records");
      }
      const read = readRecords(page.Items ?? []);
      jobs.records.push(...read.records);
      jobs.unreadable.push(...read.unreadable);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return jobs;
  }
}

function readRecords(items: readonly Record<string, unknown>[]): ModelJobs {
  const jobs: ModelJobs = { records: [], unreadable: [] };
  for (const item of items) {
    try {
      jobs.records.push(parseRecord(item));
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      const jobName = typeof item.jobName === "string" ? item.jobName : "(no jobName)";
      jobs.unreadable.push({ jobName, problem: error.message });
    }
  }
  return jobs;
}

export interface ModelJobs {
  records: JobRecord[];
  /** Records that do not fit the record schema, by name, with what is wrong. */
  unreadable: { jobName: string; problem: string }[];
}
