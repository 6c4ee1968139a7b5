/**
 * Price List prices kept in the jobs table, one item per region and instance type, under a key no
 * job name can take (job names have no colon) and without the byModel index's key, so no listing
 * of jobs ever reads one. Each item carries its expiry: DynamoDB's TTL (the table's `expiresAt`)
 * removes it on AWS some time after, and a read compares it with the clock, so an expired item is
 * absent even where no TTL runs (dynalite).
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";

/** How long a price read from the Price List is used before it is read again. */
export const PRICE_CACHE_DAYS = 7;
const DAY_MS = 86_400_000;

export const priceCacheKey = (region: string, instanceType: string) =>
  `price:${region}:${instanceType}`;

const cachedPriceSchema = z.looseObject({
  jobName: z.string(),
  region: z.string(),
  instanceType: z.string(),
  pricePerHour: z.number().positive(),
  fetchedAt: z.iso.datetime(),
  /** Epoch seconds, the table's TTL attribute. */
  expiresAt: z.number().int(),
});

export interface CachedPrice {
  pricePerHour: number;
  fetchedAt: string;
}

export class PriceCache {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  /** The price kept for the type, unless it has expired or does not read. */
  async get(region: string, instanceType: string): Promise<CachedPrice | undefined> {
    const { Item: item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { jobName: priceCacheKey(region, instanceType) },
      }),
    );
    const parsed = cachedPriceSchema.safeParse(item);
    if (!parsed.success) return undefined;
    if (parsed.data.expiresAt * 1000 <= this.now().getTime()) return undefined;
    return { pricePerHour: parsed.data.pricePerHour, fetchedAt: parsed.data.fetchedAt };
  }

  /**
   * Keeps the price for PRICE_CACHE_DAYS. The put is conditional: it never replaces an item that
   * has not expired (another execution's fresh price stays), nor anything that is not a price.
   */
  async put(region: string, instanceType: string, pricePerHour: number): Promise<void> {
    const now = this.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            jobName: priceCacheKey(region, instanceType),
            region,
            instanceType,
            pricePerHour,
            fetchedAt: now.toISOString(),
            expiresAt: nowSeconds + (PRICE_CACHE_DAYS * DAY_MS) / 1000,
          },
          ConditionExpression:
            "attribute_not_exists(jobName) OR (attribute_exists(pricePerHour) AND expiresAt <= :now)",
          ExpressionAttributeValues: { ":now": nowSeconds },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}
