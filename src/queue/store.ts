/**
 * The queue item in DynamoDB: one item in the jobs table, under a key no job name can take (job
 * names have no colon). Every change is one atomic single-item update, so concurrent executions
 * never overwrite each other: joining sets only the waiter's own entry; taking a slot is
 * conditional on a slot being free; leaving removes only the leaver's entries.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { documentClient } from "../aws/dynamodb.ts";
import { classifyAwsError, InvalidRecordError } from "../errors.ts";
import { JOB_KINDS, type JobKindName, KINDS } from "../kinds/index.ts";
import { inferenceRecommendationKind } from "../kinds/inference-recommendation/definition.ts";
import type { Runtime } from "../runtime.ts";
import {
  EMPTY_QUEUE,
  type Holder,
  holderSchema,
  type QueueState,
  queueStateSchema,
  type Waiter,
  waiterSchema,
} from "./queue.ts";

/** The classic kind's queue item; each job kind has its own (src/kinds/: `queueKey`). */
export const QUEUE_KEY = inferenceRecommendationKind.queueKey;

export class QueueStore {
  private initialised = false;

  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The queue item's key: one queue, with its own limit, per job kind. */
    private readonly key: string = QUEUE_KEY,
  ) {}

  async read(): Promise<QueueState> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.dynamo.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { jobName: this.key },
          ConsistentRead: true,
        }),
      ));
    } catch (error) {
      throw classifyAwsError(error, "read the queue");
    }
    if (!item) return EMPTY_QUEUE;
    const parsed = queueStateSchema.safeParse(item);
    if (!parsed.success) {
      throw new InvalidRecordError(
        `the queue item does not fit its schema: ${z.prettifyError(parsed.error)}`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }

  /** Joins the line; joining again changes nothing, so the first arrival keeps its place. */
  async join(id: string, waiter: Waiter): Promise<void> {
    await this.ensureItem();
    await this.update("join the queue", {
      UpdateExpression: "SET waiters.#id = if_not_exists(waiters.#id, :waiter)",
      ConditionExpression: "attribute_not_exists(holders.#id)",
      ExpressionAttributeNames: { "#id": id },
      ExpressionAttributeValues: { ":waiter": checked(waiterSchema, waiter) },
    }).catch(ignoreConditionFailure);
  }

  /** Takes a slot if one is free; false when another waiter took the last one first. */
  async admit(id: string, holder: Holder, limit: number): Promise<boolean> {
    try {
      await this.update("take a slot", {
        UpdateExpression: "SET holders.#id = :holder REMOVE waiters.#id",
        ConditionExpression: "size(holders) < :limit AND attribute_not_exists(holders.#id)",
        ExpressionAttributeNames: { "#id": id },
        ExpressionAttributeValues: { ":holder": checked(holderSchema, holder), ":limit": limit },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Goes back to the line, keeping its place, to try again after `notBefore`. */
  async requeue(id: string, waiter: Waiter): Promise<void> {
    await this.ensureItem();
    await this.update("return to the queue", {
      UpdateExpression: "SET waiters.#id = :waiter REMOVE holders.#id",
      ExpressionAttributeNames: { "#id": id },
      ExpressionAttributeValues: { ":waiter": checked(waiterSchema, waiter) },
    });
  }

  /** Leaves the queue, holding or waiting; leaving twice, or a queue never joined, changes nothing. */
  async leave(id: string): Promise<void> {
    await this.update("leave the queue", {
      UpdateExpression: "REMOVE holders.#id, waiters.#id",
      ConditionExpression: "attribute_exists(holders)",
      ExpressionAttributeNames: { "#id": id },
    }).catch(ignoreConditionFailure);
  }

  /** Removes a holder whose lease ran out, unless it renewed meanwhile. */
  async evictHolder(id: string, leaseUntil: string): Promise<void> {
    await this.update("reclaim a slot", {
      UpdateExpression: "REMOVE holders.#id",
      ConditionExpression: "holders.#id.leaseUntil = :lease",
      ExpressionAttributeNames: { "#id": id },
      ExpressionAttributeValues: { ":lease": leaseUntil },
    }).catch(ignoreConditionFailure);
  }

  /** Removes a waiter past its queue deadline. */
  async evictWaiter(id: string): Promise<void> {
    await this.update("drop a waiter", {
      UpdateExpression: "REMOVE waiters.#id",
      ConditionExpression: "attribute_exists(waiters.#id)",
      ExpressionAttributeNames: { "#id": id },
    }).catch(ignoreConditionFailure);
  }

  /** The item with its two maps, created once: updates cannot create a map and its entry at once. */
  private async ensureItem(): Promise<void> {
    if (this.initialised) return;
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { jobName: this.key, holders: {}, waiters: {} },
          ConditionExpression: "attribute_not_exists(holders)",
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw classifyAwsError(error, "create the queue");
      }
    }
    this.initialised = true;
  }

  private async update(
    action: string,
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName" | "Key">,
  ): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({ TableName: this.tableName, Key: { jobName: this.key }, ...input }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw classifyAwsError(error, action);
    }
  }
}

/** An entry as it will be stored: one that does not fit its schema is never written. */
function checked<Entry>(schema: z.ZodType<Entry>, entry: Entry): Entry {
  const parsed = schema.safeParse(entry);
  if (parsed.success) return parsed.data;
  throw new InvalidRecordError(
    `a queue entry does not fit its schema: ${z.prettifyError(parsed.error)}`,
    { cause: parsed.error },
  );
}

function ignoreConditionFailure(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}

/** The queue of each job kind, reached with the runtime's DynamoDB settings. */
export function queueStores(runtime: Runtime, tableName: string): QueueStores {
  return queueStoresOn(documentClient(runtime), tableName);
}

/** The queue of each job kind, in this table. */
export function queueStoresOn(documents: DynamoDBDocumentClient, tableName: string): QueueStores {
  return Object.fromEntries(
    JOB_KINDS.map((kind) => [kind, new QueueStore(documents, tableName, KINDS[kind].queueKey)]),
  ) as QueueStores;
}

/** One queue per job kind: a kind's jobs wait only for its own slots. */
export type QueueStores = Record<JobKindName, QueueStore>;
