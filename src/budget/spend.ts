/**
 * The month's tuning spend in DynamoDB: one item per UTC month in the jobs table, under a key no
 * job name can take (job names have no `#`). It holds the running total in US dollars and, per
 * execution, what it reserved and what it settled at, so every change is one conditional
 * single-item update (no transactions): a retried reservation or settlement finds its own entry
 * and changes nothing, and a reservation is conditional on the total leaving room for it.
 *
 * A job is charged to the month it joined the queue: its estimate is reserved there while it waits
 * and runs, and corrected there to what it cost when it ends.
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
import type { Runtime } from "../runtime.ts";

export const monthSpendSchema = z.object({
  /** Finished jobs' costs plus the reservations not yet settled, in US dollars. */
  dollars: z.number(),
  /** What each execution (by its queue entry id) reserved when it joined the queue. */
  reservations: z.record(z.string(), z.number()),
  /** What each execution's job cost in the end, once it is settled. */
  settled: z.record(z.string(), z.number()),
});
export type MonthSpend = z.output<typeof monthSpendSchema>;

const EMPTY: MonthSpend = { dollars: 0, reservations: {}, settled: {} };

/** The key of a month's spend item. */
export const spendKey = (month: string) => `spend#${month}`;
/** The key of the item that says who told ops the month's budget was reached. */
export const noticeKey = (month: string) => `budget-notice#${month}`;

export type Reservation =
  | { reserved: true; dollars: number }
  /** The reservation would take the total over the limit: `spend` is the total without it. */
  | { reserved: false; spend: number };

export class SpendStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(month: string): Promise<MonthSpend> {
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await this.dynamo.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { jobName: spendKey(month) },
          ConsistentRead: true,
        }),
      ));
    } catch (error) {
      throw classifyAwsError(error, "read the month's tuning spend");
    }
    if (!item) return EMPTY;
    const parsed = monthSpendSchema.safeParse(item);
    if (!parsed.success) {
      throw new InvalidRecordError(
        `the spend item of ${month} does not fit its schema: ${z.prettifyError(parsed.error)}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /**
   * Reserves `dollars` for the execution, if the total stays within `budget` (none: always). An
   * execution that reserved before (a retried step) keeps its first reservation.
   */
  async reserve(
    month: string,
    id: string,
    dollars: number,
    budget?: number | undefined,
  ): Promise<Reservation> {
    await this.ensureItem(month);
    const limited = budget !== undefined;
    try {
      await this.update(month, "reserve the job's estimate", {
        UpdateExpression: "SET reservations.#id = :dollars ADD dollars :dollars",
        ConditionExpression: `attribute_not_exists(reservations.#id)${limited ? " AND dollars <= :room" : ""}`,
        ExpressionAttributeNames: { "#id": id },
        ExpressionAttributeValues: {
          ":dollars": dollars,
          // DynamoDB conditions cannot add: overBudgetBy's rule as the room the estimate leaves.
          ...(limited ? { ":room": budget - dollars } : {}),
        },
      });
      return { reserved: true, dollars };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const spend = await this.read(month);
    const earlier = spend.reservations[id];
    return earlier !== undefined
      ? { reserved: true, dollars: earlier }
      : { reserved: false, spend: spend.dollars };
  }

  /**
   * Replaces the execution's reservation by what its job cost. Once per execution: settling again,
   * or an execution that reserved nothing, changes nothing.
   */
  async settle(month: string, id: string, reserved: number, actual: number): Promise<void> {
    try {
      await this.update(month, "settle the job's cost", {
        UpdateExpression: "SET settled.#id = :actual ADD dollars :delta",
        ConditionExpression:
          "attribute_exists(reservations.#id) AND attribute_not_exists(settled.#id)",
        ExpressionAttributeNames: { "#id": id },
        ExpressionAttributeValues: { ":actual": actual, ":delta": actual - reserved },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Whether this execution is the one that tells ops the month's budget was reached: the first to
   * ask, and the same one again when its step is retried.
   */
  async claimNotice(month: string, executionArn: string, at: Date): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { jobName: noticeKey(month), executionArn, at: at.toISOString() },
          ConditionExpression: "attribute_not_exists(jobName) OR executionArn = :execution",
          ExpressionAttributeValues: { ":execution": executionArn },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw classifyAwsError(error, "claim the month's budget notice");
    }
  }

  /** The item with its two maps, created once: updates cannot create a map and its entry at once. */
  private async ensureItem(month: string): Promise<void> {
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { jobName: spendKey(month), dollars: 0, reservations: {}, settled: {} },
          ConditionExpression: "attribute_not_exists(jobName)",
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw classifyAwsError(error, "create the month's spend");
      }
    }
  }

  private async update(
    month: string,
    action: string,
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName" | "Key">,
  ): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { jobName: spendKey(month) },
          ...input,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw classifyAwsError(error, action);
    }
  }
}

export function spendStore(runtime: Runtime, tableName: string): SpendStore {
  return new SpendStore(documentClient(runtime), tableName);
}
