/**
 * The decision against production: what the current configuration costs and how fast it is,
 * whether it meets the policy at the load, what the proposal saves, and whether that is worth
 * acting on.
 *
 * The current cost comes from the job's own price for the same instance type (x instanceCount),
 * so both sides are priced alike; failing that, from the policy's `current.monthlyCost`; failing
 * that, it is unknown. No price is ever made up. An endpoint named in the policy is read by the
 * caller (DescribeEndpoint and its endpoint config); this module takes what was read.
 */
import * as z from "zod";
import type { NormalizedJob, NormalizedRecommendation } from "./describe.ts";
import { decisionEntrySchema, HOURS_PER_MONTH } from "./entry.ts";
import {
  aboveLimit,
  formatAgainst,
  formatDollars,
  formatPercent,
  formatPolicyValue,
  perAbove,
  sustainsAgainst,
} from "./format.ts";
import { compareText } from "./issues.ts";
import { toMilliseconds } from "./latency-unit.ts";
import { inFamily } from "./policy.ts";
import type { Decision } from "./select.ts";

export const currentDeploymentSchema = z.object({
  instanceType: z.string(),
  instanceCount: z.number().int().min(1),
  endpointName: z.string().optional(),
});

/** The production variant of a live endpoint, as the caller read it. */
export type CurrentDeployment = z.output<typeof currentDeploymentSchema>;

export const COMPARISON_CHECKS = [
  "load",
  "max-latency",
  "min-instances",
  "max-instances",
  "max-monthly-cost",
  "max-cost-per-hour",
  "instance-family",
  "excluded-family",
  "endpoint-type",
] as const;

const checkSchema = z.object({ check: z.enum(COMPARISON_CHECKS), message: z.string() });

export const comparisonSchema = z.object({
  current: z.object({
    /** Where the configuration came from: the policy's instance type, or an endpoint. */
    source: z.enum(["policy", "endpoint"]),
    endpointName: z.string().optional(),
    instanceType: z.string().optional(),
    instanceCount: z.number().optional(),
    monthlyCost: z.number().optional(),
    costSource: z.enum(["job-recommendation", "policy", "unknown"]),
    /** The job's recommendation the cost (and perhaps the latency) was read from. */
    recommendationId: z.string().optional(),
    latencyMs: z.number().optional(),
    latencySource: z.enum(["endpoint-performance", "job-recommendation", "unknown"]),
    /** Requests per minute the current deployment sustains, where known. */
    capacityPerMinute: z.number().optional(),
    meetsPolicy: z.enum(["yes", "no", "unknown"]),
    /** The policy's rules current breaks. */
    failures: z.array(checkSchema),
    /** The policy's rules that cannot be checked for lack of a figure. */
    unknowns: z.array(checkSchema),
  }),
  /** The selected entry, when the decision selected one. */
  proposed: decisionEntrySchema.optional(),
  /** Current minus proposed monthly cost, and that as a percentage of current. */
  saving: z.object({ monthly: z.number(), percent: z.number() }).optional(),
  worthActing: z.boolean(),
  /** Why worthActing is what it is, in words. */
  reason: z.string(),
});

export type Comparison = z.output<typeof comparisonSchema>;
type Check = z.output<typeof checkSchema>;

/**
 * Compares the decision with production: the policy's `current`, or the endpoint the job measured.
 * `deployment` is the live endpoint's instance type and count when the caller read them (for
 * `current.endpointName`, or for a job that benchmarked an existing endpoint). Undefined when
 * there is nothing to compare with.
 */
export function compareWithProduction(
  decision: Decision,
  job: NormalizedJob,
  deployment?: CurrentDeployment,
): Comparison | undefined {
  const policy = decision.policy;
  const target = currentTarget(decision, job, deployment);
  if (!target) return undefined;
  const { instanceType, instanceCount, endpointName } = target;

  const matching = instanceType
    ? matchingRecommendation(job.recommendations, instanceType)
    : undefined;
  const costPerHour = matching?.metrics.costPerHour;
  let monthlyCost: number | undefined;
  let costSource: Comparison["current"]["costSource"] = "unknown";
  if (costPerHour !== undefined && instanceCount !== undefined) {
    monthlyCost = costPerHour * instanceCount * HOURS_PER_MONTH;
    costSource = "job-recommendation";
  } else if (policy.current?.monthlyCost !== undefined) {
    monthlyCost = policy.current.monthlyCost;
    costSource = "policy";
  }

  const unit = decision.latencyUnit.unit;
  const performance = endpointName
    ? job.endpointPerformances.find((item) => item.endpointName === endpointName)
    : undefined;
  let latencyMs: number | undefined;
  let latencySource: Comparison["current"]["latencySource"] = "unknown";
  let capacityPerMinute: number | undefined;
  if (performance?.modelLatency !== undefined) {
    latencyMs = toMilliseconds(performance.modelLatency, unit);
    latencySource = "endpoint-performance";
  } else if (matching?.metrics.modelLatency !== undefined) {
    latencyMs = toMilliseconds(matching.metrics.modelLatency, unit);
    latencySource = "job-recommendation";
  }
  // An endpoint's measured MaxInvocations is for the endpoint as a whole; a recommendation's is
  // for one instance.
  if (performance?.maxInvocations !== undefined) capacityPerMinute = performance.maxInvocations;
  else if (matching?.metrics.maxInvocations !== undefined && instanceCount !== undefined) {
    capacityPerMinute = matching.metrics.maxInvocations * instanceCount;
  }

  const { failures, unknowns } = checkCurrent(decision, {
    instanceType,
    instanceCount,
    monthlyCost,
    latencyMs,
    capacityPerMinute,
  });
  // With a traffic profile the selected entry's monthlyCost is its autoscaled cost (entry.ts), so
  // the saving is what autoscaling the proposal saves over production as it runs.
  const proposed = decision.outcome === "selected" ? decision.selected : undefined;
  const saving = savingOf(monthlyCost, proposed?.monthlyCost);
  const verdict = savingVerdict({
    outcome: decision.outcome,
    currentCost: monthlyCost,
    proposedCost: proposed?.monthlyCost,
    thresholds: policy,
    unknownCostCause: () => unknownCostCause(target),
  });

  return {
    current: {
      source: target.source,
      ...(endpointName !== undefined ? { endpointName } : {}),
      ...(instanceType !== undefined ? { instanceType } : {}),
      ...(instanceCount !== undefined ? { instanceCount } : {}),
      ...(monthlyCost !== undefined ? { monthlyCost } : {}),
      costSource,
      ...(matching &&
      (costSource === "job-recommendation" || latencySource === "job-recommendation")
        ? { recommendationId: matching.recommendationId }
        : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      latencySource,
      ...(capacityPerMinute !== undefined ? { capacityPerMinute } : {}),
      meetsPolicy: failures.length > 0 ? "no" : unknowns.length > 0 ? "unknown" : "yes",
      failures,
      unknowns,
    },
    ...(proposed ? { proposed } : {}),
    ...(saving ? { saving } : {}),
    worthActing: verdict.worthActing,
    reason: verdict.reason,
  };
}

interface Target {
  source: "policy" | "endpoint";
  instanceType?: string | undefined;
  instanceCount?: number | undefined;
  endpointName?: string | undefined;
}

function currentTarget(
  decision: Decision,
  job: NormalizedJob,
  deployment: CurrentDeployment | undefined,
): Target | undefined {
  const current = decision.policy.current;
  if (current?.instanceType !== undefined) {
    return {
      source: "policy",
      instanceType: current.instanceType,
      instanceCount: current.instanceCount,
    };
  }
  const endpointName =
    current?.endpointName ??
    job.endpointPerformances.find((item) => item.endpointName !== undefined)?.endpointName ??
    job.benchmarkedEndpoints[0];
  const name = endpointName ?? deployment?.endpointName;
  if (name === undefined && !deployment) return undefined;
  const read =
    deployment && (deployment.endpointName === undefined || deployment.endpointName === name)
      ? deployment
      : undefined;
  return {
    source: "endpoint",
    endpointName: name,
    instanceType: read?.instanceType,
    instanceCount: read?.instanceCount,
  };
}

/**
 * The job's entry for production's instance type: one with a price first, then one with a
 * latency, then by id, so the same job always gives the same figures.
 */
function matchingRecommendation(
  recommendations: readonly NormalizedRecommendation[],
  instanceType: string,
): NormalizedRecommendation | undefined {
  const priced = (entry: NormalizedRecommendation) =>
    entry.metrics.costPerHour !== undefined && entry.metrics.costPerHour >= 0 ? 0 : 1;
  const timed = (entry: NormalizedRecommendation) =>
    entry.metrics.modelLatency !== undefined ? 0 : 1;
  return recommendations
    .filter((entry) => entry.endpointType === "RealTime" && entry.instanceType === instanceType)
    .sort(
      (a, b) =>
        priced(a) - priced(b) ||
        timed(a) - timed(b) ||
        compareText(a.recommendationId, b.recommendationId),
    )[0];
}

function checkCurrent(
  decision: Decision,
  current: {
    instanceType: string | undefined;
    instanceCount: number | undefined;
    monthlyCost: number | undefined;
    latencyMs: number | undefined;
    capacityPerMinute: number | undefined;
  },
): { failures: Check[]; unknowns: Check[] } {
  const policy = decision.policy;
  const failures: Check[] = [];
  const unknowns: Check[] = [];
  const judge = (
    check: Check["check"],
    known: boolean,
    passes: () => boolean,
    failure: () => string,
    unknown: string,
  ) => {
    if (!known) unknowns.push({ check, message: unknown });
    else if (!passes()) failures.push({ check, message: failure() });
  };
  const { instanceType, instanceCount, monthlyCost, latencyMs, capacityPerMinute } = current;
  const required = policy.requiredPerMinute;
  if (required !== undefined) {
    judge(
      "load",
      capacityPerMinute !== undefined,
      () => (capacityPerMinute ?? 0) >= required,
      () => sustainsAgainst(capacityPerMinute ?? 0, required),
      "its capacity is unknown",
    );
  }
  const maxLatency = policy.maxLatencyMs;
  if (maxLatency !== undefined) {
    judge(
      "max-latency",
      latencyMs !== undefined,
      () => (latencyMs ?? 0) <= maxLatency,
      () => `latency ${aboveLimit(latencyMs ?? 0, maxLatency, "ms")}`,
      "its latency is unknown",
    );
  }
  if (instanceCount !== undefined) {
    if (instanceCount < policy.minInstances) {
      failures.push({
        check: "min-instances",
        message: `runs ${instanceCount} instances; minInstances is ${policy.minInstances}`,
      });
    }
    if (policy.maxInstances !== undefined && instanceCount > policy.maxInstances) {
      failures.push({
        check: "max-instances",
        message: `runs ${instanceCount} instances; maxInstances is ${policy.maxInstances}`,
      });
    }
  }
  const maxMonthly = policy.maxMonthlyCost;
  if (maxMonthly !== undefined) {
    judge(
      "max-monthly-cost",
      monthlyCost !== undefined,
      () => (monthlyCost ?? 0) <= maxMonthly,
      () => perAbove(monthlyCost ?? 0, maxMonthly, "month"),
      "its cost is unknown",
    );
  }
  const maxHourly = policy.maxCostPerHour;
  if (maxHourly !== undefined) {
    judge(
      "max-cost-per-hour",
      monthlyCost !== undefined,
      () => (monthlyCost ?? 0) / HOURS_PER_MONTH <= maxHourly,
      () => perAbove((monthlyCost ?? 0) / HOURS_PER_MONTH, maxHourly, "hour"),
      "its cost is unknown",
    );
  }
  if (policy.endpointTypes && !policy.endpointTypes.includes("RealTime")) {
    failures.push({
      check: "endpoint-type",
      message: `RealTime is not among endpointTypes ${formatPolicyValue(policy.endpointTypes)}`,
    });
  }
  if (policy.instanceFamilies || policy.excludeInstanceFamilies) {
    if (instanceType === undefined) {
      unknowns.push({ check: "instance-family", message: "its instance type is unknown" });
    } else {
      const allowed = policy.instanceFamilies;
      if (allowed && !allowed.some((family) => inFamily(instanceType, family))) {
        failures.push({
          check: "instance-family",
          message: `${instanceType} is not in instanceFamilies ${formatPolicyValue(allowed)}`,
        });
      }
      const excluded = (policy.excludeInstanceFamilies ?? []).filter((family) =>
        inFamily(instanceType, family),
      );
      if (excluded.length > 0) {
        failures.push({
          check: "excluded-family",
          message: `${instanceType} is excluded by excludeInstanceFamilies ${formatPolicyValue(excluded)}`,
        });
      }
    }
  }
  return { failures, unknowns };
}

/** Why production has no monthly cost: what is missing, and what would supply it. */
function unknownCostCause(target: Target): string {
  const fallback = "and the policy gives no current.monthlyCost";
  if (target.instanceType === undefined) {
    const endpoint = target.endpointName ? `endpoint ${target.endpointName}'s` : "production's";
    return `${endpoint} instance type and count were not read, as only the workflow calls DescribeEndpoint, ${fallback}; give current.instanceType and current.instanceCount, or current.monthlyCost`;
  }
  if (target.instanceCount === undefined) {
    return `production's instance count is unknown ${fallback}; give current.instanceCount`;
  }
  return `the job has no price for ${target.instanceType} ${fallback}`;
}

/** Current minus proposed monthly cost, and that as a percentage of current; undefined without both. */
export function savingOf(
  currentCost: number | undefined,
  proposedCost: number | undefined,
): Comparison["saving"] {
  if (currentCost === undefined || proposedCost === undefined) return undefined;
  return {
    monthly: currentCost - proposedCost,
    percent: currentCost > 0 ? ((currentCost - proposedCost) / currentCost) * 100 : 0,
  };
}

/** The policy's thresholds of a saving worth acting on, as every kind's policy names them. */
export interface SavingThresholds {
  minMonthlySavings: number;
  minSavingsPercent: number;
}

/**
 * Worth acting on: the proposal is feasible and saves money, by at least minMonthlySavings dollars
 * and minSavingsPercent percent. A saving of zero or less never is. `unknownCostCause` says why
 * production's cost is unknown, when it is.
 */
export function savingVerdict(input: {
  outcome: string;
  currentCost: number | undefined;
  proposedCost: number | undefined;
  thresholds: SavingThresholds;
  unknownCostCause: () => string;
}): { worthActing: boolean; reason: string } {
  const { outcome, currentCost, proposedCost, thresholds } = input;
  if (outcome !== "selected") {
    return { worthActing: false, reason: `no proposal: the decision is ${outcome}` };
  }
  if (currentCost === undefined) {
    return {
      worthActing: false,
      reason: `the current cost is unknown: ${input.unknownCostCause()}`,
    };
  }
  const saving = savingOf(currentCost, proposedCost);
  if (proposedCost === undefined || !saving) {
    return { worthActing: false, reason: "the proposal's monthly cost is unknown" };
  }
  if (saving.monthly <= 0) {
    const amount = `${formatDollars(-saving.monthly)}/month (${formatPercent(-saving.percent / 100)})`;
    return {
      worthActing: false,
      reason:
        saving.monthly === 0 ? "the proposal costs the same" : `the proposal costs ${amount} more`,
    };
  }
  // Each figure is written against its threshold, so "$99.6" is never shown as "$100 below $100".
  const { minMonthlySavings, minSavingsPercent } = thresholds;
  const [dollars, minDollars] = formatAgainst(saving.monthly, minMonthlySavings, "dollars");
  const [percent, minPercent] = formatAgainst(saving.percent, minSavingsPercent, "percent");
  const amount = `${dollars}/month (${percent})`;
  const short = [
    ...(saving.monthly < minMonthlySavings ? [`below minMonthlySavings ${minDollars}`] : []),
    ...(saving.percent < minSavingsPercent ? [`below minSavingsPercent ${minPercent}`] : []),
  ];
  return short.length > 0
    ? { worthActing: false, reason: `saves ${amount}, ${short.join(" and ")}` }
    : {
        worthActing: true,
        reason: `saves ${amount}, at least minMonthlySavings ${minDollars} and minSavingsPercent ${minPercent}`,
      };
}
