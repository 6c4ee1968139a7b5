/**
 * The LLM kind's prices from the AWS Price List: PriceList documents read defensively, the week
 * they are kept in the jobs table, lookups that fail without failing the step, and the decision
 * recording where each price came from.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GetProductsCommand } from "@aws-sdk/client-pricing";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../../local/stack.ts";
import { RECORD_LIMITS } from "../../../src/decision/index.ts";
import {
  type AiRecommendationJob,
  aiRecommendationJobSchema,
  decideAiRecommendation,
} from "../../../src/kinds/ai-recommendation/decide.ts";
import { aiRecommendationOperations } from "../../../src/kinds/ai-recommendation/operations.ts";
import { llmPolicySchema } from "../../../src/kinds/ai-recommendation/policy.ts";
import { PriceCache, priceCacheKey } from "../../../src/kinds/ai-recommendation/price-cache.ts";
import {
  hostingFilters,
  hostingPriceOf,
  hourlyPricesOf,
  PriceListPrices,
} from "../../../src/kinds/ai-recommendation/prices.ts";
import { validateAiRecommendationSpec } from "../../../src/kinds/ai-recommendation/validate.ts";
import type { KindGateways } from "../../../src/kinds/kind-operations.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { type JobsTable, openJobsTable } from "../../support/jobs-table.ts";
import { runningRecord } from "../../support/records.ts";

const ROOT = join(import.meta.dirname, "../../..");
const JOB: AiRecommendationJob = aiRecommendationJobSchema.parse(
  JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/describe/ai-recommendation-llama.json"), "utf8"),
  ),
);
const policy = (input: object) => llmPolicySchema.parse(input);

/** A PriceList document of the shape GetProducts returns for SageMaker hosting. */
function hostingDocument(type: string, usd: string, unit = "Hrs"): string {
  return JSON.stringify({
    product: {
      productFamily: "ML Instance",
      attributes: {
        regionCode: "us-east-1",
        instanceName: type,
        component: "Hosting",
        usagetype: `USE1-Host:${type}`,
        servicecode: "AmazonSageMaker",
      },
      sku: "JDZQJFUVUR8SUWHS",
    },
    serviceCode: "AmazonSageMaker",
    terms: {
      OnDemand: {
        "JDZQJFUVUR8SUWHS.JRTCKXETXF": {
          priceDimensions: {
            "JDZQJFUVUR8SUWHS.JRTCKXETXF.6YS6EN2CT7": {
              unit,
              endRange: "Inf",
              description: `$${usd} per On Demand Hosting ${type}`,
              appliesTo: [],
              rateCode: "JDZQJFUVUR8SUWHS.JRTCKXETXF.6YS6EN2CT7",
              beginRange: "0",
              pricePerUnit: { USD: usd },
            },
          },
          sku: "JDZQJFUVUR8SUWHS",
          effectiveDate: "2026-09-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20260901000000",
    publicationDate: "2026-09-01T00:00:00Z",
  });
}

describe("reading PriceList documents", () => {
  it("reads the on-demand price per Hrs in USD", () => {
    // Act
    const prices = hourlyPricesOf(hostingDocument("ml.g5.xlarge", "1.4080000000"));

    // Assess
    expect(prices).toEqual([1.408]);
  });

  it("gives no price for what does not read: not JSON, no terms, other units, no USD, zero", () => {
    // Act
    const readings = [
      hourlyPricesOf("{not json"),
      hourlyPricesOf(JSON.stringify({ product: {}, terms: { Reserved: {} } })),
      hourlyPricesOf(hostingDocument("ml.g5.xlarge", "0.0500000000", "GB-Mo")),
      hourlyPricesOf(hostingDocument("ml.g5.xlarge", "about a dollar")),
      hourlyPricesOf(hostingDocument("ml.g5.xlarge", "0.0000000000")),
    ];

    // Assess
    for (const reading of readings) expect(reading).toHaveProperty("problem");
  });

  it("takes the one price the products agree on, and none when they disagree or are absent", () => {
    // Act
    const agreed = hostingPriceOf([
      hostingDocument("ml.g5.xlarge", "1.408"),
      hostingDocument("ml.g5.xlarge", "1.4080000000"),
    ]);
    const disagreed = hostingPriceOf([
      hostingDocument("ml.g5.xlarge", "1.408"),
      hostingDocument("ml.g5.xlarge", "2.1"),
    ]);
    const none = hostingPriceOf([]);

    // Assess
    expect(agreed).toEqual({ pricePerHour: 1.408 });
    expect(disagreed).toEqual({ problem: expect.stringContaining("several hourly prices") });
    expect(none).toEqual({ problem: expect.stringContaining("no such hosting product") });
  });
});

/** A fake Price List client: its answers by instance type, or the error it throws. */
function fakePricing(answer: (filters: { Field?: string; Value?: string }[]) => unknown) {
  const calls: GetProductsCommand["input"][] = [];
  return {
    calls,
    send: async (command: GetProductsCommand) => {
      calls.push(command.input);
      const result = answer(command.input.Filters ?? []);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as { calls: GetProductsCommand["input"][]; send: never };
}

const typeOf = (filters: { Field?: string; Value?: string }[]) =>
  filters.find((filter) => filter.Field === "instanceName")?.Value ?? "";

class MemoryCache {
  readonly items = new Map<string, number>();
  failPut = false;
  async get(region: string, type: string) {
    const price = this.items.get(priceCacheKey(region, type));
    return price === undefined ? undefined : { pricePerHour: price, fetchedAt: "" };
  }
  async put(region: string, type: string, price: number) {
    if (this.failPut) throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
    this.items.set(priceCacheKey(region, type), price);
  }
}

describe("looking prices up", () => {
  it("asks GetProducts for SageMaker hosting in the job's region, and keeps what it found", async () => {
    // Prepare
    const pricing = fakePricing((filters) => ({
      PriceList: [hostingDocument(typeOf(filters), "2.2400000000")],
    }));
    const cache = new MemoryCache();
    const prices = new PriceListPrices(pricing, cache, "us-east-1");

    // Act
    const lookup = await prices.lookUp(["ml.g6e.2xlarge"], "eu-west-1");
    const again = await prices.lookUp(["ml.g6e.2xlarge"], "eu-west-1");

    // Assess
    expect(lookup).toEqual({
      prices: { "ml.g6e.2xlarge": { pricePerHour: 2.24, source: "price-list" } },
      notes: [],
    });
    expect(again).toEqual(lookup);
    expect(pricing.calls).toHaveLength(1);
    expect(pricing.calls[0]).toMatchObject({
      ServiceCode: "AmazonSageMaker",
      Filters: hostingFilters("eu-west-1", "ml.g6e.2xlarge"),
    });
    expect(cache.items.get("price:eu-west-1:ml.g6e.2xlarge")).toBe(2.24);
  });

  it("leaves a price unknown with a note when the lookup fails or finds nothing, and goes on", async () => {
    // Prepare
    const pricing = fakePricing((filters) => {
      const type = typeOf(filters);
      if (type === "ml.g5.12xlarge") {
        return Object.assign(new Error("User is not authorized to perform pricing:GetProducts"), {
          name: "AccessDeniedException",
        });
      }
      if (type === "ml.g6.12xlarge") return { PriceList: [] };
      return { PriceList: [hostingDocument(type, "2.24")] };
    });
    const cache = new MemoryCache();
    cache.failPut = true;
    const prices = new PriceListPrices(pricing, cache, "us-east-1");

    // Act
    const lookup = await prices.lookUp(["ml.g5.12xlarge", "ml.g6.12xlarge", "ml.g6e.2xlarge"]);

    // Assess
    expect(lookup.prices).toEqual({
      "ml.g6e.2xlarge": { pricePerHour: 2.24, source: "price-list" },
    });
    expect(lookup.notes).toEqual([
      expect.stringMatching(
        /^no Price List price for ml\.g5\.12xlarge in us-east-1: .*AccessDenied/,
      ),
      expect.stringMatching(/^no Price List price for ml\.g6\.12xlarge in us-east-1: .*no such/),
      expect.stringMatching(/^the price of ml\.g6e\.2xlarge was not cached \(ThrottlingException/),
    ]);
  });
});

describe("the price cache in the jobs table", () => {
  let table: JobsTable;
  let documents: DynamoDBDocumentClient;
  let now = new Date("2026-12-01T00:00:00Z");
  let cache: PriceCache;

  beforeAll(async () => {
    table = await openJobsTable();
    documents = table.documents;
    cache = new PriceCache(documents, LOCAL_TABLE, () => now);
  });

  afterAll(async () => {
    await table.close();
  });

  it("keeps a price for seven days, then treats it as absent and takes a new one", async () => {
    // Prepare
    now = new Date("2026-12-01T00:00:00Z");
    await cache.put("us-east-1", "ml.g5.xlarge", 1.408);

    // Act
    now = new Date("2026-12-07T23:59:00Z");
    const fresh = await cache.get("us-east-1", "ml.g5.xlarge");
    now = new Date("2026-12-08T00:00:00Z");
    const expired = await cache.get("us-east-1", "ml.g5.xlarge");
    await cache.put("us-east-1", "ml.g5.xlarge", 1.5);
    const renewed = await cache.get("us-east-1", "ml.g5.xlarge");

    // Assess
    expect(fresh).toEqual({ pricePerHour: 1.408, fetchedAt: "2026-12-01T00:00:00.000Z" });
    expect(expired).toBeUndefined();
    expect(renewed).toEqual({ pricePerHour: 1.5, fetchedAt: "2026-12-08T00:00:00.000Z" });
  });

  it("never replaces a price that has not expired: the put is conditional", async () => {
    // Prepare
    now = new Date("2026-12-01T00:00:00Z");
    await cache.put("us-west-2", "ml.g6.xlarge", 1.1);

    // Act
    now = new Date("2026-12-02T00:00:00Z");
    await cache.put("us-west-2", "ml.g6.xlarge", 9.9);
    const { Item: item } = await documents.send(
      new GetCommand({ TableName: LOCAL_TABLE, Key: { jobName: "price:us-west-2:ml.g6.xlarge" } }),
    );

    // Assess
    expect(item).toMatchObject({
      pricePerHour: 1.1,
      region: "us-west-2",
      instanceType: "ml.g6.xlarge",
      expiresAt: Date.parse("2026-12-08T00:00:00Z") / 1000,
    });
  });

  it("reads an item that is not a price as absent, and never overwrites it", async () => {
    // Prepare
    const key = priceCacheKey("us-east-1", "ml.g6e.xlarge");
    await documents.send(
      new PutCommand({ TableName: LOCAL_TABLE, Item: { jobName: key, something: "else" } }),
    );

    // Act
    const read = await cache.get("us-east-1", "ml.g6e.xlarge");
    await cache.put("us-east-1", "ml.g6e.xlarge", 3);
    const { Item: item } = await documents.send(
      new GetCommand({ TableName: LOCAL_TABLE, Key: { jobName: key } }),
    );

    // Assess
    expect(read).toBeUndefined();
    expect(item).toEqual({ jobName: key, something: "else" });
  });
});

describe("the decision's prices", () => {
  const TYPES = ["ml.g5.12xlarge", "ml.g6e.2xlarge"];
  /** The job's recommendations on TYPES alone. */
  const TWO_TYPES: AiRecommendationJob = {
    ...JOB,
    Recommendations: (JOB.Recommendations ?? []).filter((recommendation) =>
      TYPES.includes(
        recommendation.DeploymentConfiguration?.InstanceType ??
          recommendation.ModelDetails?.InstanceDetails?.[0]?.InstanceType ??
          "",
      ),
    ),
  };

  it("takes the policy's price first, the Price List's next, and records each source", () => {
    // Act
    const decision = decideAiRecommendation(
      TWO_TYPES,
      policy({ requestsPerSecond: 10, prices: { "ml.g6e.2xlarge": 2.5 } }),
      {
        "ml.g6e.2xlarge": { pricePerHour: 2.24, source: "price-list" },
        "ml.g5.12xlarge": { pricePerHour: 7.09, source: "price-list" },
      },
    );
    const entries = [...decision.ranked, ...decision.rejected.map((item) => item.entry)];

    // Assess
    expect(decision.prices).toEqual([
      { instanceType: "ml.g5.12xlarge", pricePerHour: 7.09, source: "price-list" },
      { instanceType: "ml.g6e.2xlarge", pricePerHour: 2.5, source: "policy" },
    ]);
    expect(entries.length).toBeGreaterThan(1);
    for (const entry of entries) {
      expect(TYPES).toContain(entry.instanceType);
      expect([entry.pricePerHour, entry.priceSource]).toEqual(
        entry.instanceType === "ml.g6e.2xlarge" ? [2.5, "policy"] : [7.09, "price-list"],
      );
    }
    expect(decision.outcome).toBe("selected");
  });

  it("rejects an entry as price-unknown when neither source prices it and a cost is needed", () => {
    // Act
    const decision = decideAiRecommendation(TWO_TYPES, policy({ requestsPerSecond: 10 }), {
      "ml.g6e.2xlarge": { pricePerHour: 2.24, source: "price-list" },
    });
    const unpriced = decision.rejected.filter(
      (item) => item.entry.instanceType === "ml.g5.12xlarge",
    );

    // Assess
    expect(unpriced.length).toBeGreaterThan(0);
    for (const rejection of unpriced) {
      expect(rejection.rule).toBe("price-unknown");
      expect(rejection.entry).toMatchObject({ priceSource: "unknown", pricePerHour: undefined });
      expect(rejection.message).toContain("neither policy.prices nor the AWS Price List");
    }
    expect(decision.prices).toContainEqual({ instanceType: "ml.g5.12xlarge", source: "unknown" });
    expect(decision.selected).toMatchObject({
      instanceType: "ml.g6e.2xlarge",
      priceSource: "price-list",
    });
  });
});

describe("selecting an AI job's recommendation", () => {
  const SAMPLE = JSON.parse(
    readFileSync(join(ROOT, "events/specs/ai/llama-3-8b-chat.json"), "utf8"),
  );

  /** A record of the sample with `prices` as its policy's, its job in eu-west-1. */
  function recordWith(prices: Record<string, number> | undefined): JobRecord {
    const spec = structuredClone(SAMPLE);
    spec.irflow.policy.prices = prices;
    if (!prices) delete spec.irflow.policy.prices;
    const validation = validateAiRecommendationSpec(spec);
    if (!validation.valid) throw new Error("the sample does not validate");
    return {
      ...runningRecord(validation.jobName),
      kind: "ai-recommendation",
      spec: validation.spec,
      jobArn: `arn:aws:sagemaker:eu-west-1:111122223333:ai-recommendation-job/${validation.jobName}`,
    } as JobRecord;
  }

  function gateways(asked: { types: readonly string[]; region?: string | undefined }[]) {
    return {
      sagemaker: {} as KindGateways["sagemaker"],
      ai: { describeJob: async () => JOB } as unknown as KindGateways["ai"],
      prices: {
        lookUp: async (types: readonly string[], region?: string) => {
          asked.push({ types, region });
          return {
            prices: {
              "ml.g5.12xlarge": { pricePerHour: 7.5, source: "price-list" as const },
              "ml.g5.48xlarge": { pricePerHour: 20, source: "price-list" as const },
            },
            notes: ["no Price List price for ml.p4d.24xlarge in eu-west-1: the lookup failed"],
          };
        },
      },
    };
  }

  it("looks up only the types the policy leaves unpriced, in the job's region, and keeps the notes", async () => {
    // Prepare
    const asked: { types: readonly string[]; region?: string | undefined }[] = [];

    // Act
    const selection = await aiRecommendationOperations.select(
      recordWith({ "ml.g6e.2xlarge": 2.24, "ml.g6.12xlarge": 5.75 }),
      gateways(asked),
    );

    // Assess
    expect(asked).toEqual([{ types: ["ml.g5.12xlarge", "ml.p4d.24xlarge"], region: "eu-west-1" }]);
    const decision = selection.recorded(RECORD_LIMITS).llmDecision;
    expect(decision?.prices).toEqual([
      { instanceType: "ml.g5.12xlarge", pricePerHour: 7.5, source: "price-list" },
      { instanceType: "ml.g6.12xlarge", pricePerHour: 5.75, source: "policy" },
      { instanceType: "ml.g6e.2xlarge", pricePerHour: 2.24, source: "policy" },
      { instanceType: "ml.p4d.24xlarge", source: "unknown" },
    ]);
    expect(decision?.notes).toContain(
      "no Price List price for ml.p4d.24xlarge in eu-west-1: the lookup failed",
    );
  });

  it("asks nothing when the policy prices every type", async () => {
    // Prepare
    const asked: { types: readonly string[]; region?: string | undefined }[] = [];
    const all = { "ml.g6e.2xlarge": 2.24, "ml.g5.12xlarge": 7.09, "ml.g6.12xlarge": 5.75 };

    // Act
    await aiRecommendationOperations.select(
      recordWith({ ...all, "ml.p4d.24xlarge": 37.69 }),
      gateways(asked),
    );

    // Assess
    expect(asked).toEqual([]);
  });

  it("prices production's instance type the same way, for the comparison", async () => {
    // Prepare
    const asked: { types: readonly string[]; region?: string | undefined }[] = [];
    const record = recordWith({ "ml.g6e.2xlarge": 2.24 });
    const spec = record.spec as { irflow: { policy: Record<string, unknown> } };
    spec.irflow.policy.current = { instanceType: "ml.g5.48xlarge", instanceCount: 2 };

    // Act
    const selection = await aiRecommendationOperations.select(record, gateways(asked));

    // Assess
    expect(asked[0]?.types).toEqual([
      "ml.g5.12xlarge",
      "ml.p4d.24xlarge",
      "ml.g6.12xlarge",
      "ml.g5.48xlarge",
    ]);
    const decision = selection.recorded(RECORD_LIMITS).llmDecision;
    expect(decision?.comparison?.current).toEqual({
      instanceType: "ml.g5.48xlarge",
      instanceCount: 2,
      monthlyCost: 20 * 2 * 730,
      costSource: "instance-price",
    });
  });
});
