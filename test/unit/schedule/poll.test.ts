import { describe, expect, it } from "vitest";
import {
  FINE_POLL_SECONDS,
  LATE_POLL_MAX_SECONDS,
  nextPoll,
  type PollInput,
  PollInputError,
  QUIET_CHECK_SECONDS,
} from "../../../src/schedule/index.ts";

const DEFAULT_JOB: PollInput = {
  prior: { jobType: "Default" },
  historySeconds: [],
  elapsedSeconds: 0,
  deadlineSeconds: 7200,
};

const ADVANCED_JOB: PollInput = {
  prior: {
    jobType: "Advanced",
    trafficSeconds: 1800,
    tests: 4,
    parallelTests: 2,
    jobDurationSeconds: 7200,
  },
  historySeconds: [],
  elapsedSeconds: 0,
  deadlineSeconds: 9000,
};

/** A listing where every step has been IN_PROGRESS since the run started. */
function flatSteps(at: number, count = 3) {
  return {
    observedAtSeconds: at,
    steps: Array.from({ length: count }, () => ({ status: "IN_PROGRESS", startSeconds: 60 })),
  };
}

describe("the first wait after CreateJob", () => {
  it("comes from the prior: no Describe right after CreateJob, and a look at the steps", () => {
    // Act
    const plan = nextPoll(DEFAULT_JOB);

    // Assess
    expect(plan.waitSeconds).toBeGreaterThan(10 * 60);
    expect(plan.waitSeconds).toBeLessThanOrEqual(plan.estimate.earliestSeconds);
    expect(plan.wantSteps).toBe(true);
    expect(plan.estimate).toMatchObject({ basis: "prior", progress: "unobserved" });
  });

  it("waits until the load tests could be over for an Advanced job, at most QUIET_CHECK_SECONDS", () => {
    // Act
    const plan = nextPoll(ADVANCED_JOB);

    // Assess: two waves of a 30-minute pattern cannot end within an hour.
    expect(plan.estimate.earliestSeconds).toBeGreaterThan(3600);
    expect(plan.waitSeconds).toBe(QUIET_CHECK_SECONDS);
  });
});

describe("while the job cannot be done", () => {
  it("skips straight to the earliest plausible end once the steps show no progress", () => {
    // Prepare
    const at = 700;

    // Act
    const plan = nextPoll({
      ...DEFAULT_JOB,
      historySeconds: [2400],
      steps: flatSteps(at),
      elapsedSeconds: at,
    });

    // Assess
    expect(plan.estimate.progress).toBe("flat");
    expect(plan.wantSteps).toBe(false);
    expect(at + plan.waitSeconds).toBe(plan.estimate.earliestSeconds);
  });
});

describe("once the job may be done", () => {
  it("polls every FINE_POLL_SECONDS", () => {
    // Prepare
    const inWindow = { ...DEFAULT_JOB, historySeconds: [2400, 2450], steps: flatSteps(900) };
    const earliest = nextPoll({ ...inWindow, elapsedSeconds: 900 }).estimate.earliestSeconds;

    // Act
    const waits = [0, 100, 300].map(
      (offset) => nextPoll({ ...inWindow, elapsedSeconds: earliest + offset }).waitSeconds,
    );

    // Assess
    expect(waits).toEqual([FINE_POLL_SECONDS, FINE_POLL_SECONDS, FINE_POLL_SECONDS]);
  });

  it("lets the interval grow, up to LATE_POLL_MAX_SECONDS, once the job overruns every expectation", () => {
    // Prepare
    const overrunning = {
      ...DEFAULT_JOB,
      deadlineSeconds: 20_000,
      historySeconds: [2400, 2450],
      steps: flatSteps(900),
    };
    const latest = nextPoll({ ...overrunning, elapsedSeconds: 900 }).estimate.latestSeconds;

    // Act
    const soon = nextPoll({ ...overrunning, elapsedSeconds: latest + 300 }).waitSeconds;
    const later = nextPoll({ ...overrunning, elapsedSeconds: latest + 1800 }).waitSeconds;
    const muchLater = nextPoll({ ...overrunning, elapsedSeconds: latest + 4000 }).waitSeconds;

    // Assess
    expect(soon).toBeGreaterThan(FINE_POLL_SECONDS);
    expect(later).toBeGreaterThan(soon);
    expect(muchLater).toBe(LATE_POLL_MAX_SECONDS);
  });
});

describe("progress", () => {
  it("moves the window to where the benchmarks' pace puts the end", () => {
    // Prepare: eight 300 s benchmarks two at a time from 60 s; four done at 700 s.
    const steps = {
      observedAtSeconds: 700,
      steps: [0, 0, 1, 1, 2, 2, 3, 3].map((wave) => {
        const start = 60 + wave * 300;
        const end = start + 300;
        if (700 < start) return { status: "PENDING" };
        if (700 < end) return { status: "IN_PROGRESS", startSeconds: start };
        return { status: "COMPLETED", startSeconds: start, endSeconds: end };
      }),
    };

    // Act
    const plan = nextPoll({ ...DEFAULT_JOB, steps, elapsedSeconds: 700 });

    // Assess: the last benchmark ends at 1260 s, far sooner than the prior's 35 minutes.
    expect(plan.estimate.basis).toBe("progress");
    expect(plan.estimate.endSeconds).toBeGreaterThan(1260);
    expect(plan.estimate.endSeconds).toBeLessThan(1600);
    expect(700 + plan.waitSeconds).toBeLessThanOrEqual(1300);
  });
});

describe("the deadline", () => {
  it("is never waited past", () => {
    // Act
    const plan = nextPoll({ ...ADVANCED_JOB, elapsedSeconds: 8990 });

    // Assess
    expect(plan.waitSeconds).toBe(10);
  });

  it("gives a wait of 0 once it has come", () => {
    // Act
    const plan = nextPoll({ ...DEFAULT_JOB, elapsedSeconds: 7200 });

    // Assess
    expect(plan).toMatchObject({ waitSeconds: 0, wantSteps: false });
  });
});

describe("bad input", () => {
  it("is refused with the field and the rule it breaks", () => {
    // Act
    const call = () =>
      nextPoll({ ...DEFAULT_JOB, historySeconds: [2400, -5], elapsedSeconds: Number.NaN });

    // Assess
    expect(call).toThrow(PollInputError);
    expect(call).toThrow(/historySeconds\[1\]: must be positive/);
    expect(call).toThrow(/elapsedSeconds: must be a number of seconds/);
  });

  it("names an unknown job type and an unexpected field", () => {
    // Act
    const call = () =>
      nextPoll({
        ...DEFAULT_JOB,
        prior: { jobType: "Quick" },
        extra: true,
      } as unknown as PollInput);

    // Assess
    expect(call).toThrow(/prior\.jobType: must be one of Default, Advanced/);
    expect(call).toThrow(/unrecognized_keys/);
  });
});
