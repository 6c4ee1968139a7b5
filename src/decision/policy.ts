/**
 * The decision policy (`irflow.policy` in a spec): what "best" means, the constraints an entry must
 * meet, how the fleet is sized, and the production configuration to compare with. Every field is
 * optional; unknown fields are refused. `resolvePolicy` is the one place where defaults that depend
 * on other fields (the objective) or on the job (the latency threshold) are settled.
 */
import * as z from "zod";
import { type Parsed, toDecisionIssues, typeError } from "./issues.ts";

export const OBJECTIVES = [
  "monthly-cost",
  "cost-per-inference",
  "cost-per-hour",
  "latency",
  "throughput",
] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const LATENCY_UNITS = ["auto", "us", "ms"] as const;
export const ENDPOINT_TYPES = ["RealTime", "Serverless"] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

/** `ml.c6g` (a family) or `ml.c6g.xlarge` (one type): whole dot-separated segments. */
export const INSTANCE_FAMILY_PATTERN = /^ml\.[a-z0-9-]+(\.[a-z0-9-]+)?$/;
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9-]+$/;
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Most families or types in one of the policy's lists: SageMaker has fewer instance families, and
 * the decision carries the policy into every record and event, which must stay small.
 */
export const MAX_POLICY_FAMILIES = 100;

export const DEFAULT_HEADROOM = 0.2;
export const HOURS_PER_DAY = 24;
export const MAX_HEADROOM = 10;

const number = () => z.number({ error: typeError("a finite number") });
const positive = () => number().positive({ error: "must be greater than 0" });
const count = () =>
  z
    .number({ error: typeError("an integer") })
    .int({ error: "must be an integer" })
    .min(1, { error: "must be at least 1" });

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : `must be one of ${values.join(", ")}; got ${JSON.stringify(issue.input)}`,
  });
}

function struct<T extends z.core.$ZodLooseShape>(shape: T) {
  const wrongType = typeError("an object");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? "is not a field of this object" : wrongType(issue),
  });
}

const validCount = (value: unknown) =>
  typeof value === "number" && Number.isInteger(value) && value >= 1;

const family = () =>
  z.string({ error: typeError("a string") }).regex(INSTANCE_FAMILY_PATTERN, {
    error: "must be an instance family such as ml.c6g, or an instance type such as ml.c6g.xlarge",
  });

const currentSchema = struct({
  instanceType: z
    .string({ error: typeError("a string") })
    .regex(INSTANCE_TYPE_PATTERN, { error: "must be an instance type such as ml.c6g.xlarge" })
    .optional()
    .describe("The instance type production runs on."),
  instanceCount: count().optional().describe("How many instances production runs."),
  endpointName: z
    .string({ error: typeError("a string") })
    .regex(ENDPOINT_NAME_PATTERN, {
      error: "must be an endpoint name (letters, digits and inner hyphens, at most 63 characters)",
    })
    .optional()
    .describe("The live endpoint whose production variant is the current configuration."),
  monthlyCost: number()
    .nonnegative({ error: "must be 0 or more" })
    .optional()
    .describe("What production costs per month (US dollars), when the job has no price for it."),
}).superRefine((current, context) => {
  const byType = current.instanceType !== undefined;
  const byEndpoint = current.endpointName !== undefined;
  if (byType === byEndpoint) {
    context.addIssue({
      code: "custom",
      path: [],
      params: { rule: "current-target" },
      message: byType
        ? "takes instanceType (with instanceCount) or endpointName, not both"
        : "needs instanceType (with instanceCount) or endpointName",
    });
  }
  if (byType && current.instanceCount === undefined) {
    context.addIssue({
      code: "custom",
      path: ["instanceCount"],
      params: { rule: "required" },
      message: "is required with instanceType",
    });
  }
  if (!byType && byEndpoint && current.instanceCount !== undefined) {
    context.addIssue({
      code: "custom",
      path: ["instanceCount"],
      params: { rule: "current-target" },
      message: "goes with instanceType; an endpoint's instance count is read from the endpoint",
    });
  }
});

const policyFields = {
  objective: oneOf(OBJECTIVES)
    .optional()
    .describe(
      "What best means. Default: monthly-cost when requestsPerMinute is given, else cost-per-inference.",
    ),
  maxLatencyMs: positive()
    .optional()
    .describe(
      "Highest acceptable ModelLatency, in milliseconds. Default: the job's ModelLatencyThresholds value.",
    ),
  requestsPerMinute: positive()
    .optional()
    .describe(
      "Peak load the deployment must serve. With hourlyRequestsPerMinute, its maximum (the default).",
    ),
  hourlyRequestsPerMinute: z
    .array(number().nonnegative({ error: "must be 0 or more" }), { error: typeError("an array") })
    .length(HOURS_PER_DAY, {
      error: `must have ${HOURS_PER_DAY} items, one per hour of the day (UTC)`,
    })
    .optional()
    .describe(
      "The load in each hour of the day (UTC), requests per minute: real-time fleets are sized for each hour and costed as they autoscale.",
    ),
  headroom: number()
    .min(0, { error: `must be from 0 to ${MAX_HEADROOM}` })
    .max(MAX_HEADROOM, { error: `must be from 0 to ${MAX_HEADROOM}` })
    .default(DEFAULT_HEADROOM)
    .describe("Spare capacity above the load, as a fraction (0.2 = 20%)."),
  minInstances: count().default(1).describe("Fewest instances a real-time fleet may have."),
  maxInstances: count().optional().describe("Most instances a real-time fleet may have."),
  maxMonthlyCost: positive().optional().describe("Highest acceptable cost per month, US dollars."),
  maxCostPerHour: positive().optional().describe("Highest acceptable cost per hour, US dollars."),
  latencyUnit: oneOf(LATENCY_UNITS)
    .default("auto")
    .describe("How to read ModelLatency: auto (decided from the job's numbers), us or ms."),
  instanceFamilies: z
    .array(family(), { error: typeError("an array") })
    .min(1, { error: "must list at least one family" })
    .max(MAX_POLICY_FAMILIES, { error: `must list at most ${MAX_POLICY_FAMILIES} families` })
    .optional()
    .describe("Allowed instance families or types (real-time entries)."),
  excludeInstanceFamilies: z
    .array(family(), { error: typeError("an array") })
    .max(MAX_POLICY_FAMILIES, { error: `must list at most ${MAX_POLICY_FAMILIES} families` })
    .optional()
    .describe("Excluded instance families or types (real-time entries)."),
  endpointTypes: z
    .array(oneOf(ENDPOINT_TYPES), { error: typeError("an array") })
    .min(1, { error: "must list at least one endpoint type" })
    .max(ENDPOINT_TYPES.length, {
      error: `must list at most ${ENDPOINT_TYPES.length} endpoint types`,
    })
    .optional()
    .describe("Allowed endpoint types."),
  maxColdStartMs: positive()
    .optional()
    .describe("Highest acceptable ModelSetupTime of a serverless entry, in milliseconds."),
  current: currentSchema.optional().describe("The production configuration to compare with."),
  ...savingThresholdFields(),
};

/** The thresholds of a saving worth acting on, with the same names and rules for every kind. */
export function savingThresholdFields() {
  return {
    minSavingsPercent: number()
      .min(0, { error: "must be from 0 to 100" })
      .max(100, { error: "must be from 0 to 100" })
      .default(10)
      .describe("Smallest saving, in percent of the current cost, worth acting on."),
    minMonthlySavings: number()
      .nonnegative({ error: "must be 0 or more" })
      .default(50)
      .describe("Smallest saving, in US dollars per month, worth acting on."),
  };
}

export const policySchema = struct(policyFields)
  .superRefine((policy, context) => {
    const profile = policy.hourlyRequestsPerMinute;
    if (!profile) return;
    const peak = Math.max(...profile);
    if (peak <= 0) {
      context.addIssue({
        code: "custom",
        path: ["hourlyRequestsPerMinute"],
        params: { rule: "profile-peak" },
        message: "has no hour above 0: a profile needs a peak to size for",
      });
    } else if (policy.requestsPerMinute !== undefined && policy.requestsPerMinute !== peak) {
      context.addIssue({
        code: "custom",
        path: ["requestsPerMinute"],
        params: { rule: "profile-peak" },
        message: `must equal the peak of hourlyRequestsPerMinute (${peak}), or be left out`,
      });
    }
  })
  .superRefine(
    (policy, context) => {
      const { minInstances, maxInstances } = policy;
      if (maxInstances !== undefined && maxInstances < minInstances) {
        context.addIssue({
          code: "custom",
          path: ["maxInstances"],
          params: { rule: "min-max" },
          message: `must be at least minInstances (${minInstances})`,
        });
      }
    },
    {
      // Checked whenever both counts are valid, so it is reported with the policy's other issues.
      when: (payload) => {
        const value = payload.value as { minInstances?: unknown; maxInstances?: unknown };
        return validCount(value?.minInstances ?? 1) && validCount(value?.maxInstances);
      },
    },
  )
  .meta({
    title: "irflow decision policy",
    description: "What the decision optimizes, the constraints it applies, and how it sizes.",
  });

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** Reads a policy; no policy at all is the empty policy (every default). Never throws. */
export function parsePolicy(input: unknown): Parsed<Policy> {
  const parsed = policySchema.safeParse(input ?? {}, { reportInput: true });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: toDecisionIssues(parsed.error, "(policy)") };
}

export const resolvedPolicySchema = z.object({
  ...policyFields,
  objective: z.enum(OBJECTIVES),
  objectiveSource: z.enum(["policy", "default"]),
  /** Where maxLatencyMs came from, when there is one. */
  maxLatencySource: z.enum(["policy", "job-threshold"]).optional(),
  /** The job's own threshold percentile, when maxLatencyMs came from it. */
  latencyPercentile: z.string().optional(),
  /** requestsPerMinute x (1 + headroom): the capacity a deployment must have. */
  requiredPerMinute: z.number().optional(),
});

export type ResolvedPolicy = z.output<typeof resolvedPolicySchema>;

/** The part of a job that the policy's defaults depend on. */
export interface PolicyContext {
  latencyThreshold?: { percentile?: string | undefined; valueInMilliseconds: number } | undefined;
}

/**
 * Settles the defaults that depend on other fields or on the job: the objective (monthly-cost
 * with a load, cost-per-inference without) and maxLatencyMs (the job's own threshold).
 */
export function resolvePolicy(policy: Policy, job: PolicyContext = {}): ResolvedPolicy {
  const threshold = job.latencyThreshold;
  const jobLatency =
    threshold && threshold.valueInMilliseconds > 0 ? threshold.valueInMilliseconds : undefined;
  const maxLatencyMs = policy.maxLatencyMs ?? jobLatency;
  const profile = policy.hourlyRequestsPerMinute;
  // With a profile, the load to size for at the peak is the profile's maximum.
  const requestsPerMinute =
    policy.requestsPerMinute ?? (profile ? Math.max(...profile) : undefined);
  return {
    ...policy,
    ...(requestsPerMinute !== undefined ? { requestsPerMinute } : {}),
    objective: policy.objective ?? defaultObjective(policy),
    objectiveSource: policy.objective ? "policy" : "default",
    ...(maxLatencyMs !== undefined
      ? {
          maxLatencyMs,
          maxLatencySource: policy.maxLatencyMs !== undefined ? "policy" : "job-threshold",
        }
      : {}),
    ...(policy.maxLatencyMs === undefined && jobLatency !== undefined && threshold?.percentile
      ? { latencyPercentile: threshold.percentile }
      : {}),
    ...(requestsPerMinute !== undefined
      ? { requiredPerMinute: requiredPerMinute(requestsPerMinute, policy.headroom) }
      : {}),
  };
}

function defaultObjective(policy: Policy): Objective {
  const loaded = policy.requestsPerMinute !== undefined || policy.hourlyRequestsPerMinute;
  return loaded ? "monthly-cost" : "cost-per-inference";
}

/**
 * The capacity a deployment needs: the load with its headroom, in requests per minute. Rounded to
 * a millionth so that 1000 x 1.1 is 1100, not 1100.0000000000002 (which would size one instance
 * too many).
 */
export function requiredPerMinute(requestsPerMinute: number, headroom: number): number {
  return Math.round(requestsPerMinute * (1 + headroom) * 1e6) / 1e6;
}

/** Whether an instance type belongs to a family given as whole segments (ml.c6g, not ml.c6). */
export function inFamily(instanceType: string, family: string): boolean {
  return instanceType === family || instanceType.startsWith(`${family}.`);
}

/** The family of an instance type: ml.c6g.xlarge -> ml.c6g. */
export function familyOf(instanceType: string): string {
  return instanceType.split(".").slice(0, 2).join(".");
}
