import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareWithProduction } from "../../../src/decision/compare.ts";
import { evaluateRecommendation } from "../../../src/decision/entry.ts";
import {
  aboveLimit,
  type FigureUnit,
  formatAgainst,
  formatPolicyValue,
  formatPrice,
} from "../../../src/decision/format.ts";
import { resolvePolicy } from "../../../src/decision/policy.ts";
import { decide } from "../../../src/decision/select.ts";
import { comparisonSentence, decisionSentence } from "../../../src/decision/sentence.ts";
import { job, policy, realTime } from "./support.ts";

const UNITS: FigureUnit[] = ["ms", "dollars", "count", "percent"];
const figure = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });

/** A rejection that reads "X is above X" or "X is below X" with the same text on both sides. */
const SAME_BOTH_SIDES = /(?<![\d.,$<])(\$?[\d,.<]+(?: ms)?(?:\/\w+)?) is (?:above|below) \1(?!\d)/;

/** "saves $100/month (10%), below minMonthlySavings $100": a saving and its threshold alike. */
const SAVING_AS_ITS_THRESHOLD =
  /saves (\$[\d,.]+)\/month \(([\d.]+%)\), below (?:minMonthlySavings \1(?![\d.])|.*minSavingsPercent \2)/;

/** "10 ms <= 10 ms" for a latency that is not the bound. */
const SAME_AS_BOUND = /(?<![\d.,])([\d,.]+ ms) <= \1(?![\d.])/;

describe("a figure against its limit", () => {
  it("writes 10.24 ms against 10 ms with the digits that tell them apart", () => {
    expect(aboveLimit(10.24, 10, "ms")).toBe("10.2 ms is above 10 ms");
    expect(aboveLimit(10.04, 10, "ms")).toBe("10.04 ms is above 10 ms");
    expect(formatAgainst(100.4, 100, "dollars")).toEqual(["$100.4", "$100"]);
    expect(formatAgainst(0.002, 0.001, "dollars")).toEqual(["$0.002", "$0.001"]);
  });

  it("keeps each unit's own writing when it already tells them apart", () => {
    expect(formatAgainst(13, 9, "ms")).toEqual(["13 ms", "9 ms"]);
    expect(formatAgainst(447.2, 300, "dollars")).toEqual(["$447", "$300"]);
    expect(formatAgainst(10, 10, "ms")).toEqual(["10 ms", "10 ms"]);
  });

  it("never writes two unequal numbers the same, in any unit", () => {
    fc.assert(
      fc.property(figure, figure, fc.constantFrom(...UNITS), (value, limit, unit) => {
        fc.pre(value !== limit);
        const [written, bound] = formatAgainst(value, limit, unit);
        expect(written).not.toBe(bound);
      }),
      { numRuns: 2000 },
    );
  });

  it("tells apart numbers a hair from their limit", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.5, noNaN: true }),
        fc.constantFrom(...UNITS),
        (limit, above, unit) => {
          const value = limit + above;
          fc.pre(value !== limit);
          const [written, bound] = formatAgainst(value, limit, unit);
          expect(written).not.toBe(bound);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives no rejection message that reads X is above X", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        fc.double({ min: 1e-9, max: 0.6, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (maxLatencyMs, over, costPerHour) => {
          const latencyMs = maxLatencyMs + over;
          fc.pre(latencyMs > maxLatencyMs);
          const entry = realTime("e", "ml.c5.large", {
            costPerHour,
            costPerInference: costPerHour / 60000,
            maxInvocations: 1000,
            modelLatency: latencyMs,
          });
          const limits = policy({
            latencyUnit: "ms",
            maxLatencyMs,
            maxCostPerHour: costPerHour - over / 1000,
            maxMonthlyCost: costPerHour * 730 - over,
          });
          const { violations } = evaluateRecommendation(entry, resolvePolicy(limits), "ms");
          expect(violations.some((violation) => violation.rule === "max-latency")).toBe(true);
          for (const violation of violations) {
            expect(violation.message).not.toMatch(SAME_BOTH_SIDES);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("gives no comparison with production that reads X is above X or a saving below itself", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1e-9, max: 0.6, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 60, noNaN: true }),
        (maxLatencyMs, distance, above, costPerHour, minMonthlySavings, minSavingsPercent) => {
          // Production sits a hair either side of the bound; the proposal a hair below it.
          const offset = above ? distance : -distance;
          const productionLatency = maxLatencyMs + offset;
          fc.pre(
            productionLatency !== maxLatencyMs && maxLatencyMs - distance / 2 !== maxLatencyMs,
          );
          const entries = [
            realTime("proposal", "ml.c5.large", {
              costPerHour,
              maxInvocations: 100000,
              modelLatency: maxLatencyMs - distance / 2,
            }),
            realTime("production", "ml.m5.large", {
              costPerHour: costPerHour * 1.1,
              maxInvocations: 100000,
              modelLatency: productionLatency,
            }),
          ];
          const decision = decide(
            job(entries),
            policy({
              latencyUnit: "ms",
              requestsPerMinute: 1000,
              maxLatencyMs,
              minMonthlySavings,
              minSavingsPercent,
              current: { instanceType: "ml.m5.large", instanceCount: 1 },
            }),
          );
          const comparison = compareWithProduction(decision, job(entries));
          const texts = [
            decisionSentence(decision),
            ...(comparison
              ? [
                  comparisonSentence(comparison),
                  comparison.reason,
                  ...comparison.current.failures.map((failure) => failure.message),
                ]
              : []),
          ];
          for (const text of texts) {
            expect(text).not.toMatch(SAME_BOTH_SIDES);
            expect(text).not.toMatch(SAVING_AS_ITS_THRESHOLD);
            expect(text).not.toMatch(SAME_AS_BOUND);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("writes a saving just short of its threshold with the digits that show it", () => {
    // Prepare: production costs $0.1364 an hour more: 12.003% saved, 12.01% asked.
    const entries = [
      realTime("proposal", "ml.c5.large", { costPerHour: 1, maxInvocations: 9e4, modelLatency: 5 }),
      realTime("production", "ml.m5.large", {
        costPerHour: 1.1364,
        maxInvocations: 9e4,
        modelLatency: 6,
      }),
    ];
    const decision = decide(
      job(entries),
      policy({
        latencyUnit: "ms",
        requestsPerMinute: 1000,
        minMonthlySavings: 100,
        minSavingsPercent: 12.01,
        current: { instanceType: "ml.m5.large", instanceCount: 1 },
      }),
    );

    // Act
    const comparison = compareWithProduction(decision, job(entries));

    // Assess
    expect(comparison?.reason).toBe(
      "saves $99.57/month (12%), below minMonthlySavings $100 and below minSavingsPercent 12.01%",
    );
  });

  it("writes the selected latency against its bound when they round alike", () => {
    // Prepare
    const entries = [
      realTime("only", "ml.c5.large", {
        costPerHour: 1,
        costPerInference: 1e-6,
        maxInvocations: 9e4,
        modelLatency: 9.6,
      }),
    ];

    // Act
    const decision = decide(job(entries), policy({ latencyUnit: "ms", maxLatencyMs: 10 }));

    // Assess
    expect(decisionSentence(decision)).toContain("9.6 ms <= 10 ms");
  });
});

describe("the shared number formats", () => {
  it("writes small prices with the digits that tell them apart", () => {
    expect(formatPrice(0.1632)).toBe("$0.1632");
    expect(formatPrice(0.204)).toBe("$0.204");
    expect(formatPrice(0.0000029375)).toBe("$0.00000294");
    expect(formatPrice(0)).toBe("$0");
  });

  it("writes a policy value without float noise", () => {
    expect(formatPolicyValue(0.1 + 0.2)).toBe("0.3");
    expect(formatPolicyValue(29.075200000000002)).toBe("29.0752");
    expect(formatPolicyValue(["RealTime", "Serverless"])).toBe("[RealTime, Serverless]");
  });
});
