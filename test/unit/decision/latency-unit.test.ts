import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_IN_FLIGHT,
  decideLatencyUnit,
  MIN_IN_FLIGHT,
  toMilliseconds,
} from "../../../src/decision/latency-unit.ts";
import { AWS_FIXTURES, fixtureJob, job, realTime } from "./support.ts";

describe("decideLatencyUnit", () => {
  it("reads AWS's Default example (263596 at 648 requests/min on ml.c5.xlarge) in microseconds", () => {
    // Act
    const decision = decideLatencyUnit(fixtureJob(AWS_FIXTURES.defaultJob));

    // Assess
    expect(decision.unit).toBe("us");
    expect(decision.source).toBe("auto");
    expect(decision.evidence?.medianInFlightAsMicroseconds).toBeCloseTo(2.847, 3);
    expect(decision.evidence?.maxInFlight).toBe(DEFAULT_MAX_IN_FLIGHT);
    expect(decision.reason).toBe(
      "read as microseconds: the median of 3 entries keeps 2.85 requests in flight at MaxInvocations read as microseconds, 2,847 read as milliseconds; the plausible range is 0.5 to 500 (the bound for a job without a traffic pattern)",
    );
  });

  it("reads AWS's Advanced example (P95 100 ms, ModelLatency 100000) in microseconds", () => {
    // Act
    const decision = decideLatencyUnit(fixtureJob(AWS_FIXTURES.advancedJob));

    // Assess
    expect(decision.unit).toBe("us");
    expect(decision.evidence?.maxInFlight).toBe(6);
    expect(decision.reason).toContain("2 x the load test's peak of 3 users");
  });

  it("reads both examples in milliseconds once their latencies are divided by 1000", () => {
    // Act
    const defaultJob = decideLatencyUnit(fixtureJob(AWS_FIXTURES.defaultJobInMs));
    const advancedJob = decideLatencyUnit(fixtureJob(AWS_FIXTURES.advancedJobInMs));

    // Assess
    expect(defaultJob.unit).toBe("ms");
    expect(defaultJob.reason).toMatch(/^read as milliseconds: .*only milliseconds is within/);
    expect(advancedJob.unit).toBe("ms");
  });

  it("bounds an Advanced job by its load test's users: too many in flight as ms is us", () => {
    // Prepare: 600 requests/min at 100000 -> 1 in flight as us, 1,000 as ms; peak 3 users.
    const advanced = job(
      [realTime("a", "ml.c5.xlarge", { maxInvocations: 600, modelLatency: 100000 })],
      {
        jobType: "Advanced",
        trafficPeakUsers: 3,
      },
    );

    // Act
    const decision = decideLatencyUnit(advanced);

    // Assess
    expect(decision.unit).toBe("us");
  });

  it("reads milliseconds only when microseconds is implausible and milliseconds is not", () => {
    // Prepare: 60 requests/min at 300 -> 0.0003 (us) or 0.3 (ms): both below one in flight.
    const neither = job([realTime("a", "ml.c5.xlarge", { maxInvocations: 60, modelLatency: 300 })]);

    // Act
    const decision = decideLatencyUnit(neither);

    // Assess
    expect(decision.unit).toBe("us");
    expect(decision.reason).toMatch(/neither is within the plausible range/);
  });

  it("uses the median entry, so one odd entry does not decide", () => {
    // Prepare
    const entries = [
      realTime("a", "ml.c5.xlarge", { maxInvocations: 600, modelLatency: 200 }),
      realTime("b", "ml.c5.2xlarge", { maxInvocations: 1200, modelLatency: 180 }),
      realTime("c", "ml.m5.xlarge", { maxInvocations: 600, modelLatency: 250000 }),
    ];

    // Act
    const decision = decideLatencyUnit(job(entries));

    // Assess
    expect(decision.unit).toBe("ms");
    expect(decision.evidence?.samples).toBe(3);
  });

  it("counts endpoint performances as evidence too", () => {
    // Prepare
    const measured = job([], {
      endpointPerformances: [
        { endpointName: "prod", maxInvocations: 1200, modelLatency: 40, unavailableMetrics: [] },
      ],
    });

    // Act
    const decision = decideLatencyUnit(measured);

    // Assess
    expect(decision.unit).toBe("ms");
  });

  it("keeps microseconds when nothing can be checked", () => {
    // Act
    const decision = decideLatencyUnit(job([realTime("a", "ml.c5.xlarge", { costPerHour: 1 })]));

    // Assess
    expect(decision).toEqual({
      unit: "us",
      source: "auto",
      reason:
        "read as microseconds, as AWS's example responses are: no entry reports both MaxInvocations and ModelLatency to check it against",
    });
  });

  it("follows the policy when it names the unit", () => {
    // Act
    const decision = decideLatencyUnit(fixtureJob(AWS_FIXTURES.defaultJob), "ms");

    // Assess
    expect(decision).toEqual({
      unit: "ms",
      source: "policy",
      reason: "the policy sets latencyUnit ms",
    });
  });

  it("keeps the plausible band no wider than the factor between the readings", () => {
    expect(DEFAULT_MAX_IN_FLIGHT / MIN_IN_FLIGHT).toBeLessThanOrEqual(1000);
  });
});

describe("toMilliseconds", () => {
  it("converts microseconds and leaves milliseconds", () => {
    expect(toMilliseconds(263596, "us")).toBeCloseTo(263.596, 9);
    expect(toMilliseconds(264, "ms")).toBe(264);
  });
});
