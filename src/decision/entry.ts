/**
 * One recommendation judged against a resolved policy: its fleet size, its costs at the load, its
 * latency in milliseconds, and every rule it breaks. Each entry is judged on its own, so whether
 * an entry is feasible never depends on the others, nor on their order.
 */
import * as z from "zod";
import { canonicalJson } from "../spec/canonical.ts";
import {
  environmentSchema,
  type NormalizedRecommendation,
  type RecommendationMetrics,
} from "./describe.ts";
import { aboveLimit, formatCount, formatPolicyValue, perAbove, sustainsAgainst } from "./format.ts";
import { compareText } from "./issues.ts";
import { type LatencyUnit, toMilliseconds } from "./latency-unit.ts";
import {
  ENDPOINT_TYPES,
  inFamily,
  type Objective,
  type ResolvedPolicy,
  requiredPerMinute,
} from "./policy.ts";

export const HOURS_PER_MONTH = 730;

/** Every rule that can reject an entry, in the order they are checked and reported. */
export const REJECTION_RULES = [
  "endpoint-type",
  "instance-family",
  "excluded-family",
  "incomplete-configuration",
  "missing-metric",
  "max-instances",
  "serverless-capacity",
  "max-latency",
  "max-cold-start",
  "max-monthly-cost",
  "max-cost-per-hour",
] as const;
export type RejectionRule = (typeof REJECTION_RULES)[number];

const limitValue = z.union([z.number(), z.string(), z.array(z.string())]);

export const violationSchema = z.object({
  rule: z.enum(REJECTION_RULES),
  message: z.string(),
  /** The metric concerned, in SageMaker's spelling (missing-metric). */
  metric: z.string().optional(),
  /** What the entry has (milliseconds, dollars, instances, requests per minute, ...). */
  actual: limitValue.optional(),
  /** What the policy allows. */
  limit: limitValue.optional(),
  /** What needs the missing metric: the objective, a constraint, the sizing. */
  neededBy: z.array(z.string()).optional(),
});

export type Violation = z.output<typeof violationSchema>;

export const decisionEntrySchema = z.object({
  recommendationId: z.string(),
  endpointType: z.enum(ENDPOINT_TYPES),
  instanceType: z.string().optional(),
  serverless: z
    .object({ memorySizeInMB: z.number().optional(), maxConcurrency: z.number().optional() })
    .optional(),
  environment: environmentSchema,
  /** Real-time: the fleet size for the load (or minInstances without one). */
  instanceCount: z.number().optional(),
  /** Requests per minute the sized fleet (or the serverless endpoint) sustains. */
  capacityPerMinute: z.number().optional(),
  /**
   * US dollars per month at the load: instances x CostPerHour x 730, or the serverless cost. With
   * a traffic profile, the autoscaled cost: the fleet of each hour of the day, paid for that hour.
   */
  monthlyCost: z.number().optional(),
  /** With a traffic profile, a real-time fleet held at its peak all month: maxCapacity x CostPerHour x 730. */
  fixedMonthlyCost: z.number().optional(),
  /** With a traffic profile, the autoscaling a real-time fleet needs to follow it. */
  autoscaling: z
    .object({
      minCapacity: z.number(),
      maxCapacity: z.number(),
      /** Target-tracking value: invocations per instance per minute, MaxInvocations / (1 + headroom). */
      targetInvocationsPerInstance: z.number(),
    })
    .optional(),
  /** US dollars per hour at the load (monthlyCost / 730). */
  hourlyCost: z.number().optional(),
  costPerHour: z.number().optional(),
  costPerInference: z.number().optional(),
  maxInvocations: z.number().optional(),
  latencyMs: z.number().optional(),
  modelSetupTimeMs: z.number().optional(),
  cpuUtilization: z.number().optional(),
  memoryUtilization: z.number().optional(),
});

export type DecisionEntry = z.output<typeof decisionEntrySchema>;

export interface EntryEvaluation {
  entry: DecisionEntry;
  violations: Violation[];
}

type MetricName =
  | "CostPerHour"
  | "CostPerInference"
  | "MaxInvocations"
  | "ModelLatency"
  | "ModelSetupTime";

const METRIC_KEYS: Record<MetricName, keyof RecommendationMetrics> = {
  CostPerHour: "costPerHour",
  CostPerInference: "costPerInference",
  MaxInvocations: "maxInvocations",
  ModelLatency: "modelLatency",
  ModelSetupTime: "modelSetupTime",
};

/** MaxInvocations must be positive to size anything; costs and times must not be negative. */
function usable(metric: MetricName, value: number | undefined): value is number {
  if (value === undefined || !Number.isFinite(value)) return false;
  return metric === "MaxInvocations" ? value > 0 : value >= 0;
}

function usableValue(metrics: RecommendationMetrics, metric: MetricName): number | undefined {
  const value = metrics[METRIC_KEYS[metric]];
  return usable(metric, value) ? value : undefined;
}

/**
 * The metrics an entry must have under this policy, each with what needs it. A metric that only
 * describes the entry (CPU, memory) is never required.
 */
export function neededMetrics(
  endpointType: NormalizedRecommendation["endpointType"],
  policy: ResolvedPolicy,
): Map<MetricName, string[]> {
  const needs = new Map<MetricName, string[]>();
  const need = (metric: MetricName, by: string) =>
    needs.set(metric, [...(needs.get(metric) ?? []), by]);
  const withLoad = policy.requestsPerMinute !== undefined;
  if (withLoad) need("MaxInvocations", "requestsPerMinute (sizing)");
  const costReasons = [
    ...(policy.objective === "monthly-cost" ? ["the objective monthly-cost"] : []),
    ...(policy.maxMonthlyCost !== undefined ? ["maxMonthlyCost"] : []),
    ...(policy.maxCostPerHour !== undefined ? ["maxCostPerHour"] : []),
  ];
  const costMetric: MetricName =
    endpointType === "Serverless" && withLoad ? "CostPerInference" : "CostPerHour";
  for (const reason of costReasons) need(costMetric, reason);
  if (policy.objective === "cost-per-inference")
    need("CostPerInference", "the objective cost-per-inference");
  if (policy.objective === "cost-per-hour") need("CostPerHour", "the objective cost-per-hour");
  if (policy.objective === "latency") need("ModelLatency", "the objective latency");
  if (policy.objective === "throughput") need("MaxInvocations", "the objective throughput");
  if (policy.maxLatencyMs !== undefined) {
    need(
      "ModelLatency",
      policy.maxLatencySource === "job-threshold" ? "the job's latency threshold" : "maxLatencyMs",
    );
  }
  if (endpointType === "Serverless" && policy.maxColdStartMs !== undefined) {
    need("ModelSetupTime", "maxColdStartMs");
  }
  return needs;
}

/** Real-time fleet size: max(minInstances, ceil(required / MaxInvocations)), never short. */
export function instancesFor(
  required: number,
  maxInvocations: number,
  minInstances: number,
): number {
  let instances = Math.ceil(required / maxInvocations);
  if (instances * maxInvocations < required) instances += 1;
  return Math.max(minInstances, instances);
}

export function evaluateRecommendation(
  recommendation: NormalizedRecommendation,
  policy: ResolvedPolicy,
  unit: LatencyUnit,
): EntryEvaluation {
  const entry = describeEntry(recommendation, policy, unit);
  const violations: Violation[] = [];
  const type = recommendation.endpointType;

  if (policy.endpointTypes && !policy.endpointTypes.includes(type)) {
    violations.push({
      rule: "endpoint-type",
      message: `${type} is not among endpointTypes ${formatPolicyValue(policy.endpointTypes)}`,
      actual: type,
      limit: [...policy.endpointTypes],
    });
  }
  const instanceType = recommendation.instanceType;
  if (type === "RealTime" && instanceType !== undefined) {
    const allowed = policy.instanceFamilies;
    if (allowed && !allowed.some((family) => inFamily(instanceType, family))) {
      violations.push({
        rule: "instance-family",
        message: `${instanceType} is not in instanceFamilies ${formatPolicyValue(allowed)}`,
        actual: instanceType,
        limit: [...allowed],
      });
    }
    const excluded = (policy.excludeInstanceFamilies ?? []).filter((family) =>
      inFamily(instanceType, family),
    );
    if (excluded.length > 0) {
      violations.push({
        rule: "excluded-family",
        message: `${instanceType} is excluded by excludeInstanceFamilies ${formatPolicyValue(excluded)}`,
        actual: instanceType,
        limit: excluded,
      });
    }
  }
  if (
    type === "RealTime"
      ? instanceType === undefined
      : recommendation.serverless?.memorySizeInMB === undefined
  ) {
    violations.push({
      rule: "incomplete-configuration",
      message:
        type === "RealTime"
          ? "the entry has no InstanceType, so it cannot be deployed"
          : "the serverless entry has no MemorySizeInMB, so it cannot be deployed",
    });
  }
  for (const [metric, neededBy] of neededMetrics(type, policy)) {
    const value = recommendation.metrics[METRIC_KEYS[metric]];
    if (usable(metric, value)) continue;
    const state = recommendation.unavailableMetrics.includes(metric)
      ? "NaN (not available)"
      : value === undefined
        ? "missing"
        : `not usable (${value})`;
    violations.push({
      rule: "missing-metric",
      metric,
      message: `${metric} is ${state}; ${neededBy.join(" and ")} need${neededBy.length === 1 ? "s" : ""} it`,
      neededBy,
    });
  }
  if (
    type === "RealTime" &&
    policy.maxInstances !== undefined &&
    entry.instanceCount !== undefined &&
    entry.instanceCount > policy.maxInstances
  ) {
    violations.push({
      rule: "max-instances",
      message: `needs ${formatCount(entry.instanceCount)} instances for ${formatCount(policy.requiredPerMinute ?? 0)} requests/min; maxInstances is ${policy.maxInstances}`,
      actual: entry.instanceCount,
      limit: policy.maxInstances,
    });
  }
  if (
    type === "Serverless" &&
    policy.requiredPerMinute !== undefined &&
    entry.maxInvocations !== undefined &&
    policy.requiredPerMinute > entry.maxInvocations
  ) {
    violations.push({
      rule: "serverless-capacity",
      message: sustainsAgainst(entry.maxInvocations, policy.requiredPerMinute),
      actual: policy.requiredPerMinute,
      limit: entry.maxInvocations,
    });
  }
  if (
    policy.maxLatencyMs !== undefined &&
    entry.latencyMs !== undefined &&
    entry.latencyMs > policy.maxLatencyMs
  ) {
    violations.push({
      rule: "max-latency",
      message: `latency ${aboveLimit(entry.latencyMs, policy.maxLatencyMs, "ms")}`,
      actual: entry.latencyMs,
      limit: policy.maxLatencyMs,
    });
  }
  if (
    type === "Serverless" &&
    policy.maxColdStartMs !== undefined &&
    entry.modelSetupTimeMs !== undefined &&
    entry.modelSetupTimeMs > policy.maxColdStartMs
  ) {
    violations.push({
      rule: "max-cold-start",
      message: `cold start (ModelSetupTime) ${aboveLimit(entry.modelSetupTimeMs, policy.maxColdStartMs, "ms")}`,
      actual: entry.modelSetupTimeMs,
      limit: policy.maxColdStartMs,
    });
  }
  if (
    policy.maxMonthlyCost !== undefined &&
    entry.monthlyCost !== undefined &&
    entry.monthlyCost > policy.maxMonthlyCost
  ) {
    violations.push({
      rule: "max-monthly-cost",
      message: perAbove(entry.monthlyCost, policy.maxMonthlyCost, "month"),
      actual: entry.monthlyCost,
      limit: policy.maxMonthlyCost,
    });
  }
  if (
    policy.maxCostPerHour !== undefined &&
    entry.hourlyCost !== undefined &&
    entry.hourlyCost > policy.maxCostPerHour
  ) {
    violations.push({
      rule: "max-cost-per-hour",
      message: perAbove(entry.hourlyCost, policy.maxCostPerHour, "hour"),
      actual: entry.hourlyCost,
      limit: policy.maxCostPerHour,
    });
  }
  return { entry, violations };
}

/** The entry's figures under the policy: sizing, costs at the load, times in milliseconds. */
function describeEntry(
  recommendation: NormalizedRecommendation,
  policy: ResolvedPolicy,
  unit: LatencyUnit,
): DecisionEntry {
  const metrics = recommendation.metrics;
  const costPerHour = usableValue(metrics, "CostPerHour");
  const costPerInference = usableValue(metrics, "CostPerInference");
  const maxInvocations = usableValue(metrics, "MaxInvocations");
  const latency = usableValue(metrics, "ModelLatency");
  const setupTime = usableValue(metrics, "ModelSetupTime");
  const required = policy.requiredPerMinute;
  const load = policy.requestsPerMinute;

  let instanceCount: number | undefined;
  let capacityPerMinute: number | undefined;
  let hourlyCost: number | undefined;
  const profile = policy.hourlyRequestsPerMinute;
  let autoscaled: ReturnType<typeof autoscale> | undefined;
  if (recommendation.endpointType === "RealTime") {
    if (required === undefined) instanceCount = policy.minInstances;
    else if (maxInvocations !== undefined) {
      instanceCount = instancesFor(required, maxInvocations, policy.minInstances);
    }
    if (instanceCount !== undefined && maxInvocations !== undefined) {
      capacityPerMinute = instanceCount * maxInvocations;
    }
    if (instanceCount !== undefined && costPerHour !== undefined) {
      hourlyCost = instanceCount * costPerHour;
    }
    if (profile && maxInvocations !== undefined) {
      autoscaled = autoscale(profile, maxInvocations, policy);
      if (costPerHour !== undefined) hourlyCost = autoscaled.meanInstances * costPerHour;
    }
  } else {
    capacityPerMinute = maxInvocations;
    // Serverless is paid per request at a load (each hour's, with a profile), and by its reported
    // hourly cost without one.
    const meanLoad = profile
      ? profile.reduce((sum, value) => sum + value, 0) / profile.length
      : load;
    if (meanLoad !== undefined) {
      if (costPerInference !== undefined) hourlyCost = meanLoad * 60 * costPerInference;
    } else if (costPerHour !== undefined) hourlyCost = costPerHour;
  }

  return {
    recommendationId: recommendation.recommendationId,
    endpointType: recommendation.endpointType,
    ...optional("instanceType", recommendation.instanceType),
    ...optional("serverless", recommendation.serverless),
    environment: recommendation.environment,
    ...optional("instanceCount", instanceCount),
    ...optional("capacityPerMinute", capacityPerMinute),
    ...optional("monthlyCost", hourlyCost === undefined ? undefined : hourlyCost * HOURS_PER_MONTH),
    ...optional(
      "fixedMonthlyCost",
      autoscaled && costPerHour !== undefined
        ? autoscaled.maxCapacity * costPerHour * HOURS_PER_MONTH
        : undefined,
    ),
    ...optional(
      "autoscaling",
      autoscaled && {
        minCapacity: autoscaled.minCapacity,
        maxCapacity: autoscaled.maxCapacity,
        targetInvocationsPerInstance: autoscaled.targetInvocationsPerInstance,
      },
    ),
    ...optional("hourlyCost", hourlyCost),
    ...optional("costPerHour", costPerHour),
    ...optional("costPerInference", costPerInference),
    ...optional("maxInvocations", maxInvocations),
    ...optional("latencyMs", latency === undefined ? undefined : toMilliseconds(latency, unit)),
    ...optional(
      "modelSetupTimeMs",
      setupTime === undefined ? undefined : toMilliseconds(setupTime, unit),
    ),
    ...optional("cpuUtilization", metrics.cpuUtilization),
    ...optional("memoryUtilization", metrics.memoryUtilization),
  };
}

/**
 * A real-time fleet that follows a traffic profile: each hour's instances, sized as at the peak
 * and kept within minInstances and maxInstances (the peak's own check rejects a fleet that would
 * need more), and the target-tracking value that holds each instance below MaxInvocations by the
 * headroom.
 */
function autoscale(profile: readonly number[], maxInvocations: number, policy: ResolvedPolicy) {
  const hourly = hourlyInstances(profile, maxInvocations, policy);
  return {
    minCapacity: Math.min(...hourly),
    maxCapacity: Math.max(...hourly),
    meanInstances: hourly.reduce((sum, value) => sum + value, 0) / hourly.length,
    targetInvocationsPerInstance: Math.round((maxInvocations / (1 + policy.headroom)) * 1e6) / 1e6,
  };
}

/** Each hour's real-time fleet for a profile: sized as at the peak, within min and maxInstances. */
export function hourlyInstances(
  profile: readonly number[],
  maxInvocations: number,
  policy: Pick<ResolvedPolicy, "headroom" | "minInstances" | "maxInstances">,
): number[] {
  return profile.map((load) => {
    const needed = instancesFor(
      requiredPerMinute(load, policy.headroom),
      maxInvocations,
      policy.minInstances,
    );
    return policy.maxInstances === undefined ? needed : Math.min(needed, policy.maxInstances);
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The number the objective ranks by, and whether lower is better. */
export function objectiveValue(entry: DecisionEntry, objective: Objective): number | undefined {
  switch (objective) {
    case "monthly-cost":
      return entry.monthlyCost;
    case "cost-per-inference":
      return entry.costPerInference;
    case "cost-per-hour":
      return entry.costPerHour;
    case "latency":
      return entry.latencyMs;
    case "throughput":
      return entry.maxInvocations;
  }
}

export function lowerIsBetter(objective: Objective): boolean {
  return objective !== "throughput";
}

/**
 * Best first under the objective; ties broken by monthly cost, cost per inference, latency,
 * throughput, fleet size, endpoint type, id, and at last the whole entry, so equal inputs in any
 * order give the same ranking. An absent figure ranks last.
 */
export function compareEntries(
  objective: Objective,
): (a: DecisionEntry, b: DecisionEntry) => number {
  const primary = lowerIsBetter(objective) ? ascending : descending;
  return (a, b) =>
    primary(objectiveValue(a, objective), objectiveValue(b, objective)) ||
    ascending(a.monthlyCost, b.monthlyCost) ||
    ascending(a.costPerInference, b.costPerInference) ||
    ascending(a.latencyMs, b.latencyMs) ||
    descending(a.maxInvocations, b.maxInvocations) ||
    ascending(a.instanceCount, b.instanceCount) ||
    compareText(a.endpointType, b.endpointType) ||
    compareText(a.recommendationId, b.recommendationId) ||
    compareText(canonicalJson(a), canonicalJson(b));
}

function ascending(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function descending(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a > b ? -1 : a < b ? 1 : 0;
}
