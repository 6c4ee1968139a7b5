import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventPublishError, TransientAwsError } from "../../src/errors.ts";
import { buildOutcomeDetail, DETAIL_TYPES, publishOutcome } from "../../src/outcome.ts";
import type { JobRecord } from "../../src/workflow/record.ts";

const events = mockClient(EventBridgeClient);
const noSleep = async () => {};

function finishedRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    jobName: "fraud-xgboost-v7-0123456789",
    version: 5,
    phase: "decided",
    executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:run-1",
    trigger: { type: "manual" },
    model: {
      key: "model-package/fraud-xgboost",
      kind: "model-package",
      packageGroup: "fraud-xgboost",
      packageVersion: 7,
    },
    modelKey: "model-package/fraud-xgboost",
    jobType: "Default",
    status: "FAILED",
    statusHistory: [{ status: "FAILED", at: "2026-11-23T10:45:00.000Z" }],
    pollCount: 4,
    waitedSeconds: 900,
    deadlineSeconds: 7200,
    createdAt: "2026-11-23T10:00:00.000Z",
    updatedAt: "2026-11-23T10:50:00.000Z",
    completedAt: "2026-11-23T10:45:00.000Z",
    outcome: "failed",
    failure: { reason: "the model did not start", step: "DiagnoseFailure" },
    ...overrides,
  };
}

beforeEach(() => {
  events.reset();
});

describe("publishOutcome", () => {
  it("retries an entry EventBridge did not accept, then returns its event id", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again" }],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: "event-2" }] });
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const eventId = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      sleep: noSleep,
    });

    // Assess
    expect(eventId).toBe("event-2");
    const calls = events.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: "bus",
      Source: "irflow",
      DetailType: DETAIL_TYPES.failed,
    });
  });

  it("gives up with EventPublishError after every attempt fails", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] });
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const error = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      attempts: 3,
      sleep: noSleep,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(EventPublishError);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it("turns throttling into TransientAwsError for the state machine to retry", async () => {
    // Prepare
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Act
    const error = await publishOutcome(new EventBridgeClient({}), detail, {
      busName: "bus",
      source: "irflow",
      sleep: noSleep,
    }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).name).toBe("TransientAwsError");
  });
});

describe("buildOutcomeDetail", () => {
  it("carries timings, the model and the failure of a failed job", () => {
    // Act
    const detail = buildOutcomeDetail(finishedRecord(), new Date());

    // Assess
    expect(detail).toMatchObject({
      schemaVersion: "1.0",
      outcome: "failed",
      timings: {
        startedAt: "2026-11-23T10:00:00.000Z",
        finishedAt: "2026-11-23T10:45:00.000Z",
        durationSeconds: 2700,
        polls: 4,
      },
      failure: { reason: "the model did not start" },
    });
  });

  it("lists the selected recommendation and the others as alternatives", () => {
    // Prepare
    const cheap = {
      recommendationId: "a",
      endpointType: "RealTime" as const,
      instanceType: "ml.c5.large",
      instanceCount: 1,
      metrics: { costPerInference: 1e-7 },
    };
    const dear = {
      ...cheap,
      recommendationId: "b",
      instanceType: "ml.m5.4xlarge",
      metrics: { costPerInference: 9e-7 },
    };
    const record = finishedRecord({
      outcome: "selected",
      status: "COMPLETED",
      selected: cheap,
      recommendations: [cheap, dear],
      ineligible: [],
      failure: undefined,
    });

    // Act
    const detail = buildOutcomeDetail(record, new Date());

    // Assess
    expect(detail).toMatchObject({
      outcome: "selected",
      selected: cheap,
      alternatives: [dear],
      ineligible: [],
    });
  });
});
