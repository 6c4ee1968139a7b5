import { describe, expect, it } from "vitest";
import {
  LOCAL_WAIT_RESOURCE,
  MAX_TIMER_SECONDS,
  parseDefinition,
  prepareDefinition,
  retryDelayMs,
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

  it("wraps Task input in an envelope, leaves Retry intervals to the runner and bounds timeouts to a timer", () => {
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
      { ErrorEquals: ["NotReady"], IntervalSeconds: 30, MaxDelaySeconds: 300 },
      { ErrorEquals: ["States.ALL"] },
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

describe("retryDelayMs", () => {
  it("backs off from IntervalSeconds by BackoffRate per attempt, up to MaxDelaySeconds", () => {
    // Prepare
    const retrier = { IntervalSeconds: 3, BackoffRate: 2, MaxDelaySeconds: 20 };

    // Act
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(retrier, attempt, 0.5));

    // Assess
    expect(delays).toEqual([3000, 6000, 12_000, 20_000, 20_000]);
  });

  it("defaults to a 1 s interval doubling per attempt", () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs({}, attempt, 0.5))).toEqual([1000, 2000, 4000]);
  });

  it("takes the random share of the delay with FULL jitter", () => {
    // Prepare
    const retrier = { IntervalSeconds: 10, BackoffRate: 1, JitterStrategy: "FULL" };

    // Act
    const delays = [0, 0.25, 0.999].map((random) => retryDelayMs(retrier, 1, random));

    // Assess
    expect(delays).toEqual([0, 2500, 9990]);
  });
});
