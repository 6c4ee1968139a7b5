import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nextPoll } from "../../../src/schedule/poll.ts";
import {
  ceilingSeconds,
  DOCUMENTED_DEFAULT_SECONDS,
  priorEnd,
  priorFromRequest,
  type SchedulePrior,
} from "../../../src/schedule/prior.ts";
import type { JobRequest } from "../../../src/spec/schema.ts";

function sample(file: string): JobRequest {
  const spec = JSON.parse(
    readFileSync(new URL(`../../../events/specs/${file}`, import.meta.url), "utf8"),
  ) as { job: JobRequest };
  return spec.job;
}

describe("the schedule's prior, read from the spec", () => {
  it("reads traffic length, tests, parallelism, duration and stopping conditions of an Advanced job", () => {
    // Act
    const prior = priorFromRequest(sample("advanced-phases.json"));

    // Assess: 600 + 900 s of phases; 2 + 3 environment combinations, at most 6 tests.
    expect(prior).toEqual({
      jobType: "Advanced",
      trafficSeconds: 1500,
      tests: 5,
      parallelTests: 3,
      jobDurationSeconds: 7200,
      mayStopEarly: true,
    });
  });

  it("reads a stairs pattern, an existing endpoint and a bare Default job", () => {
    // Act
    const stairs = priorFromRequest(sample("advanced-stairs.json"));
    const endpoint = priorFromRequest(sample("existing-endpoint.json"));
    const plain = priorFromRequest(sample("default-model-package.json"));

    // Assess
    expect(stairs.trafficSeconds).toBe(1800);
    expect(stairs.tests).toBe(2);
    expect(endpoint).toMatchObject({ tests: 1, existingEndpoint: true, trafficSeconds: 900 });
    expect(plain).toEqual({ jobType: "Default" });
  });
});

describe("the prior's end distribution", () => {
  it("puts a Default job's documented 45 minutes above its median", () => {
    // Act
    const end = priorEnd({ jobType: "Default" });

    // Assess
    expect(end.medianSeconds).toBeGreaterThan(25 * 60);
    expect(end.medianSeconds).toBeLessThan(DOCUMENTED_DEFAULT_SECONDS);
    expect(end.upperSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it("grows with the traffic pattern and the number of waves, and cannot end before the traffic has run", () => {
    // Prepare
    const base: SchedulePrior = {
      jobType: "Advanced",
      trafficSeconds: 900,
      tests: 4,
      parallelTests: 2,
      jobDurationSeconds: 18_000,
    };

    // Act
    const twoWaves = priorEnd(base);
    const longer = priorEnd({ ...base, trafficSeconds: 1800 });
    const fourWaves = priorEnd({ ...base, parallelTests: 1 });

    // Assess
    expect(twoWaves.lowerSeconds).toBe(1800);
    expect(twoWaves.medianSeconds).toBeGreaterThan(1800);
    expect(longer.medianSeconds - twoWaves.medianSeconds).toBe(1800);
    expect(fourWaves.medianSeconds).toBeGreaterThan(twoWaves.medianSeconds + 1800);
  });

  it("is relatively surer of a long load test than of a short one: the traffic is certain, only the overhead varies", () => {
    // Prepare
    const shortPrior: SchedulePrior = { jobType: "Advanced", trafficSeconds: 600, tests: 1 };
    const longPrior: SchedulePrior = { jobType: "Advanced", trafficSeconds: 3600, tests: 1 };
    const windowOf = (prior: SchedulePrior) =>
      nextPoll({ prior, historySeconds: [], elapsedSeconds: 0, deadlineSeconds: 40_000 }).estimate;

    // Act
    const short = priorEnd(shortPrior);
    const long = priorEnd(longPrior);
    const shortWindow = windowOf(shortPrior);
    const longWindow = windowOf(longPrior);

    // Assess: the same overhead, so the same window in seconds, narrower next to a longer job.
    expect(short.certainSeconds).toBe(600);
    expect(long.certainSeconds).toBe(3600);
    expect(long.medianSeconds - long.certainSeconds).toBe(
      short.medianSeconds - short.certainSeconds,
    );
    expect(longWindow.endSeconds - longWindow.earliestSeconds).toBe(
      shortWindow.endSeconds - shortWindow.earliestSeconds,
    );
    expect(longWindow.earliestSeconds / longWindow.endSeconds).toBeGreaterThan(
      shortWindow.earliestSeconds / shortWindow.endSeconds,
    );
    expect(longWindow.earliestSeconds).toBeGreaterThan(3600);
  });

  it("counts as certain only the traffic nothing can cut short or spread over unknown waves", () => {
    // Prepare
    const base: SchedulePrior = {
      jobType: "Advanced",
      trafficSeconds: 1200,
      tests: 3,
      parallelTests: 1,
    };

    // Act
    const full = priorEnd(base);
    const mayStop = priorEnd({ ...base, mayStopEarly: true });
    const openWaves = priorEnd({ jobType: "Advanced", trafficSeconds: 1200, tests: 3 });
    const stoppedAtDuration = priorEnd({ ...base, jobDurationSeconds: 3600 });

    // Assess
    expect(full.certainSeconds).toBe(3600);
    expect(mayStop.certainSeconds).toBe(900);
    expect(mayStop.medianSeconds).toBe(full.medianSeconds);
    expect(openWaves.certainSeconds).toBe(0);
    expect(stoppedAtDuration.certainSeconds).toBe(0);
    expect(priorEnd({ jobType: "Default" }).certainSeconds).toBe(0);
  });

  it("falls back on the documented 2 hours when the spec gives no traffic pattern, within JobDurationInSeconds", () => {
    // Act
    const open = priorEnd({ jobType: "Advanced" });
    const capped = priorEnd({ jobType: "Advanced", jobDurationSeconds: 3600 });

    // Assess
    expect(open.medianSeconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(capped.medianSeconds).toBeLessThanOrEqual(3600 + 60);
    expect(open.modelSpread).toBeGreaterThan(0.3);
  });

  it("ends no later than JobDurationInSeconds after the run starts", () => {
    // Act
    const unknownStart = ceilingSeconds({ jobType: "Advanced", jobDurationSeconds: 3600 });
    const knownStart = ceilingSeconds({ jobType: "Advanced", jobDurationSeconds: 3600 }, 100);

    // Assess
    expect(knownStart).toBeGreaterThan(3700);
    expect(knownStart).toBeLessThan(3900);
    expect(unknownStart).toBeGreaterThan(knownStart);
    expect(ceilingSeconds({ jobType: "Default" })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("a typical prior (any kind of job)", () => {
  const typical: SchedulePrior = {
    basis: "typical",
    typicalSeconds: 1800,
    spread: 0.3,
    earliestSeconds: 600,
  };

  it("is a log-normal around its typical duration, bounded below only", () => {
    // Act
    const end = priorEnd(typical);

    // Assess
    expect(end).toMatchObject({
      medianSeconds: 1800,
      certainSeconds: 0,
      lowerSeconds: 600,
      upperSeconds: Number.POSITIVE_INFINITY,
      trafficSeconds: 0,
    });
    expect(Math.hypot(end.modelSpread, end.jobSpread)).toBeCloseTo(0.3, 6);
    expect(end.jobSpread).toBeLessThan(end.modelSpread);
    expect(ceilingSeconds(typical)).toBe(Number.POSITIVE_INFINITY);
  });

  it("splits its spread by the job-to-job variation it states", () => {
    // Act
    const end = priorEnd({ ...typical, jobSpread: 0.2 });

    // Assess
    expect(end.jobSpread).toBe(0.2);
    expect(end.modelSpread).toBeCloseTo(Math.sqrt(0.3 ** 2 - 0.2 ** 2), 6);
  });

  it("is refused with its field and rule, as the classic prior is", () => {
    // Act
    const call = () =>
      nextPoll({
        prior: { ...typical, typicalSeconds: -1 },
        historySeconds: [],
        elapsedSeconds: 0,
        deadlineSeconds: 7200,
      });
    const unknownBasis = () =>
      nextPoll({
        prior: { basis: "quick" } as unknown as SchedulePrior,
        historySeconds: [],
        elapsedSeconds: 0,
        deadlineSeconds: 7200,
      });

    // Assess
    expect(call).toThrow(/prior\.typicalSeconds: must be positive/);
    expect(unknownBasis).toThrow(/prior\.basis: must be "typical" or absent/);
  });
});
