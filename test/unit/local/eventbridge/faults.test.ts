import { describe, expect, it } from "vitest";
import { LocalEventBus } from "../../../../local/eventbridge/bus.ts";
import {
  InternalException,
  ThrottlingException,
  ValidationException,
} from "../../../../local/eventbridge/errors.ts";
import { InvalidFaultConfig } from "../../../../local/eventbridge/faults.ts";
import type { PutEventsRequestEntry } from "../../../../local/eventbridge/types.ts";

const HANDLER_ARN = "arn:aws:lambda:us-east-1:000000000000:function:record";

function entry(overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    Source: "irflow.recommender",
    DetailType: "Job Completed",
    Detail: JSON.stringify({ jobName: "job-1" }),
    ...overrides,
  };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("a PutEvents answer lost after the events were accepted", () => {
  it("throws InternalException (HTTP 500) with the events on the bus, delivered and logged", async () => {
    // Prepare
    const bus = new LocalEventBus({ faults: { lostResponseRate: 1 } });
    const delivered: unknown[] = [];
    bus.registerTargetHandler(HANDLER_ARN, (input) => {
      delivered.push(input);
    });
    bus.putRule({ Name: "all", EventPattern: JSON.stringify({ source: ["irflow.recommender"] }) });
    bus.putTargets({ Rule: "all", Targets: [{ Id: "record", Arn: HANDLER_ARN }] });

    // Act
    const error = thrownBy(() => bus.putEvents({ Entries: [entry(), entry({ Source: "aws.x" })] }));
    await bus.settled();

    // Assess
    expect(error).toBeInstanceOf(InternalException);
    expect(error).toMatchObject({ type: "InternalException", statusCode: 500 });
    const received = bus.received();
    expect(received).toHaveLength(1);
    expect(delivered).toHaveLength(1);
    expect(bus.faults.injected).toEqual({
      failedEntries: 0,
      throttledCalls: 0,
      lostResponses: 1,
      eventsInLostResponses: 1,
    });
    expect(bus.faults.lostEventIds()).toEqual(new Set([received[0]?.id]));
    expect(bus.faults.lostResponses()).toEqual([
      { at: expect.any(Date), eventIds: [received[0]?.id] },
    ]);
  });

  it("loses nothing when the call accepted no event", () => {
    // Prepare
    const bus = new LocalEventBus({ faults: { lostResponseRate: 1 } });

    // Act
    const output = bus.putEvents({ Entries: [entry({ Detail: "not json" })] });

    // Assess
    expect(output.FailedEntryCount).toBe(1);
    expect(bus.faults.injected.lostResponses).toBe(0);
  });

  it("leaves a copy of every event when the publisher sends the same entries again", () => {
    // Prepare
    const bus = new LocalEventBus({ faults: { lostResponseRate: 1, limit: 1 } });
    const entries = [entry({ Detail: '{"outcomeId":"o-1"}' })];

    // Act
    const first = thrownBy(() => bus.putEvents({ Entries: entries }));
    const second = bus.putEvents({ Entries: entries });

    // Assess
    expect(first).toBeInstanceOf(InternalException);
    expect(second.FailedEntryCount).toBe(0);
    const copies = bus.received().map((event) => event.id);
    expect(copies).toHaveLength(2);
    expect(bus.faults.lostEventIds()).toEqual(new Set([copies[0]]));
    expect(copies[1]).not.toBe(copies[0]);
  });
});

describe("throttled PutEvents calls", () => {
  it("refuses the whole call with ThrottlingException and accepts nothing", () => {
    // Prepare
    const bus = new LocalEventBus({ faults: { throttleRate: 1 } });

    // Act
    const error = thrownBy(() => bus.putEvents({ Entries: [entry(), entry()] }));

    // Assess
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ statusCode: 400 });
    expect(bus.received()).toHaveLength(0);
    expect(bus.faults.injected.throttledCalls).toBe(1);
  });
});

describe("fault draws", () => {
  it("repeats for the same seed, kind by kind, and a new configuration restarts them", () => {
    // Prepare
    const options = { seed: "s", throttleRate: 0.3, failEntryRate: 0.3, lostResponseRate: 0.3 };
    const outcomes = (bus: LocalEventBus) =>
      Array.from({ length: 30 }, () => {
        const error = thrownBy(() => bus.putEvents({ Entries: [entry(), entry()] }));
        return error instanceof Error ? error.name : "ok";
      });
    const first = new LocalEventBus({ faults: options });
    const second = new LocalEventBus({ faults: options });

    // Act
    const firstRun = outcomes(first);
    second.injectFaults({ ...options, seed: "other" });
    outcomes(second);
    second.injectFaults(options);
    const secondRun = outcomes(second);

    // Assess
    expect(secondRun).toEqual(firstRun);
    expect(new Set(firstRun)).toEqual(new Set(["ok", "ThrottlingException", "InternalException"]));
  });

  it("stops at the limit of the configuration", () => {
    // Prepare
    const bus = new LocalEventBus({ faults: { failEntryRate: 1, limit: 2 } });

    // Act
    const output = bus.putEvents({ Entries: [entry(), entry(), entry(), entry()] });

    // Assess
    expect(output.FailedEntryCount).toBe(2);
    expect(bus.faults.injected.failedEntries).toBe(2);
  });

  it("refuses a configuration that breaks a rule, naming the field", () => {
    // Act
    const unknown = () => new LocalEventBus({ faults: { lostRate: 1 } as never });
    const badRate = () => new LocalEventBus({ faults: { lostResponseRate: -0.1 } });

    // Assess
    expect(unknown).toThrow(InvalidFaultConfig);
    expect(unknown).toThrow(/^eventbridge faults: \(config\): Unrecognized key: "lostRate"$/);
    expect(badRate).toThrow(/^eventbridge faults: lostResponseRate: /);
  });
});

describe("PutEvents size quota", () => {
  it("refuses the whole call when one entry alone reaches 256 KB, and accepts one just under", () => {
    // Prepare
    const bus = new LocalEventBus();
    const source = "irflow.recommender";
    const detailType = "Job Completed";
    const detailOf = (entryBytes: number) =>
      JSON.stringify({ blob: "x".repeat(entryBytes - source.length - detailType.length - 11) });
    const large = entry({ Detail: detailOf(256 * 1024) });
    const underLimit = entry({ Detail: detailOf(256 * 1024 - 1) });

    // Act
    const refused = thrownBy(() => bus.putEvents({ Entries: [entry(), large] }));
    const output = bus.putEvents({ Entries: [underLimit] });

    // Assess
    expect(refused).toBeInstanceOf(ValidationException);
    expect(refused).toMatchObject({
      message: "Total size of the entries in the request is over the limit.",
    });
    expect(output.FailedEntryCount).toBe(0);
    expect(bus.received()).toHaveLength(1);
  });

  it("takes a larger quota when configured, as event buses allow 1 MB since 2026", () => {
    // Prepare
    const bus = new LocalEventBus({ limits: { requestEntryBytes: 1024 * 1024 } });
    const detail = JSON.stringify({ blob: "x".repeat(600 * 1024) });

    // Act
    const output = bus.putEvents({ Entries: [entry({ Detail: detail })] });

    // Assess
    expect(output.FailedEntryCount).toBe(0);
  });
});
