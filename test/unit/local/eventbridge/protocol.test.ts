import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toAwsJson } from "../../../../local/aws-json.ts";
import { LocalEventBus } from "../../../../local/eventbridge/bus.ts";
import { ValidationException } from "../../../../local/eventbridge/errors.ts";
import { eventBridgeOperations } from "../../../../local/eventbridge/protocol.ts";
import {
  type EventBridgeServer,
  startEventBridgeServer,
} from "../../../../local/eventbridge/server.ts";

describe("X-Amz-Target", () => {
  let server: EventBridgeServer;

  beforeAll(async () => {
    server = await startEventBridgeServer();
  });

  afterAll(async () => {
    await server.close();
  });

  const post = (target: string | undefined) =>
    fetch(server.endpoint, {
      method: "POST",
      headers: target === undefined ? {} : { "x-amz-target": target },
      body: JSON.stringify({ Entries: [{ Source: "irflow", DetailType: "x", Detail: "{}" }] }),
    });

  it("reads the operation from an AWSEvents target header", async () => {
    // Prepare
    const header = "AWSEvents.PutEvents";

    // Act
    const response = await post(header);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ FailedEntryCount: 0 });
  });

  it.each([
    undefined,
    "PutEvents",
    "AWSEvents.TagResource",
    "AWSEvents.toString",
    "Other.PutEvents",
  ])("refuses %j", async (header) => {
    // Prepare
    const target = header;

    // Act
    const response = await post(target);

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: "UnknownOperationException" });
  });
});

describe("eventBridgeOperations", () => {
  it("turns JSON 1.1 epoch-second Time into the envelope time", () => {
    // Prepare
    const bus = new LocalEventBus();
    const body = {
      Entries: [{ Source: "irflow", DetailType: "x", Detail: "{}", Time: 1_714_564_800.25 }],
    };

    // Act
    eventBridgeOperations(bus).PutEvents(body);

    // Assess
    expect(bus.received()[0]?.time).toBe("2024-05-01T12:00:00Z");
  });

  it("names every wrong member in a ValidationException", () => {
    // Prepare
    const bus = new LocalEventBus();
    const body = { Name: 3, State: "SOMETIMES" };

    // Act
    const invoke = () => eventBridgeOperations(bus).PutRule(body);

    // Assess
    expect(invoke).toThrow(ValidationException);
    expect(invoke).toThrow(/^2 validation errors detected: Value at 'Name'.*; Value at 'State'/);
  });
});

describe("toAwsJson", () => {
  it("writes dates as epoch seconds and leaves out absent members", () => {
    // Prepare
    const value = {
      When: new Date("2024-05-01T12:00:00.500Z"),
      Missing: undefined,
      List: [{ A: 1 }],
    };

    // Act
    const wire = JSON.parse(toAwsJson(value));

    // Assess
    expect(wire).toEqual({ When: 1_714_564_800.5, List: [{ A: 1 }] });
  });
});
