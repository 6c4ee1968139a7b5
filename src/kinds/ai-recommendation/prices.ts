/**
 * On-demand hosting prices per instance-hour from the AWS Price List Query API (GetProducts), for
 * the instance types an AI recommendation job names and the policy does not price
 * (docs/decision.md, "LLM jobs"). Each price is kept in the jobs table for a week
 * (price-cache.ts). Whatever fails or does not read (a throttle, a denied call, a product without
 * a single hourly USD price) leaves that type's price unknown with a note: never a guessed price,
 * and never a failed step.
 */
import { type Filter, GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import * as z from "zod";
import { documentClient } from "../../aws/dynamodb.ts";
import { awsClient, type Runtime } from "../../runtime.ts";
import type { ListedPrice } from "./decide.ts";
import { PriceCache } from "./price-cache.ts";

/**
 * The Price List Query API answers from a few regions only; us-east-1 is one of them. The region
 * whose prices are wanted is a filter, not the client's region.
 */
export const PRICE_LIST_REGION = "us-east-1";
export const SAGEMAKER_SERVICE_CODE = "AmazonSageMaker";
/** A type and region match a handful of products at most; more pages mean something is off. */
const MAX_PAGES = 5;

/**
 * The AmazonSageMaker products of real-time hosting on one instance type in one region: the
 * attributes `regionCode` (e.g. us-east-1), `instanceName` (e.g. ml.g5.xlarge) and `component`
 * (`Hosting`, as against Training, Processing, Notebook...). Their usage type reads
 * `<region prefix>-Host:<instance type>`.
 */
export function hostingFilters(region: string, instanceType: string): Filter[] {
  return [
    { Type: "TERM_MATCH", Field: "regionCode", Value: region },
    { Type: "TERM_MATCH", Field: "instanceName", Value: instanceType },
    { Type: "TERM_MATCH", Field: "component", Value: "Hosting" },
  ];
}

const priceDimensionSchema = z.looseObject({
  unit: z.string(),
  pricePerUnit: z.looseObject({ USD: z.string().optional() }),
});

/** The part of a PriceList document (a JSON string) that holds its on-demand prices. */
const priceListDocumentSchema = z.looseObject({
  terms: z.looseObject({
    OnDemand: z.record(
      z.string(),
      z.looseObject({ priceDimensions: z.record(z.string(), priceDimensionSchema) }),
    ),
  }),
});

const DECIMAL = /^\d+(\.\d+)?$/;

/** The hourly USD on-demand prices of one PriceList document, or why it has none. */
export function hourlyPricesOf(document: string): number[] | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    return { problem: "a PriceList document is not JSON" };
  }
  const parsed = priceListDocumentSchema.safeParse(json);
  if (!parsed.success) return { problem: "a PriceList document has no on-demand terms" };
  const prices: number[] = [];
  for (const term of Object.values(parsed.data.terms.OnDemand)) {
    for (const dimension of Object.values(term.priceDimensions)) {
      const usd = dimension.pricePerUnit.USD;
      if (dimension.unit !== "Hrs" || usd === undefined || !DECIMAL.test(usd)) continue;
      const price = Number(usd);
      if (price > 0) prices.push(price);
    }
  }
  if (prices.length === 0) {
    return { problem: "a PriceList document has no on-demand price in USD per Hrs" };
  }
  return prices;
}

export type HostingPrice = { pricePerHour: number } | { problem: string };

/** The one hourly price the documents agree on; none when they hold none, or several. */
export function hostingPriceOf(documents: readonly string[]): HostingPrice {
  if (documents.length === 0) return { problem: "the Price List has no such hosting product" };
  const found = new Set<number>();
  for (const document of documents) {
    const prices = hourlyPricesOf(document);
    if (!Array.isArray(prices)) return prices;
    for (const price of prices) found.add(price);
  }
  const [only, ...others] = [...found].sort((a, b) => a - b);
  if (only === undefined) return { problem: "the Price List has no hourly price" };
  if (others.length > 0) {
    return {
      problem: `the Price List gives several hourly prices ($${[only, ...others].join(", $")})`,
    };
  }
  return { pricePerHour: only };
}

export interface PriceLookup {
  /** The prices found, by instance type. */
  prices: Record<string, ListedPrice>;
  /** Why a type has no price, or a cache that could not be read or written. */
  notes: string[];
}

/** What the selection step asks for: prices of instance types in a region. */
export interface PriceGateway {
  lookUp(instanceTypes: readonly string[], region?: string): Promise<PriceLookup>;
}

type PricingSend = Pick<PricingClient, "send">;
type Cache = Pick<PriceCache, "get" | "put">;

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export class PriceListPrices implements PriceGateway {
  constructor(
    private readonly client: PricingSend,
    private readonly cache: Cache,
    /** The region of the function, where its jobs run: the prices looked up by default. */
    private readonly defaultRegion: string | undefined,
  ) {}

  async lookUp(
    instanceTypes: readonly string[],
    region = this.defaultRegion,
  ): Promise<PriceLookup> {
    const lookup: PriceLookup = { prices: {}, notes: [] };
    if (!region) {
      if (instanceTypes.length > 0) lookup.notes.push("no Price List prices: no region is known");
      return lookup;
    }
    // The types are looked up at once, so the step waits for the slowest lookup, not their sum.
    const found = await Promise.all(
      [...new Set(instanceTypes)].map((type) => this.lookUpOne(region, type)),
    );
    for (const { type, price, notes } of found) {
      if (price) lookup.prices[type] = price;
      lookup.notes.push(...notes);
    }
    return lookup;
  }

  /** One type's price, from the cache or the Price List, with what went wrong in notes. */
  private async lookUpOne(
    region: string,
    type: string,
  ): Promise<{ type: string; price?: ListedPrice; notes: string[] }> {
    const notes: string[] = [];
    const cached = await this.cache.get(region, type).catch((error: unknown) => {
      notes.push(`the cached price of ${type} could not be read (${describeError(error)})`);
      return undefined;
    });
    if (cached) {
      return { type, price: { pricePerHour: cached.pricePerHour, source: "price-list" }, notes };
    }
    let documents: string[];
    try {
      documents = await this.products(region, type);
    } catch (error) {
      notes.push(
        `no Price List price for ${type} in ${region}: the lookup failed (${describeError(error)})`,
      );
      return { type, notes };
    }
    const found = hostingPriceOf(documents);
    if ("problem" in found) {
      notes.push(`no Price List price for ${type} in ${region}: ${found.problem}`);
      return { type, notes };
    }
    await this.cache.put(region, type, found.pricePerHour).catch((error: unknown) => {
      notes.push(`the price of ${type} was not cached (${describeError(error)})`);
    });
    return { type, price: { pricePerHour: found.pricePerHour, source: "price-list" }, notes };
  }

  private async products(region: string, instanceType: string): Promise<string[]> {
    const documents: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.client.send(
        new GetProductsCommand({
          ServiceCode: SAGEMAKER_SERVICE_CODE,
          Filters: hostingFilters(region, instanceType),
          FormatVersion: "aws_v1",
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      documents.push(...(answer.PriceList ?? []));
      nextToken = answer.NextToken;
      if (!nextToken) return documents;
    }
    throw new Error(`more than ${MAX_PAGES} pages of products`);
  }
}

/** The selection step's price gateway: the Price List Query API, cached in the jobs table. */
export function priceGateway(runtime: Runtime, tableName: string): PriceGateway {
  const client = awsClient(
    runtime,
    "pricing",
    (settings) =>
      new PricingClient({
        // A price is worth a few seconds of a 30-second step, never the step itself: the types
        // are looked up at once, 2 attempts each, 3 seconds an attempt.
        maxAttempts: 2,
        ...settings,
        region: PRICE_LIST_REGION,
        requestHandler: { connectionTimeout: 2000, requestTimeout: 3000 },
      }),
  );
  const region = runtime.aws.region ?? runtime.env.AWS_REGION;
  return new PriceListPrices(
    client,
    new PriceCache(documentClient(runtime), tableName, runtime.now),
    region,
  );
}
