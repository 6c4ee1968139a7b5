import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ASSUMED_AI_EARLIEST_SECONDS,
  ASSUMED_AI_EXTRA_TYPE_SECONDS,
  ASSUMED_AI_FIRST_TYPE_SECONDS,
  aiSchedulePrior,
} from "../../../src/kinds/ai-recommendation/schedule.ts";
import { type AiSpec, aiSpecSchema } from "../../../src/kinds/ai-recommendation/spec.ts";
import {
  FINE_POLL_SECONDS,
  nextPoll,
  type PollInput,
  priorEnd,
} from "../../../src/schedule/index.ts";

const SAMPLE = join(import.meta.dirname, "../../../events/specs/ai/llama-3-8b-chat.json");
const sample = aiSpecSchema.parse(JSON.parse(readFileSync(SAMPLE, "utf8")));

function withTypes(types: string[] | undefined): AiSpec {
  const { ComputeSpec: _, ...job } = sample.job;
  return aiSpecSchema.parse({
    ...sample,
    job: types ? { ...job, ComputeSpec: { InstanceTypes: types } } : job,
  });
}

const ONE = withTypes(["ml.g6e.2xlarge"]);
const THREE = withTypes(["ml.g6e.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge"]);

/** Every poll time from creation until `until`, as the workflow would call nextPoll. */
function pollTimes(input: Omit<PollInput, "elapsedSeconds">, until: number): number[] {
  const times: number[] = [];
  let at = 0;
  while (at < until) {
    const plan = nextPoll({ ...input, elapsedSeconds: at });
    expect(plan.wantSteps).toBe(false);
    if (plan.waitSeconds < 1) break;
    at += plan.waitSeconds;
    times.push(at);
  }
  return times;
}

describe("the AI recommendation job's schedule prior", () => {
  it("is a typical prior that grows with the instance types benchmarked", () => {
    // Act
    const one = aiSchedulePrior(ONE);
    const three = aiSchedulePrior(THREE);

    // Assess
    expect(one).toMatchObject({
      basis: "typical",
      typicalSeconds: ASSUMED_AI_FIRST_TYPE_SECONDS,
      earliestSeconds: ASSUMED_AI_EARLIEST_SECONDS,
    });
    expect(three).toMatchObject({
      basis: "typical",
      typicalSeconds: ASSUMED_AI_FIRST_TYPE_SECONDS + 2 * ASSUMED_AI_EXTRA_TYPE_SECONDS,
    });
    expect(priorEnd(one).medianSeconds).toBe(25 * 60);
    expect(priorEnd(three).medianSeconds).toBe(35 * 60);
    expect(priorEnd(three).upperSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it("is wider when SageMaker picks the instance types", () => {
    // Act
    const named = aiSchedulePrior(withTypes(["ml.g6e.2xlarge", "ml.g5.12xlarge"]));
    const unnamed = aiSchedulePrior(withTypes(undefined));

    // Assess
    expect(unnamed.basis === "typical" && named.basis === "typical").toBe(true);
    if (unnamed.basis !== "typical" || named.basis !== "typical") return;
    expect(unnamed.typicalSeconds).toBe(named.typicalSeconds);
    expect(unnamed.spread).toBeGreaterThan(named.spread);
  });
});

describe("polling an AI recommendation job", () => {
  const base = { historySeconds: [], deadlineSeconds: 4 * 3600 };

  it("first waits until the job could be done, with no Describe right after CreateJob", () => {
    // Act
    const one = nextPoll({ ...base, prior: aiSchedulePrior(ONE), elapsedSeconds: 0 });
    const three = nextPoll({ ...base, prior: aiSchedulePrior(THREE), elapsedSeconds: 0 });

    // Assess
    expect(one.wantSteps).toBe(false);
    expect(one.estimate).toMatchObject({ basis: "prior", progress: "unobserved" });
    expect(one.waitSeconds).toBe(one.estimate.earliestSeconds);
    expect(one.waitSeconds).toBeGreaterThanOrEqual(ASSUMED_AI_EARLIEST_SECONDS);
    expect(one.waitSeconds).toBeLessThan(25 * 60);
    expect(three.waitSeconds).toBeGreaterThan(one.waitSeconds);
    // The median, a little later than the prior's for the floor at the earliest end.
    expect(Math.abs(one.estimate.endSeconds - 25 * 60)).toBeLessThan(15);
  });

  it("polls every FINE_POLL_SECONDS from the earliest expected end through the latest", () => {
    // Prepare
    const input = { ...base, prior: aiSchedulePrior(THREE) };
    const { earliestSeconds, latestSeconds } = nextPoll({ ...input, elapsedSeconds: 0 }).estimate;

    // Act
    const times = pollTimes(input, latestSeconds);

    // Assess: one wait to the window, then fine polls across it.
    expect(times[0]).toBe(earliestSeconds);
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(gaps.length).toBeGreaterThan(10);
    for (const gap of gaps) expect(gap).toBe(FINE_POLL_SECONDS);
    // Far fewer calls than a fixed 30 s schedule up to the expected end.
    const expectedEnd = 35 * 60;
    expect(times.filter((time) => time <= expectedEnd).length).toBeLessThan(expectedEnd / 30 / 2);
  });

  it("lets the interval grow once the job has overrun every expectation", () => {
    // Prepare
    const input = { ...base, prior: aiSchedulePrior(ONE) };
    const { latestSeconds } = nextPoll({ ...input, elapsedSeconds: 0 }).estimate;

    // Act
    const inWindow = nextPoll({ ...input, elapsedSeconds: latestSeconds - 60 }).waitSeconds;
    const overrun = nextPoll({ ...input, elapsedSeconds: latestSeconds + 1800 }).waitSeconds;

    // Assess
    expect(inWindow).toBe(FINE_POLL_SECONDS);
    expect(overrun).toBeGreaterThan(FINE_POLL_SECONDS);
  });

  it("learns from the model's earlier jobs: jobs that took N s get polls near N", () => {
    // Prepare: this model's jobs have taken about 50 minutes, twice the prior's guess.
    const prior = aiSchedulePrior(ONE);
    const historySeconds = [2950, 3000, 3050, 3020];
    const fresh = nextPoll({ ...base, prior, elapsedSeconds: 0 });

    // Act
    const learned = nextPoll({ ...base, prior, historySeconds, elapsedSeconds: 0 });
    const times = pollTimes({ ...base, prior, historySeconds }, 3100);

    // Assess: the window moves to about N and narrows; the fine polls cover N.
    expect(learned.estimate.basis).toBe("history");
    expect(learned.estimate.endSeconds).toBeGreaterThan(2800);
    expect(learned.estimate.endSeconds).toBeLessThan(3100);
    expect(learned.estimate.earliestSeconds).toBeGreaterThan(fresh.estimate.endSeconds);
    expect(learned.estimate.latestSeconds - learned.estimate.earliestSeconds).toBeLessThan(
      fresh.estimate.latestSeconds - fresh.estimate.earliestSeconds,
    );
    const near = times.filter((time) => Math.abs(time - 3000) <= FINE_POLL_SECONDS);
    expect(near.length).toBeGreaterThanOrEqual(1);
    // Before the learned window, only the few bounded checks.
    expect(times.filter((time) => time < learned.estimate.earliestSeconds).length).toBeLessThan(3);
  });

  it("does the same for jobs that take much less than the prior's guess", () => {
    // Prepare
    const prior = aiSchedulePrior(THREE);
    const historySeconds = [1000, 1020, 980];

    // Act
    const { estimate } = nextPoll({ ...base, prior, historySeconds, elapsedSeconds: 0 });

    // Assess
    expect(estimate.endSeconds).toBeGreaterThan(900);
    expect(estimate.endSeconds).toBeLessThan(1200);
    expect(estimate.earliestSeconds).toBeGreaterThanOrEqual(ASSUMED_AI_EARLIEST_SECONDS);
  });
});
