import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_REQUEST_BODY_BYTES } from "../../../../local/aws-json.ts";
import { InvalidFaultConfig } from "../../../../local/dynamodb/faults.ts";
import { type DynamoDbProxy, startDynamoDbProxy } from "../../../../local/dynamodb/proxy.ts";

const TABLE = "jobs";
const OTHER_TABLE = "queue";
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
/** DynamoDB's item size quota: 400 KB, attribute names and values counted in UTF-8 bytes. */
const MAX_ITEM_BYTES = 400 * 1024;

let closeDynalite: () => Promise<void>;
let proxy: DynamoDbProxy;
let client: DynamoDBClient;
/** A client that makes one attempt, so it sees each fault itself. */
let once: DynamoDBClient;
/** A client of dynalite itself, which meets no fault. */
let direct: DynamoDBClient;

beforeAll(async () => {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeDynalite = () => new Promise((resolve) => server.close(() => resolve()));
  proxy = await startDynamoDbProxy({ target });
  const options = { endpoint: proxy.endpoint, region: "us-east-1", credentials };
  client = new DynamoDBClient(options);
  once = new DynamoDBClient({ ...options, maxAttempts: 1 });
  direct = new DynamoDBClient({ ...options, endpoint: target });
  for (const TableName of [TABLE, OTHER_TABLE]) {
    await direct.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }
});

afterAll(async () => {
  for (const each of [client, once, direct]) each.destroy();
  await proxy.close();
  await closeDynalite();
});

beforeEach(() => {
  proxy.faults.configure({});
  proxy.faults.resetCounts();
});

function put(pk: string, extra: Record<string, { S: string } | { N: string }> = {}) {
  return new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, ...extra } });
}

async function stored(pk: string, table = TABLE): Promise<Record<string, unknown> | undefined> {
  const { Item } = await direct.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }),
  );
  return Item;
}

describe("the DynamoDB proxy without faults", () => {
  it("passes requests and answers through", async () => {
    // Act
    await client.send(put("plain", { n: { N: "1" } }));
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "plain" } } }),
    );

    // Assess
    expect(Item).toEqual({ pk: { S: "plain" }, n: { N: "1" } });
    expect(proxy.faults.log()).toEqual([]);
  });

  it("refuses an item over 400 KB with DynamoDB's ValidationException, and takes one of exactly 400 KB", async () => {
    // Prepare: "pk" + "k" is 3 bytes, "blob" is 4.
    const exactly = "x".repeat(MAX_ITEM_BYTES - 7);

    // Act
    const tooLarge = await client
      .send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: "k" }, blob: { S: `${exactly}x` } },
        }),
      )
      .catch((error) => error);
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: "k" }, blob: { S: exactly } } }),
    );
    const grown = await client
      .send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: "k" } },
          UpdateExpression: "SET more = :more",
          ExpressionAttributeValues: { ":more": { S: "y" } },
        }),
      )
      .catch((error) => error);

    // Assess
    expect(tooLarge).toMatchObject({
      name: "ValidationException",
      message: "Item size has exceeded the maximum allowed size",
    });
    expect(grown).toMatchObject({
      name: "ValidationException",
      message: "Item size to update has exceeded the maximum allowed size",
    });
    expect((await stored("k"))?.more).toBeUndefined();
  });
});

describe("request bodies", () => {
  it("refuses a body over the local servers' limit with HTTP 413 before DynamoDB sees it", async () => {
    // Prepare: one byte over, counting the JSON around the attribute.
    const item = { pk: { S: "huge" }, blob: { S: "x".repeat(MAX_REQUEST_BODY_BYTES) } };

    // Act
    const refused = await once
      .send(new PutItemCommand({ TableName: TABLE, Item: item }))
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({
      name: "SerializationException",
      message: "the request body is too large",
      $metadata: { httpStatusCode: 413 },
    });
    expect(await stored("huge")).toBeUndefined();
  });

  it("refuses a body sent without a length once it passes the limit", async () => {
    // Prepare
    const chunk = Buffer.alloc(1024 * 1024, "x");

    // Act
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        `${proxy.endpoint}/`,
        { method: "POST", headers: { "x-amz-target": "DynamoDB_20120810.PutItem" } },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (data: Buffer) => chunks.push(data));
          incoming.on("end", () =>
            resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      outgoing.on("error", reject);
      const sendMore = (left: number): void => {
        if (left === 0) {
          outgoing.end();
          return;
        }
        if (outgoing.write(chunk)) sendMore(left - 1);
        else outgoing.once("drain", () => sendMore(left - 1));
      };
      sendMore(8);
    });

    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: "SerializationException" });
  });
});

describe("throttling", () => {
  it("refuses a request with ProvisionedThroughputExceededException before DynamoDB sees it", async () => {
    // Prepare
    proxy.faults.configure({ throttleRate: 1 });

    // Act
    const error = await once.send(put("throttled")).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await stored("throttled")).toBeUndefined();
    expect(proxy.faults.injected).toEqual({ throttled: 1, serverErrors: 0, lostResponses: 0 });
  });

  it("answers ThrottlingException when configured so, and the SDK's retries get past a single throttle", async () => {
    // Prepare
    proxy.faults.configure({ throttleRate: 1, throttleError: "ThrottlingException" });
    const throttled = await once.send(put("throttling")).catch((e) => e);
    proxy.faults.configure({ throttleRate: 1, limit: 1 });

    // Act
    const retried = await client.send(put("retried"));

    // Assess
    expect(throttled).toMatchObject({ name: "ThrottlingException" });
    expect(retried.$metadata.attempts).toBe(2);
    expect(await stored("retried")).toBeDefined();
  });

  it("throttles only the operations and tables a configuration names", async () => {
    // Prepare
    proxy.faults.configure({ operations: { GetItem: { throttleRate: 1 } }, tables: [OTHER_TABLE] });
    await client.send(put("read-me"));

    // Act
    const onTable = await once
      .send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "read-me" } } }))
      .catch((e) => e);
    const onOther = await once
      .send(new GetItemCommand({ TableName: OTHER_TABLE, Key: { pk: { S: "read-me" } } }))
      .catch((e) => e);

    // Assess
    expect(onTable.Item).toBeDefined();
    expect(onOther).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(proxy.faults.log()).toEqual([
      {
        kind: "throttled",
        at: expect.any(Date),
        operation: "GetItem",
        tables: [OTHER_TABLE],
        key: { pk: { S: "read-me" } },
      },
    ]);
  });
});

describe("server errors", () => {
  it("refuses a request with InternalServerError (HTTP 500) and carries nothing out", async () => {
    // Prepare
    proxy.faults.configure({ serverErrorRate: 1 });

    // Act
    const error = await once.send(put("failed")).catch((e) => e);

    // Assess
    expect(error).toMatchObject({
      name: "InternalServerError",
      $metadata: { httpStatusCode: 500 },
    });
    expect(await stored("failed")).toBeUndefined();
  });
});

describe("writes whose answer is lost", () => {
  it("carries the write out and answers InternalServerError", async () => {
    // Prepare
    proxy.faults.configure({ lostResponseRate: 1 });

    // Act
    const error = await once.send(put("lost", { v: { N: "1" } })).catch((e) => e);

    // Assess
    expect(error).toMatchObject({ name: "InternalServerError" });
    expect(await stored("lost")).toEqual({ pk: { S: "lost" }, v: { N: "1" } });
    expect(proxy.faults.log()).toEqual([
      expect.objectContaining({ kind: "lostResponse", operation: "PutItem", tables: [TABLE] }),
    ]);
  });

  it("carries the write out and resets the connection", async () => {
    // Prepare
    proxy.faults.configure({ lostResponseRate: 1, lostResponse: "connection-reset" });

    // Act
    const error = await once.send(put("reset")).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(await stored("reset")).toBeDefined();
  });

  it("leaves reads alone unless an operation's own rate says otherwise", async () => {
    // Prepare
    await client.send(put("read"));
    proxy.faults.configure({ lostResponseRate: 1 });

    // Act
    const read = await once.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "read" } } }),
    );

    // Assess
    expect(read.Item).toBeDefined();
    expect(proxy.faults.injected.lostResponses).toBe(0);
  });

  it("makes the SDK's own retry of a conditional update fail its condition, the first attempt having applied", async () => {
    // Prepare
    await client.send(put("versioned", { version: { N: "1" } }));
    proxy.faults.configure({ lostResponseRate: 1, limit: 1 });

    // Act
    const error = await client
      .send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: { S: "versioned" } },
          UpdateExpression: "SET version = :next",
          ConditionExpression: "version = :seen",
          ExpressionAttributeValues: { ":seen": { N: "1" }, ":next": { N: "2" } },
        }),
      )
      .catch((e) => e);

    // Assess
    expect(error).toMatchObject({
      name: "ConditionalCheckFailedException",
      $metadata: { attempts: 2 },
    });
    expect(await stored("versioned")).toMatchObject({ version: { N: "2" } });
  });
});

describe("fault configuration", () => {
  it("draws the same faults for the same seed and sequence of requests", async () => {
    // Prepare
    const outcomes = async () => {
      const seen: string[] = [];
      for (let index = 0; index < 20; index += 1) {
        const error = await once.send(put(`seq-${index}`)).catch((e) => e);
        seen.push(error instanceof Error ? error.name : "ok");
      }
      return seen;
    };

    // Act
    proxy.faults.configure({ seed: "same", throttleRate: 0.3, serverErrorRate: 0.5 });
    const first = await outcomes();
    proxy.faults.configure({ seed: "same", throttleRate: 0.3, serverErrorRate: 0.5 });
    const second = await outcomes();

    // Assess
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(
      new Set(["ok", "ProvisionedThroughputExceededException", "InternalServerError"]),
    );
  });

  it("refuses a configuration that breaks a rule, naming the field", () => {
    // Act
    const badOperation = () =>
      proxy.faults.configure({ operations: { CreateTable: { throttleRate: 1 } } as never });
    const badRate = () => proxy.faults.configure({ lostResponseRate: 3 });

    // Assess
    expect(badOperation).toThrow(InvalidFaultConfig);
    expect(badOperation).toThrow('dynamodb faults: operations: Unrecognized key: "CreateTable"');
    expect(badRate).toThrow(/^dynamodb faults: lostResponseRate: /);
  });
});

describe("time to live, which dynalite lacks", () => {
  it("keeps UpdateTimeToLive's setting and answers DescribeTimeToLive with it", async () => {
    // Prepare
    const before = await client.send(new DescribeTimeToLiveCommand({ TableName: OTHER_TABLE }));

    // Act
    const enabled = await client.send(
      new UpdateTimeToLiveCommand({
        TableName: OTHER_TABLE,
        TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" },
      }),
    );
    const described = await client.send(new DescribeTimeToLiveCommand({ TableName: OTHER_TABLE }));
    const again = await once
      .send(
        new UpdateTimeToLiveCommand({
          TableName: OTHER_TABLE,
          TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" },
        }),
      )
      .catch((error: unknown) => error);
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: OTHER_TABLE,
        TimeToLiveSpecification: { Enabled: false, AttributeName: "expiresAt" },
      }),
    );
    const after = await client.send(new DescribeTimeToLiveCommand({ TableName: OTHER_TABLE }));

    // Assess
    expect(before.TimeToLiveDescription).toEqual({ TimeToLiveStatus: "DISABLED" });
    expect(enabled.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: "expiresAt" });
    expect(described.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: "ENABLED",
      AttributeName: "expiresAt",
    });
    expect(again).toMatchObject({
      name: "ValidationException",
      message: "TimeToLive is already enabled",
    });
    expect(after.TimeToLiveDescription).toEqual({ TimeToLiveStatus: "DISABLED" });
  });

  it("answers ResourceNotFoundException for a table that does not exist", async () => {
    // Act
    const refused = await once
      .send(
        new UpdateTimeToLiveCommand({
          TableName: "no-such-table",
          TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" },
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({ name: "ResourceNotFoundException" });
  });
});
