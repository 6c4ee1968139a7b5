/**
 * Reads and writes job records with conditional single-item writes (no transactions): a record is
 * created once per job name, and every update is conditional on the version it read, so a retried
 * step can never overwrite newer state.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { classifyAwsError, JobNameTakenError, RecordConflictError } from "../errors.ts";
import type { JobRecord } from "./record.ts";

export const BY_MODEL_INDEX = "byModel";
const MAX_MUTATE_ATTEMPTS = 3;

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
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: "attribute_not_exists(jobName) OR executionArn = :execution",
          ExpressionAttributeValues: { ":execution": record.executionArn },
        }),
      );
      return record;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new JobNameTakenError(
          `job ${record.jobName} already has a record from another execution`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "write the job record");
    }
  }

  async get(jobName: string): Promise<JobRecord | undefined> {
    try {
      const { Item } = await this.dynamo.send(
        new GetCommand({ TableName: this.tableName, Key: { jobName }, ConsistentRead: true }),
      );
      return Item as JobRecord | undefined;
    } catch (error) {
      throw classifyAwsError(error, "read the job record");
    }
  }

  async require(jobName: string): Promise<JobRecord> {
    const record = await this.get(jobName);
    if (!record) throw new Error(`no job record for ${jobName}`);
    return record;
  }

  /** Writes `changes` if the record is still at `expectedVersion`; returns the new record. */
  async update(record: JobRecord, changes: Partial<JobRecord>): Promise<JobRecord> {
    const entries = Object.entries(changes).filter(
      ([key, value]) => value !== undefined && key !== "jobName" && key !== "version",
    );
    const names: Record<string, string> = { "#version": "version" };
    const values: Record<string, unknown> = { ":expected": record.version, ":one": 1 };
    const sets = entries.map(([key, value], index) => {
      names[`#f${index}`] = key;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    try {
      const { Attributes } = await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobName: record.jobName },
          UpdateExpression: `SET ${[...sets, "#version = #version + :one"].join(", ")}`,
          ConditionExpression: "#version = :expected",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes as JobRecord;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new RecordConflictError(
          `job record ${record.jobName} changed after version ${record.version}`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "update the job record");
    }
  }

  /**
   * Reads the record, computes changes from it, and writes them conditionally, re-reading on a
   * conflict. `change` returning undefined means nothing to write.
   */
  async mutate(
    jobName: string,
    change: (record: JobRecord) => Partial<JobRecord> | undefined,
  ): Promise<JobRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const record = await this.require(jobName);
      const changes = change(record);
      if (!changes) return record;
      try {
        return await this.update(record, changes);
      } catch (error) {
        if (!(error instanceof RecordConflictError) || attempt >= MAX_MUTATE_ATTEMPTS) throw error;
      }
    }
  }

  /** A model's jobs, newest first. */
  async listByModel(modelKey: string, limit = 20): Promise<JobRecord[]> {
    try {
      const { Items = [] } = await this.dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_MODEL_INDEX,
          KeyConditionExpression: "modelKey = :model",
          ExpressionAttributeValues: { ":model": modelKey },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items as JobRecord[];
    } catch (error) {
      throw classifyAwsError(error, "list the model's jobs");
    }
  }
}
