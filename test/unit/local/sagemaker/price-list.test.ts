/**
 * The local Price List Query API as the AWS SDK calls it, unchanged: GetProducts over the AWS
 * JSON 1.1 protocol, answering from the local instance catalog, filtered and paginated.
 */
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instanceSpec } from "../../../../local/sagemaker/catalog.ts";
import {
  type RunningPriceList,
  startPriceListServer,
} from "../../../../local/sagemaker/price-list.ts";
import {
  hostingFilters,
  hostingPriceOf,
  SAGEMAKER_SERVICE_CODE,
} from "../../../../src/kinds/ai-recommendation/prices.ts";
import { AI_INSTANCE_TYPES } from "../../../../src/kinds/ai-recommendation/spec.ts";

let server: RunningPriceList;
let client: PricingClient;

beforeAll(async () => {
  server = await startPriceListServer();
  client = new PricingClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

describe("the local Price List", () => {
  it("answers a hosting lookup with the catalog's hourly price, in the real document shape", async () => {
    // Act
    const answer = await client.send(
      new GetProductsCommand({
        ServiceCode: SAGEMAKER_SERVICE_CODE,
        Filters: hostingFilters("us-east-1", "ml.g6e.2xlarge"),
      }),
    );

    // Assess
    expect(answer.FormatVersion).toBe("aws_v1");
    expect(answer.PriceList).toHaveLength(1);
    expect(hostingPriceOf(answer.PriceList ?? [])).toEqual({
      pricePerHour: instanceSpec("ml.g6e.2xlarge").pricePerHourUsd,
    });
    expect(JSON.parse(answer.PriceList?.[0] ?? "{}").product.attributes).toMatchObject({
      regionCode: "us-east-1",
      instanceName: "ml.g6e.2xlarge",
      component: "Hosting",
      usagetype: "USE1-Host:ml.g6e.2xlarge",
    });
  });

  it("finds nothing for another region, another component or an unknown type", async () => {
    // Act
    const lookups = await Promise.all(
      [
        hostingFilters("eu-west-1", "ml.g6e.2xlarge"),
        [
          ...hostingFilters("us-east-1", "ml.g6e.2xlarge").slice(0, 2),
          { Type: "TERM_MATCH" as const, Field: "component", Value: "Training" },
        ],
        hostingFilters("us-east-1", "ml.m5.large"),
      ].map((Filters) =>
        client.send(new GetProductsCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, Filters })),
      ),
    );

    // Assess
    for (const answer of lookups) expect(answer.PriceList).toEqual([]);
  });

  it("pages through every product with MaxResults and NextToken", async () => {
    // Act
    const documents: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = await client.send(
        new GetProductsCommand({
          ServiceCode: SAGEMAKER_SERVICE_CODE,
          MaxResults: 7,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      documents.push(...(answer.PriceList ?? []));
      token = answer.NextToken;
      pages += 1;
    } while (token);
    const names = documents.map((document) => JSON.parse(document).product.attributes.instanceName);

    // Assess
    expect(pages).toBe(Math.ceil(AI_INSTANCE_TYPES.length / 7));
    expect(names).toEqual([...AI_INSTANCE_TYPES]);
  });

  it("refuses a bad token, a bad page size and a service it does not price, as AWS does", async () => {
    // Act
    const failures = await Promise.all(
      [
        { ServiceCode: SAGEMAKER_SERVICE_CODE, NextToken: "bm9wZQ" },
        { ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 101 },
        { ServiceCode: "AmazonEC2" },
      ].map((input) =>
        client.send(new GetProductsCommand(input)).then(
          () => "answered",
          (error: Error) => error.name,
        ),
      ),
    );

    // Assess
    expect(failures).toEqual([
      "InvalidNextTokenException",
      "InvalidParameterException",
      "NotFoundException",
    ]);
  });
});
