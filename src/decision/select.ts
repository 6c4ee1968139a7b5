/**
 * The decision on a job: which entry to deploy under a policy, with its fleet size and monthly
 * cost, the feasible alternatives best first, the cost-latency frontier, every rejected entry with
 * the rule and numbers that rejected it and, when nothing fits, the closest entries and the
 * smallest policy changes that would admit one. A pure function of the job and the policy: the
 * order SageMaker listed the entries in never changes the result.
 */
import * as z from "zod";
import type { NormalizedJob } from "./describe.ts";
import {
  compareEntries,
  type DecisionEntry,
  decisionEntrySchema,
  type EntryEvaluation,
  evaluateRecommendation,
  REJECTION_RULES,
  type Violation,
  violationSchema,
} from "./entry.ts";
import { decideLatencyUnit, latencyUnitDecisionSchema, toMilliseconds } from "./latency-unit.ts";
import {
  type Policy,
  policySchema,
  type ResolvedPolicy,
  resolvedPolicySchema,
  resolvePolicy,
} from "./policy.ts";
import { findRelaxations, relaxationSchema } from "./relax.ts";

export const OUTCOMES = ["selected", "unsatisfiable", "measured", "failed"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Rejected entries reported as closest when nothing fits. */
const CLOSEST_COUNT = 3;

const limitValue = z.union([z.number(), z.string(), z.array(z.string())]);

export const rejectionSchema = z.object({
  recommendationId: z.string(),
  /** The first rule the entry breaks (in the order of REJECTION_RULES). */
  rule: z.enum(REJECTION_RULES),
  message: z.string(),
  actual: limitValue.optional(),
  limit: limitValue.optional(),
  /** Every rule the entry breaks. */
  violations: z.array(violationSchema),
  entry: decisionEntrySchema,
});

export const frontierPointSchema = z.object({
  recommendationId: z.string(),
  monthlyCost: z.number(),
  latencyMs: z.number(),
});

export const measuredEndpointSchema = z.object({
  endpointName: z.string().optional(),
  maxInvocations: z.number().optional(),
  latencyMs: z.number().optional(),
  /** Whether the measured latency is within maxLatencyMs (absent without a bound or a figure). */
  meetsLatency: z.boolean().optional(),
  /** Whether the endpoint sustains the load with its headroom (absent without a load). */
  servesLoad: z.boolean().optional(),
});

export const decisionSchema = z.object({
  outcome: z.enum(OUTCOMES),
  job: z.object({
    jobName: z.string(),
    jobType: z.string(),
    status: z.string(),
    failureReason: z.string().optional(),
  }),
  policy: resolvedPolicySchema,
  latencyUnit: latencyUnitDecisionSchema,
  selected: decisionEntrySchema.optional(),
  /** Feasible entries, best first; the selected one first. */
  ranked: z.array(decisionEntrySchema),
  /** Feasible entries no other feasible entry beats on both monthly cost and latency. */
  frontier: z.array(frontierPointSchema),
  rejected: z.array(rejectionSchema),
  /** When unsatisfiable: the rejected entries that break the fewest rules, by the least. */
  closest: z.array(rejectionSchema),
  /** When unsatisfiable: policy changes that would admit an entry. */
  relaxations: z.array(relaxationSchema),
  /** Existing endpoints the job measured (EndpointPerformances). */
  measured: z.array(measuredEndpointSchema),
  totals: z.object({ entries: z.number(), feasible: z.number(), rejected: z.number() }),
  notes: z.array(z.string()),
});

export type Rejection = z.output<typeof rejectionSchema>;
export type FrontierPoint = z.output<typeof frontierPointSchema>;
export type MeasuredEndpoint = z.output<typeof measuredEndpointSchema>;
export type Decision = z.output<typeof decisionSchema>;

/** Every default: what a spec without `irflow.policy` decides by. */
export const DEFAULT_POLICY: Policy = policySchema.parse({});

export function decide(job: NormalizedJob, policy: Policy = DEFAULT_POLICY): Decision {
  const resolved = resolvePolicy(policy, job);
  const latencyUnit = decideLatencyUnit(job, policy.latencyUnit);
  const unit = latencyUnit.unit;
  const measured = job.endpointPerformances.map((performance): MeasuredEndpoint => {
    const latencyMs =
      performance.modelLatency === undefined
        ? undefined
        : toMilliseconds(performance.modelLatency, unit);
    return {
      ...(performance.endpointName !== undefined ? { endpointName: performance.endpointName } : {}),
      ...(performance.maxInvocations !== undefined
        ? { maxInvocations: performance.maxInvocations }
        : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(latencyMs !== undefined && resolved.maxLatencyMs !== undefined
        ? { meetsLatency: latencyMs <= resolved.maxLatencyMs }
        : {}),
      ...(performance.maxInvocations !== undefined && resolved.requiredPerMinute !== undefined
        ? { servesLoad: performance.maxInvocations >= resolved.requiredPerMinute }
        : {}),
    };
  });
  const base = {
    job: {
      jobName: job.jobName,
      jobType: job.jobType,
      status: job.status,
      ...(job.failureReason !== undefined ? { failureReason: job.failureReason } : {}),
    },
    policy: resolved,
    latencyUnit,
    measured,
  };
  const empty = { ranked: [], frontier: [], rejected: [], closest: [], relaxations: [] };

  if (job.status !== "COMPLETED") {
    return {
      ...base,
      ...empty,
      outcome: "failed",
      totals: { entries: job.recommendations.length, feasible: 0, rejected: 0 },
      notes: [`the job ended ${job.status}, so there is nothing to decide on`],
    };
  }
  if (job.recommendations.length === 0 && measured.length > 0) {
    return {
      ...base,
      ...empty,
      outcome: "measured",
      totals: { entries: 0, feasible: 0, rejected: 0 },
      notes: ["the job measured existing endpoints and made no recommendations"],
    };
  }

  const compare = compareEntries(resolved.objective);
  const evaluated = job.recommendations.map((recommendation) => ({
    recommendation,
    evaluation: evaluateRecommendation(recommendation, resolved, unit),
  }));
  const ranked = evaluated
    .filter(({ evaluation }) => evaluation.violations.length === 0)
    .map(({ evaluation }) => evaluation.entry)
    .sort(compare);
  const rejectedPairs = evaluated.filter(({ evaluation }) => evaluation.violations.length > 0);
  const rejected = rejectedPairs
    .map(({ evaluation }) => toRejection(evaluation))
    .sort((a, b) => compare(a.entry, b.entry));
  const selected = ranked[0];
  const totals = { entries: evaluated.length, feasible: ranked.length, rejected: rejected.length };

  if (selected) {
    return {
      ...base,
      outcome: "selected",
      selected,
      ranked,
      frontier: paretoFrontier(ranked),
      rejected,
      closest: [],
      relaxations: [],
      totals,
      notes: [],
    };
  }
  const relaxations = findRelaxations({
    policy,
    resolved,
    context: job,
    unit,
    rejected: rejectedPairs,
  });
  const notes =
    evaluated.length === 0
      ? ["the job completed without recommendations"]
      : relaxations.length === 0
        ? ["no change of the policy's bounds, lists or objective admits an entry"]
        : [];
  return {
    ...base,
    outcome: "unsatisfiable",
    ranked: [],
    frontier: [],
    rejected,
    closest: closestEntries(rejected, resolved),
    relaxations,
    totals,
    notes,
  };
}

function toRejection(evaluation: EntryEvaluation): Rejection {
  const violations = [...evaluation.violations].sort(
    (a, b) => REJECTION_RULES.indexOf(a.rule) - REJECTION_RULES.indexOf(b.rule),
  );
  const first = violations[0] as Violation;
  return {
    recommendationId: evaluation.entry.recommendationId,
    rule: first.rule,
    message: first.message,
    ...(first.actual !== undefined ? { actual: first.actual } : {}),
    ...(first.limit !== undefined ? { limit: first.limit } : {}),
    violations,
    entry: evaluation.entry,
  };
}

/**
 * The feasible entries that no other feasible entry beats on monthly cost and latency together
 * (at least as good on both, better on one), cheapest first.
 */
export function paretoFrontier(entries: readonly DecisionEntry[]): FrontierPoint[] {
  const points = entries.flatMap((entry) =>
    entry.monthlyCost !== undefined && entry.latencyMs !== undefined
      ? [
          {
            recommendationId: entry.recommendationId,
            monthlyCost: entry.monthlyCost,
            latencyMs: entry.latencyMs,
          },
        ]
      : [],
  );
  return points
    .filter(
      (point) =>
        !points.some(
          (other) =>
            other.monthlyCost <= point.monthlyCost &&
            other.latencyMs <= point.latencyMs &&
            (other.monthlyCost < point.monthlyCost || other.latencyMs < point.latencyMs),
        ),
    )
    .sort(
      (a, b) =>
        a.monthlyCost - b.monthlyCost ||
        a.latencyMs - b.latencyMs ||
        (a.recommendationId < b.recommendationId
          ? -1
          : a.recommendationId > b.recommendationId
            ? 1
            : 0),
    );
}

/** Fewest broken rules first, then the smallest overshoot, then the objective's order. */
function closestEntries(rejected: readonly Rejection[], policy: ResolvedPolicy): Rejection[] {
  const compare = compareEntries(policy.objective);
  return [...rejected]
    .sort(
      (a, b) =>
        a.violations.length - b.violations.length ||
        overshoot(a.violations) - overshoot(b.violations) ||
        compare(a.entry, b.entry),
    )
    .slice(0, CLOSEST_COUNT);
}

/** How far past its limits an entry is: relative excess for numbers, 1 for a list, 10 if missing. */
function overshoot(violations: readonly Violation[]): number {
  return violations.reduce((sum, violation) => {
    if (violation.rule === "missing-metric" || violation.rule === "incomplete-configuration") {
      return sum + 10;
    }
    if (typeof violation.actual === "number" && typeof violation.limit === "number") {
      const excess = violation.actual - violation.limit;
      return sum + excess / Math.max(Math.abs(violation.limit), 1e-9);
    }
    return sum + 1;
  }, 0);
}
