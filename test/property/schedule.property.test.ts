import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FINE_POLL_SECONDS,
  nextPoll,
  type PollInput,
  priorEnd,
  QUIET_CHECK_SECONDS,
  type SchedulePrior,
  type StepsObservation,
} from "../../src/schedule/index.ts";

const STATUSES = ["PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPED"] as const;

const prior: fc.Arbitrary<SchedulePrior> = fc.oneof(
  fc.constant<SchedulePrior>({ jobType: "Default" }),
  fc
    .record(
      {
        trafficSeconds: fc.integer({ min: 120, max: 10_800 }),
        tests: fc.integer({ min: 1, max: 10 }),
        parallelTests: fc.integer({ min: 1, max: 10 }),
        jobDurationSeconds: fc.integer({ min: 600, max: 18_000 }),
        existingEndpoint: fc.boolean(),
        mayStopEarly: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((fields): SchedulePrior => ({ jobType: "Advanced", ...fields })),
  fc
    .record(
      {
        typicalSeconds: fc.integer({ min: 60, max: 20_000 }),
        spread: fc.double({ min: 0.01, max: 1.5, noNaN: true }),
        jobSpread: fc.double({ min: 0.01, max: 1, noNaN: true }),
        earliestSeconds: fc.integer({ min: 0, max: 20_000 }),
      },
      { requiredKeys: ["typicalSeconds", "spread", "earliestSeconds"] },
    )
    .map((fields): SchedulePrior => ({ basis: "typical", ...fields })),
);

const history = fc.array(fc.integer({ min: 60, max: 30_000 }), { maxLength: 6 });

function stepsAt(at: number): fc.Arbitrary<StepsObservation> {
  return fc
    .array(
      fc.record({
        status: fc.constantFrom(...STATUSES),
        start: fc.integer({ min: 0, max: Math.max(0, at) }),
        length: fc.integer({ min: 1, max: 5000 }),
      }),
      { maxLength: 12 },
    )
    .map((steps) => ({
      observedAtSeconds: at,
      steps: steps.map(({ status, start, length }) => {
        if (status === "PENDING") return { status };
        if (status === "IN_PROGRESS") return { status, startSeconds: start };
        return { status, startSeconds: start, endSeconds: Math.min(at, start + length) };
      }),
    }));
}

const pollInput: fc.Arbitrary<PollInput> = fc
  .record({
    prior,
    historySeconds: history,
    elapsedSeconds: fc.integer({ min: 0, max: 30_000 }),
    deadlineSeconds: fc.integer({ min: 1, max: 40_000 }),
    status: fc.option(fc.constantFrom("PENDING" as const, "IN_PROGRESS" as const), {
      nil: undefined,
    }),
    observedAgo: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
  })
  .chain(({ observedAgo, status, ...input }) =>
    observedAgo === undefined
      ? fc.constant<PollInput>({ ...input, ...(status ? { status } : {}) })
      : stepsAt(Math.max(0, input.elapsedSeconds - observedAgo)).map(
          (steps): PollInput => ({ ...input, ...(status ? { status } : {}), steps }),
        ),
  );

/** The times a schedule polls at when nothing it learns changes (no listings, no end). */
function pollTimes(input: Omit<PollInput, "elapsedSeconds">): number[] {
  const times: number[] = [];
  let at = 0;
  for (let round = 0; round < 5000; round += 1) {
    const { waitSeconds } = nextPoll({ ...input, elapsedSeconds: at });
    if (waitSeconds < 1) break;
    at += waitSeconds;
    times.push(at);
  }
  return times;
}

describe("the poll schedule, for any input", () => {
  it("never waits past the deadline, and waits whole seconds", () => {
    fc.assert(
      fc.property(pollInput, (input) => {
        // Act
        const { waitSeconds } = nextPoll(input);

        // Assess
        expect(Number.isInteger(waitSeconds)).toBe(true);
        expect(waitSeconds).toBeGreaterThanOrEqual(0);
        expect(input.elapsedSeconds + waitSeconds).toBeLessThanOrEqual(
          Math.max(input.elapsedSeconds, input.deadlineSeconds),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("waits at least FINE_POLL_SECONDS and at most QUIET_CHECK_SECONDS, unless the deadline is nearer", () => {
    fc.assert(
      fc.property(pollInput, (input) => {
        // Act
        const { waitSeconds } = nextPoll(input);

        // Assess
        const remaining = Math.max(0, Math.floor(input.deadlineSeconds - input.elapsedSeconds));
        expect(waitSeconds).toBeLessThanOrEqual(QUIET_CHECK_SECONDS);
        expect(waitSeconds).toBeGreaterThanOrEqual(Math.min(FINE_POLL_SECONDS, remaining));
      }),
      { numRuns: 400 },
    );
  });

  it("is deterministic: the same input gives the same plan", () => {
    fc.assert(
      fc.property(pollInput, (input) => {
        // Act
        const first = nextPoll(input);
        const again = nextPoll(structuredClone(input));

        // Assess
        expect(again).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps its estimate ordered: earliest before latest, and the end not before now", () => {
    fc.assert(
      fc.property(pollInput, (input) => {
        // Act
        const { estimate } = nextPoll(input);

        // Assess
        expect(estimate.earliestSeconds).toBeLessThanOrEqual(estimate.latestSeconds);
        expect(estimate.endSeconds).toBeGreaterThanOrEqual(Math.floor(input.elapsedSeconds));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the poll schedule over a whole job", () => {
  it("polls before the prior's earliest plausible end only for bounded checks, then every FINE_POLL_SECONDS until the latest", () => {
    fc.assert(
      fc.property(prior, history, (jobPrior, historySeconds) => {
        // Prepare
        const input = { prior: jobPrior, historySeconds, deadlineSeconds: 40_000 };
        const { earliestSeconds, latestSeconds } = nextPoll({
          ...input,
          elapsedSeconds: 0,
        }).estimate;

        // Act
        const times = pollTimes(input);

        // Assess: a progress check, then checks at most QUIET_CHECK_SECONDS apart.
        const early = times.filter((time) => time < earliestSeconds);
        expect(early.length).toBeLessThanOrEqual(
          1 + Math.ceil(earliestSeconds / QUIET_CHECK_SECONDS),
        );
        expect(times[0]).toBeGreaterThanOrEqual(Math.min(FINE_POLL_SECONDS, earliestSeconds));
        // An end anywhere in the window is seen within FINE_POLL_SECONDS.
        const window = [earliestSeconds, ...times.filter((time) => time >= earliestSeconds)];
        for (let index = 1; index < window.length; index += 1) {
          const previous = window[index - 1] ?? 0;
          if (previous < latestSeconds) {
            expect((window[index] ?? 0) - previous).toBeLessThanOrEqual(FINE_POLL_SECONDS);
          }
        }
        expect(times.at(-1)).toBe(40_000);
      }),
      { numRuns: 60 },
    );
  });

  it("once the steps show no progress, skips to the earliest plausible end with only QUIET_CHECK_SECONDS checks", () => {
    fc.assert(
      fc.property(
        prior,
        history,
        fc.integer({ min: 1, max: 8 }),
        (jobPrior, historySeconds, count) => {
          // Prepare: every step running since 60 s, seen at 60 s.
          const steps = {
            observedAtSeconds: 60,
            steps: Array.from({ length: count }, () => ({
              status: "IN_PROGRESS",
              startSeconds: 60,
            })),
          };
          const input = { prior: jobPrior, historySeconds, steps, deadlineSeconds: 40_000 };
          const { earliestSeconds } = nextPoll({ ...input, elapsedSeconds: 60 }).estimate;

          // Act
          const times: number[] = [];
          let at = 60;
          while (at < earliestSeconds) {
            const plan = nextPoll({ ...input, elapsedSeconds: at });
            expect(plan.wantSteps).toBe(false);
            if (plan.waitSeconds < 1) break;
            at += plan.waitSeconds;
            times.push(at);
          }

          // Assess: every poll before it is a bounded check; the next is at it or just past it.
          let previous = 60;
          for (const time of times) {
            const landing = [earliestSeconds, input.deadlineSeconds, previous + FINE_POLL_SECONDS];
            if (time < Math.min(earliestSeconds, input.deadlineSeconds)) {
              expect(time - previous).toBe(QUIET_CHECK_SECONDS);
            } else {
              expect(landing).toContain(time);
            }
            previous = time;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("opens the window no sooner than the traffic that cannot be cut short, as wide in seconds however long that traffic is", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 120, max: 10_800 }),
        fc.integer({ min: 120, max: 10_800 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        fc.boolean(),
        (traffic, otherTraffic, tests, parallelTests, existingEndpoint, mayStopEarly) => {
          // Prepare: no JobDurationInSeconds, so nothing stops the job at a ceiling.
          const spec = {
            jobType: "Advanced",
            tests,
            parallelTests,
            existingEndpoint,
            mayStopEarly,
          };
          const windowOf = (trafficSeconds: number) => {
            const prior: SchedulePrior = { ...spec, jobType: "Advanced", trafficSeconds };
            const { estimate } = nextPoll({
              prior,
              historySeconds: [],
              elapsedSeconds: 0,
              deadlineSeconds: 400_000,
            });
            return { certain: priorEnd(prior).certainSeconds, ...estimate };
          };

          // Act
          const one = windowOf(traffic);
          const other = windowOf(otherTraffic);

          // Assess
          expect(one.certain).toBeGreaterThan(0);
          expect(one.earliestSeconds).toBeGreaterThanOrEqual(Math.floor(one.certain));
          // Only the overhead varies: with all the traffic certain, the window is the same in seconds.
          if (!mayStopEarly) {
            const width = (window: typeof one) => window.endSeconds - window.earliestSeconds;
            expect(Math.abs(width(one) - width(other))).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
