/**
 * When no entry meets the policy: the smallest changes of the policy that would admit one.
 *
 * For each rejected entry, every rule it breaks maps to one policy field and the value that field
 * would need (a latency bound just above its latency, a family added to the allowed list, ...).
 * The changes are applied to the policy and the entry judged again; only changes that then admit
 * it are kept. Since an entry's feasibility does not depend on the other entries, applying any
 * reported relaxation makes the decision feasible.
 *
 * Reported: for each field that alone admits some entry, the smallest such change. When no single
 * field is enough, the combinations with the fewest fields.
 */
import * as z from "zod";
import type { NormalizedRecommendation } from "./describe.ts";
import {
  compareEntries,
  type DecisionEntry,
  decisionEntrySchema,
  type EntryEvaluation,
  evaluateRecommendation,
  type Violation,
} from "./entry.ts";
import { entryLabel, formatDollars, formatPolicyValue } from "./format.ts";
import type { LatencyUnit } from "./latency-unit.ts";
import {
  ENDPOINT_TYPES,
  familyOf,
  inFamily,
  OBJECTIVES,
  type Objective,
  type Policy,
  type PolicyContext,
  policySchema,
  type ResolvedPolicy,
  requiredPerMinute,
  resolvePolicy,
} from "./policy.ts";

/** Fields a relaxation may change, in the order relaxations are reported. */
export const RELAXABLE_FIELDS = [
  "maxLatencyMs",
  "maxInstances",
  "maxMonthlyCost",
  "maxCostPerHour",
  "maxColdStartMs",
  "headroom",
  "requestsPerMinute",
  "instanceFamilies",
  "excludeInstanceFamilies",
  "endpointTypes",
  "objective",
] as const;
export type RelaxableField = (typeof RELAXABLE_FIELDS)[number];

const policyValue = z.union([z.number(), z.string(), z.array(z.string())]);

export const policyChangeSchema = z.object({
  field: z.enum(RELAXABLE_FIELDS),
  /** The value in force (after defaults); absent when the policy had none. */
  from: policyValue.optional(),
  to: policyValue,
});

export const relaxationSchema = z.object({
  changes: z.array(policyChangeSchema),
  /** The entry the changed policy admits, as judged under it. */
  admits: decisionEntrySchema,
  sentence: z.string(),
});

export type PolicyChange = z.output<typeof policyChangeSchema>;
export type Relaxation = z.output<typeof relaxationSchema>;

/** Combinations reported when no single field is enough. */
const MAX_COMBINED = 3;

export interface RelaxationInput {
  policy: Policy;
  resolved: ResolvedPolicy;
  context: PolicyContext;
  unit: LatencyUnit;
  rejected: { recommendation: NormalizedRecommendation; evaluation: EntryEvaluation }[];
}

export function findRelaxations(input: RelaxationInput): Relaxation[] {
  const candidates = input.rejected.flatMap(({ recommendation, evaluation }) => {
    const found = relaxationFor(recommendation, evaluation.violations, input);
    return found ? [found] : [];
  });
  const singles = RELAXABLE_FIELDS.flatMap((field) => {
    const options = candidates.filter(
      (candidate) => candidate.changes.length === 1 && candidate.changes[0]?.field === field,
    );
    const best = options.sort(byCloseness)[0];
    return best ? [best] : [];
  });
  if (singles.length > 0) return singles.map(withSentence);
  const fewest = Math.min(...candidates.map((candidate) => candidate.changes.length));
  const byFields = new Map<string, Candidate>();
  for (const candidate of candidates
    .filter((item) => item.changes.length === fewest)
    .sort(byCloseness)) {
    const key = fieldsKey(candidate.changes);
    if (!byFields.has(key)) byFields.set(key, candidate);
  }
  return [...byFields.values()].sort(byCloseness).slice(0, MAX_COMBINED).map(withSentence);
}

/** The policy with the relaxation's changes applied. */
export function applyRelaxation(policy: Policy, changes: readonly PolicyChange[]): Policy {
  const relaxed: Record<string, unknown> = { ...policy };
  for (const change of changes) {
    relaxed[change.field] = Array.isArray(change.to) ? [...change.to] : change.to;
  }
  return relaxed as Policy;
}

interface Candidate {
  changes: PolicyChange[];
  admits: DecisionEntry;
  objective: Objective;
  /** How far the changes move the policy, summed over fields (relative for numbers). */
  distance: number;
}

function relaxationFor(
  recommendation: NormalizedRecommendation,
  violations: readonly Violation[],
  input: RelaxationInput,
): Candidate | undefined {
  const changes: PolicyChange[] = [];
  let objectiveOnly = false;
  for (const violation of violations) {
    if (violation.rule === "missing-metric") {
      const byObjective = (violation.neededBy ?? []).every((by) => by.startsWith("the objective"));
      if (!byObjective) return undefined;
      objectiveOnly = true;
      continue;
    }
    const change = changeFor(recommendation, violation, input.resolved);
    if (!change) return undefined;
    if (!changes.some((known) => known.field === change.field)) changes.push(change);
  }
  const objectives: (Objective | undefined)[] = objectiveOnly
    ? OBJECTIVES.filter((objective) => objective !== input.resolved.objective)
    : [undefined];
  for (const objective of objectives) {
    const all: PolicyChange[] = objective
      ? [...changes, { field: "objective", from: input.resolved.objective, to: objective }]
      : changes;
    const admitted = admits(recommendation, all, input);
    if (admitted) {
      return {
        changes: all,
        admits: admitted.entry,
        objective: admitted.objective,
        distance: all.reduce((sum, change) => sum + changeDistance(change), 0),
      };
    }
  }
  return undefined;
}

/** Judges the entry again under the changed policy; the entry when it is then feasible. */
function admits(
  recommendation: NormalizedRecommendation,
  changes: PolicyChange[],
  input: RelaxationInput,
): { entry: DecisionEntry; objective: Objective } | undefined {
  if (changes.length === 0) return undefined;
  const parsed = policySchema.safeParse(applyRelaxation(input.policy, changes));
  if (!parsed.success) return undefined;
  const resolved = resolvePolicy(parsed.data, input.context);
  const { entry, violations } = evaluateRecommendation(recommendation, resolved, input.unit);
  return violations.length === 0 ? { entry, objective: resolved.objective } : undefined;
}

function changeFor(
  recommendation: NormalizedRecommendation,
  violation: Violation,
  policy: ResolvedPolicy,
): PolicyChange | undefined {
  const actual = typeof violation.actual === "number" ? violation.actual : undefined;
  const instanceType = recommendation.instanceType;
  switch (violation.rule) {
    case "endpoint-type": {
      const from = policy.endpointTypes ?? [];
      const to = ENDPOINT_TYPES.filter(
        (type) => from.includes(type) || type === recommendation.endpointType,
      );
      return { field: "endpointTypes", from: [...from], to: [...to] };
    }
    case "instance-family": {
      if (instanceType === undefined) return undefined;
      const from = policy.instanceFamilies ?? [];
      return { field: "instanceFamilies", from: [...from], to: [...from, familyOf(instanceType)] };
    }
    case "excluded-family": {
      if (instanceType === undefined) return undefined;
      const from = policy.excludeInstanceFamilies ?? [];
      const to = from.filter((family) => !inFamily(instanceType, family));
      return { field: "excludeInstanceFamilies", from: [...from], to };
    }
    case "max-instances":
      return actual === undefined
        ? undefined
        : { field: "maxInstances", from: policy.maxInstances, to: actual };
    case "serverless-capacity":
      return capacityChange(violation, policy);
    case "max-latency":
      return actual === undefined
        ? undefined
        : { field: "maxLatencyMs", from: policy.maxLatencyMs, to: ceilReadable(actual) };
    case "max-cold-start":
      return actual === undefined
        ? undefined
        : { field: "maxColdStartMs", from: policy.maxColdStartMs, to: ceilReadable(actual) };
    case "max-monthly-cost":
      return actual === undefined
        ? undefined
        : { field: "maxMonthlyCost", from: policy.maxMonthlyCost, to: ceilMoney(actual, 0) };
    case "max-cost-per-hour":
      return actual === undefined
        ? undefined
        : { field: "maxCostPerHour", from: policy.maxCostPerHour, to: ceilMoney(actual, 2) };
    default:
      return undefined;
  }
}

/**
 * A serverless endpoint too small for the load: less headroom when it sustains the load itself,
 * otherwise the highest load it sustains with the headroom.
 */
function capacityChange(violation: Violation, policy: ResolvedPolicy): PolicyChange | undefined {
  const capacity = typeof violation.limit === "number" ? violation.limit : undefined;
  const load = policy.requestsPerMinute;
  if (capacity === undefined || load === undefined) return undefined;
  if (capacity >= load) {
    let headroom = Math.floor((capacity / load - 1) * 100) / 100;
    while (headroom > 0 && requiredPerMinute(load, headroom) > capacity) {
      headroom = Math.round(headroom * 100 - 1) / 100;
    }
    if (headroom < 0 || requiredPerMinute(load, headroom) > capacity) return undefined;
    return { field: "headroom", from: policy.headroom, to: headroom };
  }
  let sustained = floorReadable(capacity / (1 + policy.headroom));
  for (let step = 0; step < 5 && requiredPerMinute(sustained, policy.headroom) > capacity; step++) {
    sustained = floorReadable(sustained * 0.999);
  }
  if (!(sustained > 0) || requiredPerMinute(sustained, policy.headroom) > capacity)
    return undefined;
  return { field: "requestsPerMinute", from: load, to: sustained };
}

/** Smallest readable value at least `value`: whole from 10, tenths from 1, 3 digits below. */
export function ceilReadable(value: number): number {
  const decimals = readableDecimals(value);
  const factor = 10 ** decimals;
  let rounded = Math.ceil(value * factor) / factor;
  if (rounded < value) rounded = (Math.ceil(value * factor) + 1) / factor;
  return rounded;
}

/** Largest readable value at most `value`. */
export function floorReadable(value: number): number {
  const decimals = readableDecimals(value);
  const factor = 10 ** decimals;
  let rounded = Math.floor(value * factor) / factor;
  if (rounded > value) rounded = (Math.floor(value * factor) - 1) / factor;
  return rounded;
}

function readableDecimals(value: number): number {
  if (value >= 10) return 0;
  if (value >= 1) return 1;
  if (value <= 0) return 0;
  return 2 - Math.floor(Math.log10(value));
}

/** Dollars rounded up to `decimals` places, or to three significant digits when smaller. */
function ceilMoney(value: number, decimals: number): number {
  if (value * 10 ** decimals < 1) return ceilReadable(value);
  const factor = 10 ** decimals;
  let rounded = Math.ceil(value * factor) / factor;
  if (rounded < value) rounded = (Math.ceil(value * factor) + 1) / factor;
  return rounded;
}

function changeDistance(change: PolicyChange): number {
  if (typeof change.to === "number") {
    const from = typeof change.from === "number" ? change.from : undefined;
    if (from === undefined) return 1;
    return Math.abs(change.to - from) / Math.max(Math.abs(from), 1e-9);
  }
  if (Array.isArray(change.to)) {
    const from = Array.isArray(change.from) ? change.from : [];
    const added = change.to.filter((item) => !from.includes(item)).length;
    const removed = from.filter((item) => !(change.to as string[]).includes(item)).length;
    return added + removed;
  }
  return 1;
}

/** Smaller moves first; equal moves by the admitted entry under the objective; then by fields. */
function byCloseness(a: Candidate, b: Candidate): number {
  return (
    a.distance - b.distance ||
    fieldOrder(a.changes) - fieldOrder(b.changes) ||
    OBJECTIVES.indexOf(a.objective) - OBJECTIVES.indexOf(b.objective) ||
    compareEntries(a.objective)(a.admits, b.admits)
  );
}

function fieldOrder(changes: readonly PolicyChange[]): number {
  return Math.min(...changes.map((change) => RELAXABLE_FIELDS.indexOf(change.field)));
}

function fieldsKey(changes: readonly PolicyChange[]): string {
  return changes
    .map((change) => change.field)
    .sort((a, b) => RELAXABLE_FIELDS.indexOf(a) - RELAXABLE_FIELDS.indexOf(b))
    .join("+");
}

function withSentence(candidate: Candidate): Relaxation {
  const changes = [...candidate.changes].sort(
    (a, b) => RELAXABLE_FIELDS.indexOf(a.field) - RELAXABLE_FIELDS.indexOf(b.field),
  );
  return {
    changes,
    admits: candidate.admits,
    sentence: relaxationSentence(changes, candidate.admits),
  };
}

/** "maxLatencyMs 20 -> 23 admits ml.c6i.xlarge x 3 at $447/month". */
export function relaxationSentence(changes: readonly PolicyChange[], entry: DecisionEntry): string {
  const moves = changes
    .map(
      (change) =>
        `${change.field} ${formatPolicyValue(change.from)} -> ${formatPolicyValue(change.to)}`,
    )
    .join(" and ");
  const cost =
    entry.monthlyCost === undefined ? "" : ` at ${formatDollars(entry.monthlyCost)}/month`;
  return `${moves} ${changes.length === 1 ? "admits" : "admit"} ${entryLabel(entry)}${cost}`;
}
