/**
 * What a job is expected to cost before it runs: the median of the model's earlier jobs' own
 * costs when there are any, else one benchmark endpoint per instance type the spec names, for a
 * stated duration, at the given prices per instance-hour. Unknown (no history, or a type without a
 * price) is said, never guessed: `dollars` is then undefined.
 */
import * as z from "zod";
import { ASSUMED_ENDPOINT_SETUP_SECONDS, DOCUMENTED_DEFAULT_SECONDS } from "../schedule/prior.ts";
import type { TuningCost } from "./tuning-cost.ts";

export const jobCostEstimateSchema = z.object({
  /** US dollars; absent when the estimate cannot be made. */
  dollars: z.number().nonnegative().optional(),
  method: z.enum(["history", "spec"]),
  parts: z.array(
    z.object({
      instanceType: z.string().optional(),
      seconds: z.number().optional(),
      pricePerHour: z.number().optional(),
      dollars: z.number().optional(),
    }),
  ),
  notes: z.array(z.string()).optional(),
});

export type JobCostEstimate = z.output<typeof jobCostEstimateSchema>;

export function estimateJobCost(input: {
  spec: unknown;
  history: readonly TuningCost[];
  prices: ReadonlyMap<string, number>;
}): JobCostEstimate {
  const costs = input.history.map((cost) => cost.dollars).filter((dollars) => dollars > 0);
  if (costs.length > 0) {
    return {
      dollars: round(median(costs)),
      method: "history",
      parts: [],
      notes: [`the median of the model's ${costs.length} earlier jobs' costs`],
    };
  }
  const { types, seconds } = benchmarksOf(input.spec);
  const window = seconds + ASSUMED_ENDPOINT_SETUP_SECONDS;
  const parts = types.map((instanceType) => {
    const pricePerHour = input.prices.get(instanceType);
    return {
      instanceType,
      seconds: window,
      ...(pricePerHour === undefined
        ? {}
        : { pricePerHour, dollars: round((pricePerHour * window) / 3600) }),
    };
  });
  const unpriced = parts.filter((part) => part.dollars === undefined);
  if (parts.length === 0 || unpriced.length > 0) {
    return {
      method: "spec",
      parts,
      notes: [
        parts.length === 0
          ? "the spec names no instance type to price"
          : `no price for ${unpriced.map((part) => part.instanceType).join(", ")}`,
      ],
    };
  }
  return {
    dollars: round(parts.reduce((sum, part) => sum + (part.dollars ?? 0), 0)),
    method: "spec",
    parts,
    notes: [`one endpoint per instance type for ${window} s each`],
  };
}

/** The instance types the job benchmarks and how long each is assumed to run. */
function benchmarksOf(spec: unknown): { types: string[]; seconds: number } {
  const input = field(field(spec, "job"), "InputConfig");
  const configured = field(input, "EndpointConfigurations");
  const fromEndpoints = Array.isArray(configured)
    ? configured.map((entry) => field(entry, "InstanceType"))
    : [];
  const supported = field(field(input, "ContainerConfig"), "SupportedInstanceTypes");
  const listed =
    fromEndpoints.length > 0 ? fromEndpoints : Array.isArray(supported) ? supported : [];
  const types = [...new Set(listed.filter((type): type is string => typeof type === "string"))];
  const duration = field(input, "JobDurationInSeconds");
  return {
    types,
    seconds: typeof duration === "number" && duration > 0 ? duration : DOCUMENTED_DEFAULT_SECONDS,
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (dollars: number) => Math.round(dollars * 1e4) / 1e4;
