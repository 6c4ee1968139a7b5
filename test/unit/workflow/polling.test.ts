import { describe, expect, it } from "vitest";
import { validateSpec } from "../../../src/spec/validate.ts";
import {
  deadlinePassed,
  deadlineSeconds,
  nextPollSeconds,
  PENDING_POLL_SECONDS,
} from "../../../src/workflow/polling.ts";
import { sampleSpec } from "../../support/specs.ts";

const base = {
  jobName: "job-a",
  jobType: "Default" as const,
  status: "IN_PROGRESS",
  pollCount: 1,
  elapsedSeconds: 0,
  deadlineSeconds: 7200,
};

describe("nextPollSeconds", () => {
  it("polls a pending job soon", () => {
    // Act
    const wait = nextPollSeconds({ ...base, status: "PENDING" });

    // Assess
    expect(wait).toBeGreaterThanOrEqual(PENDING_POLL_SECONDS * 0.9);
    expect(wait).toBeLessThanOrEqual(PENDING_POLL_SECONDS * 1.1);
  });

  it("polls less often as a job runs, up to a ceiling", () => {
    // Act
    const waits = [1, 2, 3, 4, 5, 10, 30].map((pollCount) =>
      nextPollSeconds({ ...base, pollCount }),
    );

    // Assess
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
    expect(waits[3]).toBeGreaterThan(waits[1] ?? 0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(330);
    expect(waits[6]).toBeGreaterThanOrEqual(270);
  });

  it("waits longer between polls of Advanced jobs", () => {
    // Act
    const [standard, advanced] = [
      nextPollSeconds({ ...base, pollCount: 20 }),
      nextPollSeconds({ ...base, jobType: "Advanced", pollCount: 20 }),
    ];

    // Assess
    expect(advanced).toBeGreaterThan(standard);
  });

  it("never waits past the deadline, nor less than a second", () => {
    // Act
    const waits = [
      nextPollSeconds({ ...base, pollCount: 9, elapsedSeconds: 7150 }),
      nextPollSeconds({ ...base, pollCount: 9, elapsedSeconds: 7200 }),
    ];

    // Assess
    expect(waits).toEqual([50, 1]);
  });

  it("jitters jobs started together apart, but the same job alike", () => {
    // Act
    const waits = new Set(
      ["a", "b", "c", "d", "e"].map((jobName) =>
        nextPollSeconds({ ...base, jobName, pollCount: 3 }),
      ),
    );
    const first = nextPollSeconds({ ...base, jobName: "a", pollCount: 3 });
    const second = nextPollSeconds({ ...base, jobName: "a", pollCount: 3 });

    // Assess
    expect(waits.size).toBeGreaterThan(1);
    expect(second).toBe(first);
  });
});

describe("deadlineSeconds", () => {
  it.each([
    ["default-model-package.json", 7200],
    ["advanced-phases.json", 7200 + 1800],
    ["advanced-stairs.json", 3600 + 1800],
  ])("gives %s a deadline of %i s", (file, expected) => {
    // Prepare
    const result = validateSpec(sampleSpec(file));
    if (!result.valid) throw new Error("sample is invalid");

    // Act
    const deadline = deadlineSeconds(result.spec);

    // Assess
    expect(deadline).toBe(expected);
  });

  it("takes the spec's own deadline first", () => {
    // Prepare
    const raw = sampleSpec("default-model-package.json");
    raw.irflow = { deadlineSeconds: 900 };
    const result = validateSpec(raw);

    // Act
    const deadline = result.valid ? deadlineSeconds(result.spec) : 0;

    // Assess
    expect(deadline).toBe(900);
    expect(deadlinePassed({ elapsedSeconds: 900, deadlineSeconds: deadline })).toBe(true);
    expect(deadlinePassed({ elapsedSeconds: 899, deadlineSeconds: deadline })).toBe(false);
  });
});
