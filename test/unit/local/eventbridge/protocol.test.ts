import { describe, expect, it } from "vitest";
import { LocalEventBus } from "../../../../local/eventbridge/bus.ts";
import {
  UnknownOperationException,
  ValidationException,
} from "../../../../local/eventbridge/errors.ts";
import {
  invokeOperation,
  operationFromTarget,
  toWire,
} from "../../../../local/eventbridge/protocol.ts";

describe("operationFromTarget", () => {
  it("reads the operation from an AWSEvents target header", () => {
    // Prepare
    const header = "AWSEvents.PutEvents";

    // Act
    const operation = operationFromTarget(header);

    // Assess
    expect(operation).toBe("PutEvents");
  });

  it.each([
    undefined,
    "PutEvents",
    "AWSEvents.TagResource",
    "AWSEvents.toString",
    "Other.PutEvents",
  ])("refuses %j", (header) => {
    // Prepare
    const target = header;

    // Act
    const read = () => operationFromTarget(target);

    // Assess
    expect(read).toThrow(UnknownOperationException);
  });
});

describe("invokeOperation", () => {
  it("turns JSON 1.1 epoch-second Time into the envelope time", () => {
    // Prepare
    const bus = new LocalEventBus();
    const body = {
      Entries: [{ Source: "irflow", DetailType: "x", Detail: "{}", Time: 1_714_564_800.25 }],
    };

    // Act
    invokeOperation(bus, "PutEvents", body);

    // Assess
    expect(bus.received()[0]?.time).toBe("2024-05-01T12:00:00Z");
  });

  it("names every wrong member in a ValidationException", () => {
    // Prepare
    const bus = new LocalEventBus();
    const body = { Name: 3, State: "SOMETIMES" };

    // Act
    const invoke = () => invokeOperation(bus, "PutRule", body);

    // Assess
    expect(invoke).toThrow(ValidationException);
    expect(invoke).toThrow(/^2 validation errors detected: Value at 'Name'.*; Value at 'State'/);
  });
});

describe("toWire", () => {
  it("writes dates as epoch seconds and leaves out absent members", () => {
    // Prepare
    const value = {
      When: new Date("2024-05-01T12:00:00.500Z"),
      Missing: undefined,
      List: [{ A: 1 }],
    };

    // Act
    const wire = toWire(value);

    // Assess
    expect(wire).toEqual({ When: 1_714_564_800.5, List: [{ A: 1 }] });
  });
});
