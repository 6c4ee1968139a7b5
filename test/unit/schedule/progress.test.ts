import { describe, expect, it } from "vitest";
import {
  listingShowsWorkLeft,
  observedParallelism,
  observeSteps,
  progressEnd,
  type StepsObservation,
} from "../../../src/schedule/progress.ts";

type Step = StepsObservation["steps"][number];

/** Steps of `count` benchmarks of `length` s, `slots` at a time from `start`, seen at `at`. */
function regular(options: {
  count: number;
  length: number;
  slots: number;
  start: number;
  at: number;
}): StepsObservation {
  const steps: Step[] = Array.from({ length: options.count }, (_, index) => {
    const begin = options.start + Math.floor(index / options.slots) * options.length;
    const end = begin + options.length;
    if (options.at < begin) return { status: "PENDING" };
    if (options.at < end) return { status: "IN_PROGRESS", startSeconds: begin };
    return { status: "COMPLETED", startSeconds: begin, endSeconds: end };
  });
  return { observedAtSeconds: options.at, steps };
}

describe("observing the steps", () => {
  it("turns listed steps into seconds since CreateJob", () => {
    // Prepare
    const created = new Date("2026-01-01T00:00:00Z");

    // Act
    const observation = observeSteps(
      [
        {
          Status: "COMPLETED",
          InferenceBenchmark: {
            InvocationStartTime: new Date("2026-01-01T00:02:00Z"),
            InvocationEndTime: new Date("2026-01-01T00:10:00Z"),
          },
        },
        {
          Status: "IN_PROGRESS",
          InferenceBenchmark: { InvocationStartTime: new Date("2026-01-01T00:10:00Z") },
        },
        {},
      ],
      created,
      new Date("2026-01-01T00:12:30Z"),
    );

    // Assess
    expect(observation).toEqual({
      observedAtSeconds: 750,
      steps: [
        { status: "COMPLETED", startSeconds: 120, endSeconds: 600 },
        { status: "IN_PROGRESS", startSeconds: 600 },
        { status: "PENDING" },
      ],
    });
  });

  it("proves the job is still running only while a benchmark is to run and none went wrong", () => {
    // Act
    const running = listingShowsWorkLeft({
      observedAtSeconds: 10,
      steps: [{ status: "COMPLETED" }, { status: "IN_PROGRESS" }],
    });
    const allOver = listingShowsWorkLeft({
      observedAtSeconds: 10,
      steps: [{ status: "COMPLETED" }, { status: "COMPLETED" }],
    });
    const failed = listingShowsWorkLeft({
      observedAtSeconds: 10,
      steps: [{ status: "FAILED" }, { status: "PENDING" }],
    });
    const none = listingShowsWorkLeft({ observedAtSeconds: 10, steps: [] });

    // Assess
    expect([running, allOver, failed, none]).toEqual([true, false, false, false]);
  });
});

describe("the end predicted from progress", () => {
  it("says nothing before any listing", () => {
    // Act & Assess
    expect(progressEnd(undefined, { trafficSeconds: 0 })).toEqual({ kind: "unobserved" });
  });

  it("recognises steps that cannot tell the pace: all running since the same instant, none over", () => {
    // Act
    const flat = progressEnd(regular({ count: 4, length: 1000, slots: 4, start: 60, at: 500 }), {
      trafficSeconds: 0,
    });

    // Assess
    expect(flat).toEqual({ kind: "flat", runStartSeconds: 60 });
  });

  it("waits for more when some benchmarks run and others wait", () => {
    // Act
    const started = progressEnd(regular({ count: 4, length: 1000, slots: 2, start: 60, at: 500 }), {
      trafficSeconds: 900,
    });

    // Assess: no load test ends before its 900 s pattern has run.
    expect(started).toEqual({ kind: "started", runStartSeconds: 60, nextChangeSeconds: 960 });
  });

  it("predicts the end from the pace of the finished benchmarks and the slots they run in", () => {
    // Prepare: 10 benchmarks of 400 s, 2 at a time from 100 s: the last ends at 2100 s.
    const observation = regular({ count: 10, length: 400, slots: 2, start: 100, at: 1000 });

    // Act
    const pace = progressEnd(observation, { trafficSeconds: 0 });

    // Assess: the end comes some wrap-up after 2100 s.
    expect(pace.kind).toBe("pace");
    expect(pace.endSeconds).toBeGreaterThan(2100);
    expect(pace.endSeconds).toBeLessThan(2300);
    expect(pace.spreadSeconds).toBeGreaterThan(0);
    expect(pace.nextChangeSeconds).toBe(1300);
  });

  it("grows surer as fewer benchmarks remain", () => {
    // Act
    const early = progressEnd(regular({ count: 10, length: 400, slots: 2, start: 100, at: 600 }), {
      trafficSeconds: 0,
    });
    const late = progressEnd(regular({ count: 10, length: 400, slots: 2, start: 100, at: 1800 }), {
      trafficSeconds: 0,
    });

    // Assess
    expect(late.spreadSeconds).toBeLessThan(early.spreadSeconds ?? 0);
  });

  it("leaves only the wrap-up once every benchmark is over", () => {
    // Act
    const finished = progressEnd(regular({ count: 3, length: 500, slots: 3, start: 60, at: 700 }), {
      trafficSeconds: 0,
    });

    // Assess
    expect(finished.kind).toBe("finished");
    expect(finished.endSeconds).toBeGreaterThan(700);
    expect(finished.endSeconds).toBeLessThan(900);
  });

  it("counts the benchmarks seen running at once", () => {
    // Act
    const two = observedParallelism(
      regular({ count: 6, length: 300, slots: 2, start: 0, at: 700 }),
    );
    const none = observedParallelism({ observedAtSeconds: 5, steps: [{ status: "PENDING" }] });

    // Assess
    expect(two).toBe(2);
    expect(none).toBeUndefined();
  });
});
