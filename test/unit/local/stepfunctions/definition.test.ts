import { describe, expect, it } from "vitest";
import {
  LOCAL_WAIT_RESOURCE,
  MAX_TIMER_SECONDS,
  parseDefinition,
  prepareDefinition,
} from "../../../../local/stepfunctions/definition.ts";
import { InvalidDefinition } from "../../../../local/stepfunctions/errors.ts";

const definition = {
  TimeoutSeconds: 99_999_999,
  StartAt: "Pause",
  States: {
    Pause: {
      Type: "Wait",
      SecondsPath: "$.seconds",
      InputPath: "$.job",
      OutputPath: "$.name",
      Next: "Check",
    },
    Check: {
      Type: "Task",
      Resource: "arn:aws:lambda:us-east-1:000000000000:function:check",
      Retry: [
        { ErrorEquals: ["NotReady"], IntervalSeconds: 30, MaxDelaySeconds: 300 },
        {
          ErrorEquals: ["States.ALL"],
        },
      ],
      End: true,
    },
  },
};

describe("prepareDefinition", () => {
  it("turns a Wait state into a local wait Task that keeps its paths and duration", () => {
    // Prepare
    const parsed = parseDefinition(definition);

    // Act
    const prepared = prepareDefinition(parsed, 10);

    // Assess
    const states = prepared.definition.States as Record<string, Record<string, unknown>>;
    expect(states.Pause).toEqual({
      Type: "Task",
      Resource: LOCAL_WAIT_RESOURCE,
      InputPath: "$.job",
      OutputPath: "$.name",
      Next: "Check",
      Parameters: {
        state: "Pause",
        resource: LOCAL_WAIT_RESOURCE,
        payload: { "input.$": "$", "seconds.$": "$.seconds" },
      },
      TimeoutSeconds: MAX_TIMER_SECONDS,
    });
    expect(prepared.states.get("Pause")).toEqual({ type: "Wait" });
    expect(prepared.taskStateNames).toEqual(["Pause", "Check"]);
  });

  it("wraps Task input in an envelope, scales Retry intervals and bounds timeouts to a timer", () => {
    // Prepare
    const parsed = parseDefinition(definition);

    // Act
    const prepared = prepareDefinition(parsed, 10);

    // Assess
    const states = prepared.definition.States as Record<string, Record<string, unknown>>;
    expect(states.Check?.Parameters).toEqual({
      state: "Check",
      resource: "arn:aws:lambda:us-east-1:000000000000:function:check",
      "payload.$": "$",
    });
    expect(states.Check?.Retry).toEqual([
      { ErrorEquals: ["NotReady"], IntervalSeconds: 3, MaxDelaySeconds: 30 },
      { ErrorEquals: ["States.ALL"], IntervalSeconds: 0.1 },
    ]);
    expect(states.Check?.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    expect(prepared.definition.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
  });

  it("leaves the parsed definition untouched", () => {
    // Prepare
    const parsed = parseDefinition(definition);
    const before = structuredClone(parsed);

    // Act
    prepareDefinition(parsed, 600);

    // Assess
    expect(parsed).toEqual(before);
    expect(parsed).toEqual(definition);
  });
});

describe("parseDefinition", () => {
  it("rejects text that is not JSON as InvalidDefinition", () => {
    // Prepare
    const text = "{ StartAt: ";

    // Act
    const parse = () => parseDefinition(text);

    // Assess
    expect(parse).toThrow(InvalidDefinition);
    expect(parse).toThrow(/not valid JSON/);
  });
});
