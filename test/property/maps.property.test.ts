import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { entryText } from "../../cli/format.ts";
import {
  capDecision,
  cappedDecisionSchema,
  decide,
  EVENT_LIMITS,
  parseDescribeResponse,
  RECORD_LIMITS,
} from "../../src/decision/index.ts";

/** Names an object would mangle, mixed with any text. */
const parameterName = fc.oneof(
  fc.constantFrom("constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "length"),
  fc.string({ minLength: 1, maxLength: 12 }),
);

function response(parameters: readonly { Key: string; Value: string }[]) {
  return {
    JobName: "maps",
    JobType: "Default",
    Status: "COMPLETED",
    InferenceRecommendations: [
      {
        RecommendationId: "only",
        Metrics: { CostPerHour: 0.2, CostPerInference: 1e-6, MaxInvocations: 600, ModelLatency: 9 },
        EndpointConfiguration: { InstanceType: "ml.c5.xlarge", InitialInstanceCount: 1 },
        ModelConfiguration: {
          EnvironmentParameters: parameters.map((item) => ({ ...item, ValueType: "String" })),
        },
      },
    ],
  };
}

describe("an environment with any names", () => {
  it("reaches the record, the event and the report unchanged", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ Key: parameterName, Value: fc.string({ maxLength: 8 }) }), {
          selector: (item) => item.Key,
          maxLength: 6,
        }),
        (parameters) => {
          const expected = parameters.map(({ Key, Value }) => ({ key: Key, value: Value }));
          const read = parseDescribeResponse(response(parameters));
          if (!read.ok) throw new Error("the response is invalid");
          const decision = capDecision(decide(read.value), RECORD_LIMITS);

          // The record as the document client writes and reads it.
          const item = marshall({ decision }, { removeUndefinedValues: true });
          const stored = cappedDecisionSchema.parse(unmarshall(item).decision);
          // The event as EventBridge carries it: JSON text.
          const event = cappedDecisionSchema.parse(
            JSON.parse(JSON.stringify(capDecision(stored, EVENT_LIMITS))),
          );

          expect(decision.selected?.environment).toEqual(expected);
          expect(stored.selected?.environment).toEqual(expected);
          expect(event.selected?.environment).toEqual(expected);
          const text = event.selected ? entryText(event.selected) : "";
          for (const { key, value } of expected) expect(text).toContain(`${key}=${value}`);
        },
      ),
    );
  });

  it("reads a record written with the environment as an object", () => {
    const read = parseDescribeResponse(response([{ Key: "OMP_NUM_THREADS", Value: "2" }]));
    if (!read.ok) throw new Error("the response is invalid");
    const decision = decide(read.value);
    const old = JSON.parse(JSON.stringify(capDecision(decision, RECORD_LIMITS)));
    old.selected.environment = { OMP_NUM_THREADS: "2" };

    expect(cappedDecisionSchema.parse(old).selected?.environment).toEqual([
      { key: "OMP_NUM_THREADS", value: "2" },
    ]);
  });
});
