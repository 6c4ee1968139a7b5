import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateRecommendation } from "../../../src/decision/entry.ts";
import { aboveLimit, type FigureUnit, formatAgainst } from "../../../src/decision/format.ts";
import { resolvePolicy } from "../../../src/decision/policy.ts";
import { policy, realTime } from "./support.ts";

const UNITS: FigureUnit[] = ["ms", "dollars", "count"];
const figure = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });

/** A rejection that reads "X is above X" or "X is below X" with the same text on both sides. */
const SAME_BOTH_SIDES = /(?<![\d.,$<])(\$?[\d,.<]+(?: ms)?(?:\/\w+)?) is (?:above|below) \1(?!\d)/;

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
});
