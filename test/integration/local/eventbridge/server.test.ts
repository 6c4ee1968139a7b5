import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PATTERN_DEPTH } from "../../../../local/eventbridge/pattern.ts";
import {
  type EventBridgeServer,
  startEventBridgeServer,
} from "../../../../local/eventbridge/server.ts";

const HANDLER_ARN = "arn:aws:lambda:us-east-1:000000000000:function:outcomes";

describe("local EventBridge server", () => {
  let server: EventBridgeServer;
  let client: EventBridgeClient;

  beforeAll(async () => {
    server = await startEventBridgeServer({ host: "127.0.0.1", port: 0 });
    client = new EventBridgeClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it("listens on an ephemeral loopback port", () => {
    // Prepare
    const { endpoint, port } = server;

    // Act
    const url = new URL(endpoint);

    // Assess
    expect(url.hostname).toBe("127.0.0.1");
    expect(Number(url.port)).toBe(port);
    expect(port).toBeGreaterThan(0);
  });

  it("delivers an event to an in-process handler through PutRule, PutTargets and PutEvents", async () => {
    // Prepare
    const received: unknown[] = [];
    const unregister = server.bus.registerTargetHandler(HANDLER_ARN, (input) => {
      received.push(input);
    });
    await client.send(
      new PutRuleCommand({
        Name: "job-outcomes",
        EventPattern: JSON.stringify({
          source: ["irflow"],
          detail: { status: [{ prefix: "COMPL" }] },
        }),
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: "job-outcomes",
        Targets: [
          {
            Id: "outcomes",
            Arn: HANDLER_ARN,
            InputTransformer: {
              InputPathsMap: { job: "$.detail.jobName", status: "$.detail.status" },
              InputTemplate: '{"job": <job>, "status": <status>}',
            },
          },
        ],
      }),
    );

    // Act
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: "irflow",
            DetailType: "Inference Recommendations Job Completed",
            Detail: JSON.stringify({ jobName: "job-1", status: "COMPLETED" }),
            Time: new Date("2024-05-01T12:00:00.500Z"),
          },
          { Source: "irflow", DetailType: "Ignored", Detail: JSON.stringify({ status: "FAILED" }) },
        ],
      }),
    );
    await server.bus.settled();
    unregister();

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.every((entry) => typeof entry.EventId === "string")).toBe(true);
    expect(received).toEqual([{ job: "job-1", status: "COMPLETED" }]);
    const [first] = server.bus.received({ detailType: "Inference Recommendations Job Completed" });
    expect(first?.time).toBe("2024-05-01T12:00:00Z");
    expect(first?.id).toBe(output.Entries?.[0]?.EventId);
  });

  it("answers an invalid entry with FailedEntryCount 1 and an error code", async () => {
    // Prepare
    const entries = [
      { Source: "irflow", DetailType: "Broken", Detail: "{not json" },
      { Source: "irflow", DetailType: "Fine", Detail: "{}" },
    ];

    // Act
    const output = await client.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]).toEqual({
      ErrorCode: "MalformedDetail",
      ErrorMessage: "Detail is malformed.",
    });
    expect(output.Entries?.[1]?.EventId).toEqual(expect.any(String));
  });

  it("raises ResourceNotFoundException for an unknown rule", async () => {
    // Prepare
    const command = new DescribeRuleCommand({ Name: "no-such-rule" });

    // Act
    const error = await client.send(command).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "ResourceNotFoundException",
      message: "Rule no-such-rule does not exist on EventBus default.",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("raises ValidationException for more than 10 entries", async () => {
    // Prepare
    const entries = Array.from({ length: 11 }, () => ({
      Source: "irflow",
      DetailType: "x",
      Detail: "{}",
    }));

    // Act
    const error = await client.send(new PutEventsCommand({ Entries: entries })).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toMatchObject({ name: "ValidationException" });
  });

  it("raises InvalidEventPatternException for an invalid pattern", async () => {
    // Prepare
    const command = new PutRuleCommand({ Name: "bad", EventPattern: '{"source": "irflow"}' });

    // Act
    const error = await client.send(command).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toMatchObject({ name: "InvalidEventPatternException" });
  });

  it("answers a pattern nested too deep with InvalidEventPatternException (HTTP 400), and takes one at the limit", async () => {
    // Prepare: a field per level, a value list at the bottom.
    const nested = (levels: number) =>
      `${'{"detail":'.repeat(levels - 1)}["irflow"]${"}".repeat(levels - 1)}`;

    // Act
    const tooDeep = await client
      .send(new PutRuleCommand({ Name: "deep", EventPattern: nested(20_000) }))
      .catch((caught: unknown) => caught);
    const atLimit = await client.send(
      new PutRuleCommand({ Name: "deep", EventPattern: nested(MAX_PATTERN_DEPTH) }),
    );
    const overLimit = await client
      .send(new PutRuleCommand({ Name: "deeper", EventPattern: nested(MAX_PATTERN_DEPTH + 1) }))
      .catch((caught: unknown) => caught);

    // Assess
    for (const refused of [tooDeep, overLimit]) {
      expect(refused).toMatchObject({
        name: "InvalidEventPatternException",
        message: `Event pattern is not valid. Reason: Pattern nests objects and arrays deeper than ${MAX_PATTERN_DEPTH} levels`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect(atLimit.RuleArn).toContain("rule/deep");
    await client.send(new DeleteRuleCommand({ Name: "deep" }));
  });

  it("manages buses, rules and targets on a custom bus", async () => {
    // Prepare
    const created = await client.send(new CreateEventBusCommand({ Name: "irflow-outcomes" }));
    await client.send(
      new PutRuleCommand({
        Name: "on-custom",
        EventBusName: created.EventBusArn,
        EventPattern: '{"source":["irflow"]}',
        State: "DISABLED",
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: "on-custom",
        EventBusName: "irflow-outcomes",
        Targets: [{ Id: "a", Arn: HANDLER_ARN }],
      }),
    );

    // Act
    const bus = await client.send(new DescribeEventBusCommand({ Name: "irflow-outcomes" }));
    const buses = await client.send(new ListEventBusesCommand({}));
    const rules = await client.send(new ListRulesCommand({ EventBusName: "irflow-outcomes" }));
    const targets = await client.send(
      new ListTargetsByRuleCommand({ Rule: "on-custom", EventBusName: "irflow-outcomes" }),
    );
    await client.send(
      new RemoveTargetsCommand({ Rule: "on-custom", EventBusName: "irflow-outcomes", Ids: ["a"] }),
    );
    await client.send(
      new DeleteRuleCommand({ Name: "on-custom", EventBusName: "irflow-outcomes" }),
    );
    const afterDelete = await client.send(
      new ListRulesCommand({ EventBusName: "irflow-outcomes" }),
    );

    // Assess
    expect(created.EventBusArn).toBe(
      "arn:aws:events:us-east-1:000000000000:event-bus/irflow-outcomes",
    );
    expect(bus.Arn).toBe(created.EventBusArn);
    expect(bus.CreationTime).toBeInstanceOf(Date);
    expect(buses.EventBuses?.map((entry) => entry.Name)).toEqual(["default", "irflow-outcomes"]);
    expect(rules.Rules).toEqual([
      {
        Name: "on-custom",
        Arn: "arn:aws:events:us-east-1:000000000000:rule/irflow-outcomes/on-custom",
        EventPattern: '{"source":["irflow"]}',
        State: "DISABLED",
        EventBusName: "irflow-outcomes",
      },
    ]);
    expect(targets.Targets).toEqual([{ Id: "a", Arn: HANDLER_ARN }]);
    expect(afterDelete.Rules).toEqual([]);
  });

  it("answers raw JSON 1.1 requests with a request id and typed errors", async () => {
    // Prepare
    const post = (target: string, body: string) =>
      fetch(server.endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body,
      });

    // Act
    const unknown = await post("AWSEvents.TagResource", "{}");
    const malformed = await post("AWSEvents.PutEvents", "{oops");
    const missingMember = await post("AWSEvents.PutRule", "{}");

    // Assess
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(unknown.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await unknown.json()).toEqual({
      __type: "UnknownOperationException",
      message: "Operation AWSEvents.TagResource is not supported.",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: "SerializationException" });
    expect(missingMember.status).toBe(400);
    expect(await missingMember.json()).toMatchObject({ __type: "ValidationException" });
  });

  it("shows recorded events on the debug route", async () => {
    // Prepare
    await client.send(
      new PutEventsCommand({
        Entries: [{ Source: "irflow.debug", DetailType: "Seen", Detail: '{"n":1}' }],
      }),
    );

    // Act
    const response = await fetch(`${server.endpoint}/_irflow/events?source=irflow.debug`);
    const body = (await response.json()) as { events: Array<{ source: string; detail: unknown }> };

    // Assess
    expect(response.status).toBe(200);
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({
      source: "irflow.debug",
      "detail-type": "Seen",
      detail: { n: 1 },
    });
  });
});

describe("local EventBridge server faults", () => {
  let server: EventBridgeServer;
  let client: EventBridgeClient;

  beforeAll(async () => {
    server = await startEventBridgeServer({
      port: 0,
      accountId: "123456789012",
      region: "eu-west-1",
    });
    client = new EventBridgeClient({
      endpoint: server.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it("returns injected InternalFailure entries through the SDK", async () => {
    // Prepare
    server.bus.injectFaults({ failEntryRate: 1, seed: "sdk" });
    const entries = [{ Source: "irflow", DetailType: "x", Detail: "{}" }];

    // Act
    const output = await client.send(new PutEventsCommand({ Entries: entries }));
    server.bus.injectFaults({ failEntryRate: 0 });

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.ErrorCode).toBe("InternalFailure");
  });

  it("loses a PutEvents answer after accepting its event: one attempt sees a 500, a retrying SDK leaves a copy", async () => {
    // Prepare
    const once = new EventBridgeClient({
      endpoint: server.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const before = server.bus.received({ source: "irflow.lost" }).length;
    const entries = [{ Source: "irflow.lost", DetailType: "x", Detail: '{"n":1}' }];

    // Act
    server.bus.injectFaults({ lostResponseRate: 1, limit: 1 });
    const error = await once.send(new PutEventsCommand({ Entries: entries })).catch((e) => e);
    server.bus.injectFaults({ lostResponseRate: 1, limit: 1 });
    const retried = await client.send(new PutEventsCommand({ Entries: entries }));
    server.bus.injectFaults({});
    once.destroy();

    // Assess
    expect(error).toMatchObject({
      name: "InternalException",
      $metadata: { httpStatusCode: 500 },
    });
    expect(retried.FailedEntryCount).toBe(0);
    expect(retried.$metadata.attempts).toBe(2);
    const received = server.bus.received({ source: "irflow.lost" });
    expect(received.length - before).toBe(3);
    expect(server.bus.faults.lostEventIds().size).toBe(2);
  });

  it("refuses PutEvents entries totalling 256 KB with ValidationException through the SDK", async () => {
    // Prepare
    const detail = JSON.stringify({ blob: "x".repeat(256 * 1024) });

    // Act
    const error = await client
      .send(
        new PutEventsCommand({ Entries: [{ Source: "irflow", DetailType: "x", Detail: detail }] }),
      )
      .catch((e) => e);

    // Assess
    expect(error).toMatchObject({
      name: "ValidationException",
      message: "Total size of the entries in the request is over the limit.",
    });
  });

  it("uses the configured account and region", async () => {
    // Prepare
    const command = new PutRuleCommand({ Name: "r", EventPattern: '{"source":["x"]}' });

    // Act
    const output = await client.send(command);

    // Assess
    expect(output.RuleArn).toBe("arn:aws:events:eu-west-1:123456789012:rule/r");
  });
});
