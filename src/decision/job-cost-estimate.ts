/**
 * What a job will cost, before it runs. From the model's earlier jobs when they say it (the
 * median of their own estimated costs, src/decision/tuning-cost.ts), else from the spec: the
 * endpoints its kind says it will provision (src/kinds/<kind>/cost.ts), each at its instance
 * type's price per instance-hour. A part without a price or a duration is listed and left out of
 * the total, never guessed; with no priced part there is no total, unless the job provisions
 * nothing of its own (an existing endpoint), which costs $0.
 */

import * as z from "zod";
import type { AiSpec } from "../kinds/ai-recommendation/spec.ts";
import { kindOfSpec } from "../kinds/index.ts";
import { ASSUMED_ENDPOINT_SETUP_SECONDS } from "../schedule/prior.ts";
import type { JobRequest, JobSpec } from "../spec/schema.ts";
import { roundDollars } from "./format.ts";
import { jobCostPlanPartSchema } from "./job-cost-plan.ts";
import type { TuningCost } from "./tuning-cost.ts";

/** The earlier jobs the history method reads at most, newest first. */
export const COST_HISTORY_JOBS = 10;

export const jobCostEstimateSchema = z.object({
  /** US dollars, the sum of the priced parts (spec), or the earlier jobs' median (history). */
  dollars: z.number().optional(),
  method: z.enum(["history", "spec"]),
  /** Seconds added to each endpoint's time for provisioning it. */
  provisioningSeconds: z.number(),
  /** What the spec says the job will provision (empty for the history method). */
  parts: z.array(
    jobCostPlanPartSchema.extend({
      pricePerHour: z.number().optional(),
      dollars: z.number().optional(),
    }),
  ),
  /** Parts left out of the total: no price for their instance type, or no duration. */
  unpriced: z.number().int().nonnegative(),
  /** Seconds from the first endpoint to the end of the job, as far as the spec says. */
  jobSeconds: z.number().optional(),
  /** The earlier jobs the history method read: how many, and the range of their costs. */
  history: z
    .object({
      jobs: z.number().int().positive(),
      lowDollars: z.number(),
      highDollars: z.number(),
    })
    .optional(),
  notes: z.array(z.string()).optional(),
});

export type JobCostEstimate = z.output<typeof jobCostEstimateSchema>;

/** A job's spec as a record stores it, of either kind. */
export type StoredJobSpec = JobSpec | AiSpec;

export interface JobCostInput {
  /** The classic job's CreateInferenceRecommendationsJob request, or a spec of any kind. */
  spec: JobRequest | StoredJobSpec;
  /** The model's earlier finished jobs' own costs of the same kind and job type, newest first. */
  history: readonly TuningCost[];
  /** US dollars per instance-hour, by instance type. */
  prices: ReadonlyMap<string, number>;
  /** The model package's supported instance types, for a Default job whose spec names none. */
  supportedInstanceTypes?: readonly string[] | undefined;
}

export function estimateJobCost(input: JobCostInput): JobCostEstimate {
  return fromHistory(input.history) ?? fromSpec(input);
}

/**
 * The median of the earlier jobs' costs. A cost with unpriced benchmarks is only part of what
 * that job cost, so only wholly priced ones count.
 */
function fromHistory(history: readonly TuningCost[]): JobCostEstimate | undefined {
  const whole = history
    .filter((cost) => cost.unpriced === 0 && cost.benchmarks > 0)
    .slice(0, COST_HISTORY_JOBS)
    .map((cost) => cost.dollars);
  if (whole.length === 0) return undefined;
  const sorted = [...whole].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return {
    dollars: roundDollars(median),
    method: "history",
    provisioningSeconds: ASSUMED_ENDPOINT_SETUP_SECONDS,
    parts: [],
    unpriced: 0,
    history: {
      jobs: sorted.length,
      lowDollars: sorted[0] ?? 0,
      highDollars: sorted[sorted.length - 1] ?? 0,
    },
    notes: [
      `the median of this model's ${sorted.length} earlier job${sorted.length === 1 ? "" : "s"} of the same type whose every benchmark was priced`,
    ],
  };
}

function fromSpec(input: JobCostInput): JobCostEstimate {
  const spec = isRequest(input.spec) ? { specVersion: 1, job: input.spec } : input.spec;
  const plan = kindOfSpec(spec).costPlan(spec, {
    supportedInstanceTypes: input.supportedInstanceTypes,
  });
  const parts = plan.parts.map((part) => {
    // The spec's own price wins, as it does in the decision.
    const pricePerHour =
      part.pricePerHour ?? (part.instanceType ? input.prices.get(part.instanceType) : undefined);
    const dollars =
      pricePerHour !== undefined && part.seconds !== undefined
        ? roundDollars((pricePerHour * part.instanceCount * part.seconds) / 3600)
        : undefined;
    return {
      ...part,
      ...(pricePerHour !== undefined ? { pricePerHour } : {}),
      ...(dollars !== undefined ? { dollars } : {}),
    };
  });
  const priced = parts.filter((part) => part.dollars !== undefined);
  const unpricedTypes = [
    ...new Set(
      parts.flatMap((part) =>
        part.instanceType && part.pricePerHour === undefined ? [part.instanceType] : [],
      ),
    ),
  ];
  const notes = [
    ...plan.notes,
    ...(unpricedTypes.length > 0 ? [`no price for ${unpricedTypes.join(", ")}`] : []),
  ];
  return {
    ...(priced.length > 0
      ? { dollars: roundDollars(priced.reduce((sum, part) => sum + (part.dollars ?? 0), 0)) }
      : plan.provisionsNothing
        ? { dollars: 0 }
        : {}),
    method: "spec",
    provisioningSeconds: ASSUMED_ENDPOINT_SETUP_SECONDS,
    parts,
    unpriced: parts.length - priced.length,
    ...(plan.jobSeconds !== undefined ? { jobSeconds: plan.jobSeconds } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** A bare CreateInferenceRecommendationsJob request, not a spec wrapping one. */
function isRequest(spec: JobRequest | StoredJobSpec): spec is JobRequest {
  return !("job" in spec) && "InputConfig" in spec;
}
