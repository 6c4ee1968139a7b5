import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DynamoDbExchange,
  type DynamoDbProxy,
  startDynamoDbProxy,
} from "../../../local/dynamodb/proxy.ts";
import { dynamoDbRequestKind, eventBridgeBilledEvents, UsageMeter } from "../../../local/usage.ts";

describe("UsageMeter", () => {
  it("records each invocation with its memory and billed milliseconds, however it ends", async () => {
    const meter = new UsageMeter();
    await meter.invoke("CreateJob", 256, async () => "done");
    await expect(
      meter.invoke("DescribeJob", 256, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(meter.invocations.map((each) => [each.function, each.memoryMb])).toEqual([
      ["CreateJob", 256],
      ["DescribeJob", 256],
    ]);
    for (const each of meter.invocations) expect(each.billedMs).toBeGreaterThanOrEqual(1);
  });

  it("lays a call at the door of the one invocation running, and of none when several run", async () => {
    const meter = new UsageMeter();
    meter.record({ service: "sagemaker", operation: "ListModelPackages", units: 1 });
    await meter.invoke("DescribeJob", 256, async () => {
      meter.record({ service: "dynamodb", operation: "UpdateItem", units: 1, read: false });
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = meter.invoke("A", 256, () => gate);
    const second = meter.invoke("B", 256, async () => {
      meter.record({ service: "eventbridge", operation: "PutEvents", units: 1 });
    });
    release();
    await Promise.all([first, second]);
    expect(meter.calls.map((call) => call.function)).toEqual([undefined, "DescribeJob", undefined]);
  });

  it("takes snapshots since an earlier one", async () => {
    const meter = new UsageMeter();
    await meter.invoke("A", 256, async () => undefined);
    const before = meter.snapshot();
    await meter.invoke("B", 256, async () => {
      meter.record({
        service: "sagemaker",
        operation: "DescribeInferenceRecommendationsJob",
        units: 1,
      });
    });
    const since = meter.snapshot(before);
    expect(since.invocations.map((each) => each.function)).toEqual(["B"]);
    expect(since.calls).toHaveLength(1);
    expect(meter.snapshot().invocations).toHaveLength(2);
  });
});

describe("billing units", () => {
  it("classes DynamoDB requests as reads or writes, and control-plane calls as neither", () => {
    expect(dynamoDbRequestKind("GetItem")).toBe("read");
    expect(dynamoDbRequestKind("Query")).toBe("read");
    expect(dynamoDbRequestKind("UpdateItem")).toBe("write");
    expect(dynamoDbRequestKind("TransactWriteItems")).toBe("write");
    expect(dynamoDbRequestKind("DescribeTable")).toBeUndefined();
  });

  it("bills an EventBridge entry per started 64 KB chunk", () => {
    expect(eventBridgeBilledEvents({ Source: "irflow", Detail: "{}" })).toBe(1);
    expect(eventBridgeBilledEvents({ Detail: "x".repeat(64 * 1024) })).toBe(2);
    expect(eventBridgeBilledEvents({ Detail: "x".repeat(200 * 1024) })).toBe(4);
  });
});

describe("DynamoDB proxy measuring capacity", () => {
  const credentials = { accessKeyId: "local", secretAccessKey: "local" };
  let closeDynalite: () => Promise<void>;
  let proxy: DynamoDbProxy;
  let client: DynamoDBClient;
  const exchanges: DynamoDbExchange[] = [];

  beforeAll(async () => {
    const server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeDynalite = () => new Promise((resolve) => server.close(() => resolve()));
    proxy = await startDynamoDbProxy({ target, measureCapacity: true });
    proxy.observe((exchange) => exchanges.push(exchange));
    client = new DynamoDBClient({ endpoint: proxy.endpoint, region: "us-east-1", credentials });
    await client.send(
      new CreateTableCommand({
        TableName: "jobs",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await closeDynalite();
  });

  it("reports the units of each item request, and answers the client as it asked", async () => {
    exchanges.length = 0;
    const small = await client.send(
      new PutItemCommand({ TableName: "jobs", Item: { pk: { S: "a" } } }),
    );
    expect(small.ConsumedCapacity).toBeUndefined();
    const large = await client.send(
      new PutItemCommand({
        TableName: "jobs",
        Item: { pk: { S: "b" }, body: { S: "x".repeat(2500) } },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(large.ConsumedCapacity?.CapacityUnits).toBe(3);
    await client.send(
      new UpdateItemCommand({
        TableName: "jobs",
        Key: { pk: { S: "b" } },
        UpdateExpression: "SET n = :n",
        ExpressionAttributeValues: { ":n": { N: "1" } },
      }),
    );
    await client.send(
      new GetItemCommand({ TableName: "jobs", Key: { pk: { S: "b" } }, ConsistentRead: true }),
    );
    await client.send(new GetItemCommand({ TableName: "jobs", Key: { pk: { S: "a" } } }));
    expect(exchanges.map((each) => [each.operation, each.consumedCapacity])).toEqual([
      ["PutItem", 1],
      ["PutItem", 3],
      // An update is billed on the larger of the item before and after.
      ["UpdateItem", 3],
      ["GetItem", 1],
      // An eventually consistent read of up to 4 KB is half a unit.
      ["GetItem", 0.5],
    ]);
    expect(exchanges[0]?.answer).not.toHaveProperty("ConsumedCapacity");
  });
});

describe("the stack's Lambda memory", () => {
  it("is the memory serverless.yml deploys every function with", async () => {
    const { readFileSync } = await import("node:fs");
    const { LOCAL_LAMBDA_MEMORY_MB } = await import("../../../local/stack.ts");
    const yml = readFileSync(new URL("../../../serverless.yml", import.meta.url), "utf8");
    expect(yml.match(/^ {2}memorySize: (\d+)$/m)?.[1]).toBe(String(LOCAL_LAMBDA_MEMORY_MB));
    expect(yml.match(/^\s+memorySize:/gm)).toHaveLength(1);
  });
});
