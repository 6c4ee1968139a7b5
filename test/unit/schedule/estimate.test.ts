import { describe, expect, it } from "vitest";
import { endQuantile, normalCdf, normalQuantile } from "../../../src/schedule/distribution.ts";
import { estimateEnd, withHistory } from "../../../src/schedule/estimate.ts";
import { priorEnd, type SchedulePrior } from "../../../src/schedule/prior.ts";

const DEFAULT: SchedulePrior = { jobType: "Default" };

describe("normal distribution helpers", () => {
  it("match known values of the standard normal", () => {
    // Act & Assess
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });

  it("invert each other", () => {
    for (const p of [0.0001, 0.01, 0.2, 0.5, 0.77, 0.99, 0.9999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    }
  });

  it("keep quantiles of a truncated end inside its bounds, and finite when nothing is left", () => {
    // Prepare
    const distribution = { mu: Math.log(2000), sigma: 0.2, lower: 1500, upper: 2100 };

    // Act
    const low = endQuantile(distribution, 0.001);
    const high = endQuantile(distribution, 0.999);
    const overrun = endQuantile({ ...distribution, upper: Number.POSITIVE_INFINITY }, 0.5, 1e6);

    // Assess
    expect(low).toBeGreaterThanOrEqual(1500);
    expect(high).toBeLessThanOrEqual(2100);
    expect(overrun).toBeGreaterThan(1e6);
    expect(Number.isFinite(overrun)).toBe(true);
  });
});

describe("the end estimate", () => {
  it("narrows with the model's history and centres on it", () => {
    // Act
    const prior = estimateEnd({ prior: DEFAULT, historySeconds: [], elapsedSeconds: 0 }).estimate;
    const history = estimateEnd({
      prior: DEFAULT,
      historySeconds: [3000, 3100, 2950],
      elapsedSeconds: 0,
    }).estimate;

    // Assess
    expect(prior.basis).toBe("prior");
    expect(history.basis).toBe("history");
    expect(history.latestSeconds - history.earliestSeconds).toBeLessThan(
      0.5 * (prior.latestSeconds - prior.earliestSeconds),
    );
    expect(history.endSeconds).toBeGreaterThan(2800);
    expect(history.endSeconds).toBeLessThan(3100);
  });

  it("trusts scattered history less than consistent history", () => {
    // Prepare
    const prior = priorEnd(DEFAULT);

    // Act
    const consistent = withHistory(prior, [2000, 2010, 1990, 2005]);
    const scattered = withHistory(prior, [1400, 2700, 1600, 2500]);

    // Assess
    expect(scattered.sigma).toBeGreaterThan(consistent.sigma);
  });

  it("follows the benchmarks once they show their pace", () => {
    // Prepare: four 600 s benchmarks in sequence from 60 s; two done.
    const steps = {
      observedAtSeconds: 1300,
      steps: [
        { status: "COMPLETED", startSeconds: 60, endSeconds: 660 },
        { status: "COMPLETED", startSeconds: 660, endSeconds: 1260 },
        { status: "IN_PROGRESS", startSeconds: 1260 },
        { status: "PENDING" },
      ],
    };

    // Act
    const { estimate } = estimateEnd({
      prior: DEFAULT,
      historySeconds: [],
      steps,
      elapsedSeconds: 1300,
    });

    // Assess: the last ends near 2460 s.
    expect(estimate.basis).toBe("progress");
    expect(estimate.progress).toBe("pace");
    expect(estimate.endSeconds).toBeGreaterThan(2400);
    expect(estimate.endSeconds).toBeLessThan(2800);
    expect(estimate.earliestSeconds).toBeGreaterThan(2000);
  });

  it("moves the end later when the job is still PENDING late", () => {
    // Act
    const onTime = estimateEnd({ prior: DEFAULT, historySeconds: [2000], elapsedSeconds: 600 });
    const stillPending = estimateEnd({
      prior: DEFAULT,
      historySeconds: [2000],
      elapsedSeconds: 600,
      status: "PENDING",
    });

    // Assess
    expect(stillPending.estimate.endSeconds).toBeGreaterThan(onTime.estimate.endSeconds + 400);
  });

  it("never predicts an end before now", () => {
    // Act
    const { estimate } = estimateEnd({
      prior: DEFAULT,
      historySeconds: [1000],
      elapsedSeconds: 5000,
    });

    // Assess
    expect(estimate.endSeconds).toBeGreaterThanOrEqual(5000);
  });
});
