import { describe, expect, it } from "vitest";
import { resolveMix, type SimJob } from "../../../bench/polling/mix.ts";
import { presetMix } from "../../../bench/polling/presets.ts";
import { checkTarget, runSchedules, summarize } from "../../../bench/polling/report.ts";
import {
  endOf,
  fixedSchedule,
  irflowSchedule,
  oracleSchedule,
  SCHEDULES,
  stepsAt,
} from "../../../bench/polling/simulate.ts";
import { FINE_POLL_SECONDS } from "../../../src/schedule/index.ts";

function defaultJob(overrides: Partial<SimJob> = {}): SimJob {
  const [job] = resolveMix(
    { jobs: [{ pendingSeconds: 60, runSeconds: 2701, history: [2600, 2750] }] },
    "test",
  );
  return { ...(job as SimJob), ...overrides };
}

describe("the polling simulation", () => {
  it("reads a mix in the documented format, with the Default sample spec when none is given", () => {
    // Act
    const [job] = resolveMix(
      {
        jobs: [
          {
            pendingSeconds: 60,
            runSeconds: 2700,
            benchmarks: [{ startOffset: 0, endOffset: 300 }],
            history: [2500, 2710],
          },
        ],
      },
      "test",
    );

    // Assess
    expect(job?.prior).toEqual({ jobType: "Default" });
    expect(job?.deadlineSeconds).toBe(7200);
    expect(job?.historySeconds).toEqual([2560, 2770]);
    expect(job?.kind).toBe("Default, progress, history");
  });

  it("refuses a bad mix, naming the job and field", () => {
    // Act
    const bad = () =>
      resolveMix({ jobs: [{ pendingSeconds: 60, runSeconds: 10 }, { pendingSeconds: 60 }] }, "m");
    const badSpec = () =>
      resolveMix({ jobs: [{ spec: { specVersion: 1 }, pendingSeconds: 1, runSeconds: 10 }] }, "m");

    // Assess
    expect(bad).toThrow(/jobs\.1\.runSeconds/);
    expect(badSpec).toThrow(/jobs\.0\.spec: job/);
  });

  it("detects a job's end on a fixed schedule at the first multiple of its interval", () => {
    // Act
    const outcome = fixedSchedule(60).poll(defaultJob());

    // Assess: the job ends at 2761 s; polls at 60, 120, ... 2820.
    expect(outcome).toEqual({ polls: 47, describes: 47, listings: 0, delaySeconds: 59 });
  });

  it("lets the oracle poll once, right at the end", () => {
    // Act & Assess
    expect(oracleSchedule.poll(defaultJob())).toEqual({
      polls: 1,
      describes: 1,
      listings: 0,
      delaySeconds: 0,
    });
  });

  it("shows steps as the benchmarks start and end, or all running when progress is hidden", () => {
    // Prepare
    const visible = defaultJob({
      benchmarks: [
        { startOffset: 0, endOffset: 300 },
        { startOffset: 300, endOffset: 2700 },
      ],
    });
    const hidden = defaultJob({ hiddenSteps: 2 });

    // Act
    const seen = stepsAt(visible, 500).steps.map((step) => step.status);
    const flat = stepsAt(hidden, 500).steps.map((step) => step.status);

    // Assess
    expect(seen).toEqual(["COMPLETED", "IN_PROGRESS"]);
    expect(flat).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);
  });

  it("drives irflow's schedule: a fine delay, few calls, the listings counted", () => {
    // Prepare
    const job = defaultJob({
      benchmarks: Array.from({ length: 8 }, (_, index) => ({
        startOffset: 100 + Math.floor(index / 2) * 640,
        endOffset: 100 + (Math.floor(index / 2) + 1) * 640,
      })),
    });

    // Act
    const outcome = irflowSchedule.poll(job);

    // Assess
    expect(outcome.delaySeconds).toBeLessThanOrEqual(FINE_POLL_SECONDS);
    expect(outcome.listings).toBeGreaterThan(0);
    expect(outcome.describes + outcome.listings).toBeLessThan(0.3 * 47);
    expect(endOf(job)).toBe(2761);
  });

  it("counts 7 transitions outside the polling loop and 3 per poll", () => {
    // Act
    const figures = summarize("fixed-60", [fixedSchedule(60).poll(defaultJob())]);

    // Assess
    expect(figures.transitionsPerJob).toBe(7 + 3 * 47);
    expect(figures.callsPerJob).toBe(47);
    expect(figures.costPerJob).toBeGreaterThan((7 + 3 * 47) * 0.000025);
  });

  it("meets the target on a small generated default mix", () => {
    // Prepare
    const jobs = presetMix("default", { seed: "unit", jobs: 300 });

    // Act
    const { details } = runSchedules(SCHEDULES, jobs);
    const check = checkTarget(details);

    // Assess
    expect(details.map((detail) => detail.name)).toEqual([
      "irflow",
      "fixed-5",
      "fixed-30",
      "fixed-60",
      "fixed-120",
      "fixed-300",
      "oracle",
    ]);
    expect(check).toMatchObject({ delayMet: true, callsMet: true });
  });
});
