/** The traffic profile's sizing and cost (docs/decision.md, "A traffic profile"), for any profile. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NormalizedRecommendation } from "../../src/decision/describe.ts";
import { decide } from "../../src/decision/select.ts";
import { job, policy, realTime, serverless } from "../unit/decision/support.ts";

const recommendation = fc
  .record({
    id: fc.nat(),
    kind: fc.constantFrom("real-time", "serverless"),
    maxInvocations: fc.integer({ min: 50, max: 50_000 }),
    costPerHour: fc.double({ min: 0.01, max: 40, noNaN: true }),
    costPerInference: fc.double({ min: 1e-7, max: 1e-4, noNaN: true }),
    latency: fc.double({ min: 0.5, max: 200, noNaN: true }),
  })
  .map(
    (item): NormalizedRecommendation =>
      item.kind === "real-time"
        ? realTime(`rt-${item.id}`, "ml.c5.xlarge", {
            maxInvocations: item.maxInvocations,
            costPerHour: item.costPerHour,
            modelLatency: item.latency,
          })
        : serverless(`sl-${item.id}`, 2048, {
            maxInvocations: item.maxInvocations,
            costPerInference: item.costPerInference,
            modelLatency: item.latency,
          }),
  );
const recommendations = fc.uniqueArray(recommendation, {
  minLength: 1,
  maxLength: 8,
  selector: (item) => item.recommendationId,
});
const profile = fc
  .array(fc.integer({ min: 0, max: 30_000 }), { minLength: 24, maxLength: 24 })
  .filter((hours) => Math.max(...hours) > 0);

describe("sizing on a traffic profile", () => {
  it("never costs a real-time fleet more than its fixed peak fleet", () => {
    fc.assert(
      fc.property(recommendations, profile, (items, hours) => {
        // Act
        const decision = decide(job(items), policy({ hourlyRequestsPerMinute: hours }));

        // Assess
        for (const entry of [...decision.ranked, ...decision.rejected.map((item) => item.entry)]) {
          if (entry.fixedMonthlyCost === undefined || entry.monthlyCost === undefined) continue;
          expect(entry.monthlyCost).toBeLessThanOrEqual(entry.fixedMonthlyCost + 1e-9);
          expect(entry.autoscaling?.minCapacity).toBeLessThanOrEqual(
            entry.autoscaling?.maxCapacity ?? 0,
          );
        }
      }),
    );
  });

  it("gives today's answer for a flat profile", () => {
    fc.assert(
      fc.property(recommendations, fc.integer({ min: 1, max: 30_000 }), (items, load) => {
        // Act
        const flat = decide(job(items), policy({ hourlyRequestsPerMinute: Array(24).fill(load) }));
        const peak = decide(job(items), policy({ requestsPerMinute: load }));

        // Assess
        expect(flat.selected?.recommendationId).toBe(peak.selected?.recommendationId);
        const costs = (decision: typeof flat) =>
          decision.ranked.map((entry) => [
            entry.recommendationId,
            entry.instanceCount,
            entry.monthlyCost,
          ]);
        expect(costs(flat).map(([id, count]) => [id, count])).toEqual(
          costs(peak).map(([id, count]) => [id, count]),
        );
        for (const [index, [, , cost]] of costs(flat).entries()) {
          expect(cost).toBeCloseTo(Number(costs(peak)[index]?.[2]), 6);
        }
      }),
    );
  });

  it("decides the same whatever the order of the recommendations", () => {
    fc.assert(
      fc.property(
        recommendations.chain((items) =>
          fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length })),
        ),
        profile,
        ([items, shuffled], hours) => {
          // Act
          const ordered = decide(job(items), policy({ hourlyRequestsPerMinute: hours }));
          const reordered = decide(job(shuffled), policy({ hourlyRequestsPerMinute: hours }));

          // Assess
          expect(reordered.selected).toEqual(ordered.selected);
          expect(reordered.ranked.map((entry) => entry.recommendationId)).toEqual(
            ordered.ranked.map((entry) => entry.recommendationId),
          );
        },
      ),
    );
  });
});
