/**
 * What a job itself cost: each benchmark's endpoint, at its instance type's price, for its
 * invocation window plus an allowance for provisioning the endpoint before it. The price of an
 * instance type is the job's own (its recommendations' CostPerHour for that type, per instance),
 * else the list price (src/decision/hosting-prices.ts) for a type the job gives none for, as a
 * failed job gives none; a benchmark without a price or a window is listed and left out of the
 * total, never guessed. A benchmark still running when irflow stopped its job is counted up to
 * the stop.
 */
import * as z from "zod";
import { ASSUMED_ENDPOINT_SETUP_SECONDS } from "../schedule/prior.ts";
import type { NormalizedJob } from "./describe.ts";
import type { JobStep } from "./diagnose.ts";
import { roundDollars } from "./format.ts";

export const tuningCostSchema = z.object({
  /** US dollars, the sum of the priced parts. */
  dollars: z.number(),
  method: z.literal("benchmark-windows"),
  /** Seconds added to each benchmark's window for provisioning its endpoint. */
  provisioningSeconds: z.number(),
  parts: z.array(
    z.object({
      instanceType: z.string().optional(),
      instanceCount: z.number(),
      /** The invocation window plus the provisioning allowance. */
      seconds: z.number().optional(),
      pricePerHour: z.number().optional(),
      /** Whose price: the job's own recommendations', or the list price of the type. */
      priceSource: z.enum(["job", "list"]).optional(),
      dollars: z.number().optional(),
    }),
  ),
  /** Benchmarks left out of the total: no price for their instance type, or no window. */
  unpriced: z.number().int().nonnegative(),
  /** Every benchmark of the job; `parts` keeps the first MAX_TUNING_COST_PARTS. */
  benchmarks: z.number().int().nonnegative(),
});

export type TuningCost = z.output<typeof tuningCostSchema>;
export type TuningCostPart = TuningCost["parts"][number];

/** Most parts a record or an event keeps; the total and the unpriced count stay whole. */
export const MAX_TUNING_COST_PARTS = 25;

const seconds = (time: Date | number | string | undefined): number | undefined => {
  if (time === undefined) return undefined;
  const milliseconds =
    time instanceof Date
      ? time.getTime()
      : typeof time === "number"
        ? time * 1000
        : Date.parse(time);
  return Number.isFinite(milliseconds) ? milliseconds / 1000 : undefined;
};

/** The job's price per instance-hour by instance type, from its own recommendations. */
export function jobPrices(job: NormalizedJob): Map<string, number> {
  const prices = new Map<string, number>();
  for (const recommendation of job.recommendations) {
    const cost = recommendation.metrics.costPerHour;
    if (!recommendation.instanceType || cost === undefined || !(cost > 0)) continue;
    const perInstance = cost / (recommendation.jobInstanceCount ?? 1);
    if (!prices.has(recommendation.instanceType))
      prices.set(recommendation.instanceType, perInstance);
  }
  return prices;
}

export interface TuningCostOptions {
  /** Prices per instance-hour for the types the job's own prices leave out. */
  listPrices?: ReadonlyMap<string, number> | undefined;
  /** When irflow stopped the job: the end of a benchmark that had started and not ended. */
  stoppedAt?: Date | undefined;
}

export function estimateTuningCost(
  steps: readonly JobStep[],
  prices: ReadonlyMap<string, number>,
  { listPrices, stoppedAt }: TuningCostOptions = {},
): TuningCost {
  const parts = steps
    .filter((step) => (step.StepType ?? "BENCHMARK") === "BENCHMARK")
    .map((step): TuningCostPart => {
      const benchmark = step.InferenceBenchmark;
      const endpoint = benchmark?.EndpointConfiguration;
      const instanceType = endpoint?.InstanceType;
      const instanceCount = endpoint?.InitialInstanceCount ?? 1;
      const start = seconds(benchmark?.InvocationStartTime);
      const end =
        seconds(benchmark?.InvocationEndTime) ??
        (start !== undefined && stoppedAt !== undefined ? seconds(stoppedAt) : undefined);
      const window =
        start !== undefined && end !== undefined && end >= start
          ? end - start + ASSUMED_ENDPOINT_SETUP_SECONDS
          : undefined;
      const own = instanceType ? prices.get(instanceType) : undefined;
      const listed = instanceType && own === undefined ? listPrices?.get(instanceType) : undefined;
      const pricePerHour = own ?? listed;
      const dollars =
        window !== undefined && pricePerHour !== undefined
          ? roundDollars((pricePerHour * instanceCount * window) / 3600)
          : undefined;
      return {
        instanceType,
        instanceCount,
        seconds: window,
        pricePerHour,
        ...(pricePerHour !== undefined ? { priceSource: own !== undefined ? "job" : "list" } : {}),
        dollars,
      };
    });
  const priced = parts.filter((part) => part.dollars !== undefined);
  return {
    dollars: roundDollars(priced.reduce((sum, part) => sum + (part.dollars ?? 0), 0)),
    method: "benchmark-windows",
    provisioningSeconds: ASSUMED_ENDPOINT_SETUP_SECONDS,
    parts: parts.slice(0, MAX_TUNING_COST_PARTS),
    unpriced: parts.length - priced.length,
    benchmarks: parts.length,
  };
}
