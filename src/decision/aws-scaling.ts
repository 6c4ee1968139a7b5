/**
 * AWS's own autoscaling answer for the selected entry (GetScalingConfigurationRecommendation),
 * read into the record's shape and set beside irflow's proposal (entry.autoscaling): every figure
 * on which the two differ, how and why, the why derived from what each side was given.
 */
import * as z from "zod";
import { SCALE_IN_COOLDOWN_SECONDS, SCALE_OUT_COOLDOWN_SECONDS } from "./autoscaling.ts";
import { capText } from "./cap.ts";
import type { DecisionEntry } from "./entry.ts";
import { formatCount, formatPercent } from "./format.ts";
import type { ResolvedPolicy } from "./policy.ts";

/** The metric irflow's proposal tracks. */
export const IRFLOW_METRIC = "SageMakerVariantInvocationsPerInstance";
/** AWS's TargetCpuUtilizationPerCore when the request gives none (its API reference). */
export const AWS_DEFAULT_CPU_TARGET_PERCENT = 50;
/** Two target values within this share of each other are the same target. */
export const TARGET_TOLERANCE = 0.01;
/** The most characters of a metric's name or namespace kept from AWS's answer. */
const MAX_NAME_CHARS = 256;
/** The most a ScalingPolicyObjective member may be: the model's Integer is 32-bit. */
const MAX_INTEGER = 2 ** 31 - 1;

/** What irflow asks for: the profile's quietest and busiest hours, as whole requests per minute. */
export const scalingRequestSchema = z.object({
  recommendationId: z.string(),
  minInvocationsPerMinute: z.number().int().nonnegative(),
  maxInvocationsPerMinute: z.number().int().nonnegative(),
  /** Left out: AWS then applies its default of 50%. */
  targetCpuUtilizationPerCore: z.number().int().min(1).max(100).optional(),
});
export type ScalingRequest = z.output<typeof scalingRequestSchema>;

const metricSpecificationSchema = z.union([
  z.object({ predefined: z.string() }),
  z.object({
    customized: z.object({
      metricName: z.string().optional(),
      namespace: z.string().optional(),
      statistic: z.string().optional(),
    }),
  }),
]);

export const AWS_SCALING_FIELDS = [
  "minCapacity",
  "maxCapacity",
  "metric",
  "targetValue",
  "scaleInCooldown",
  "scaleOutCooldown",
] as const;

export const scalingDifferenceSchema = z.object({
  field: z.enum(AWS_SCALING_FIELDS),
  aws: z.union([z.number(), z.string()]),
  irflow: z.union([z.number(), z.string()]),
  /** The two figures, side by side. */
  how: z.string(),
  /** What each side derived its figure from. */
  why: z.string(),
});
export type ScalingDifference = z.output<typeof scalingDifferenceSchema>;

export const awsScalingSchema = z.object({
  request: scalingRequestSchema,
  minCapacity: z.number().optional(),
  maxCapacity: z.number().optional(),
  scaleInCooldown: z.number().optional(),
  scaleOutCooldown: z.number().optional(),
  /** The first target-tracking policy's target value and the metric it tracks. */
  targetValue: z.number().optional(),
  metric: metricSpecificationSchema.optional(),
  /** AWS's expected figures at the target: InvocationsPerInstance, ModelLatency. */
  expected: z
    .object({
      invocationsPerInstance: z.number().optional(),
      modelLatency: z.number().optional(),
    })
    .optional(),
  /** Where AWS's configuration and irflow's proposal differ; empty when they agree. */
  differences: z.array(scalingDifferenceSchema),
});
export type AwsScaling = z.output<typeof awsScalingSchema>;

/** GetScalingConfigurationRecommendation's response, as far as it is read (botocore's model). */
const responseSchema = z.object({
  DynamicScalingConfiguration: z
    .object({
      MinCapacity: z.number().optional(),
      MaxCapacity: z.number().optional(),
      ScaleInCooldown: z.number().optional(),
      ScaleOutCooldown: z.number().optional(),
      ScalingPolicies: z
        .array(
          z.object({
            TargetTracking: z
              .object({
                MetricSpecification: z
                  .object({
                    Predefined: z
                      .object({ PredefinedMetricType: z.string().optional() })
                      .optional(),
                    Customized: z
                      .object({
                        MetricName: z.string().optional(),
                        Namespace: z.string().optional(),
                        Statistic: z.string().optional(),
                      })
                      .optional(),
                  })
                  .optional(),
                TargetValue: z.number().optional(),
              })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  Metric: z
    .object({
      InvocationsPerInstance: z.number().optional(),
      ModelLatency: z.number().optional(),
    })
    .optional(),
});

/**
 * The request for a selected real-time entry under a profile, or undefined when there is nothing
 * to ask: no profile, a serverless entry, or no autoscaling proposal to set AWS's beside.
 */
export function scalingRequestFor(
  entry: DecisionEntry | undefined,
  policy: Pick<ResolvedPolicy, "hourlyRequestsPerMinute">,
): ScalingRequest | undefined {
  const profile = policy.hourlyRequestsPerMinute;
  if (!entry || !profile || profile.length === 0) return undefined;
  if (entry.endpointType !== "RealTime" || !entry.autoscaling) return undefined;
  const whole = (value: number) => Math.min(MAX_INTEGER, Math.max(0, value));
  return {
    recommendationId: entry.recommendationId,
    // The quietest hour rounded down and the busiest up: AWS is never asked for less than the peak.
    minInvocationsPerMinute: whole(Math.floor(Math.min(...profile))),
    maxInvocationsPerMinute: whole(Math.ceil(Math.max(...profile))),
  };
}

export type ReadScaling = { ok: true; value: AwsScaling } | { ok: false; note: string };

/** AWS's answer read and compared with the entry's proposal; a response that does not read is a note. */
export function readAwsScaling(
  response: unknown,
  request: ScalingRequest,
  entry: DecisionEntry,
  policy: Pick<
    ResolvedPolicy,
    "headroom" | "minInstances" | "maxInstances" | "hourlyRequestsPerMinute"
  >,
): ReadScaling {
  const parsed = responseSchema.safeParse(response);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return {
      ok: false,
      note: `AWS's scaling recommendation does not read (${issue?.path.join(".") || "(response)"}: ${issue?.message ?? "invalid"})`,
    };
  }
  const { DynamicScalingConfiguration: config, Metric } = parsed.data;
  const tracking = config?.ScalingPolicies?.find((policy) => policy.TargetTracking)?.TargetTracking;
  const specification = tracking?.MetricSpecification;
  const metric = specification?.Predefined?.PredefinedMetricType
    ? { predefined: capText(specification.Predefined.PredefinedMetricType, MAX_NAME_CHARS) }
    : specification?.Customized
      ? {
          customized: {
            ...optional("metricName", capped(specification.Customized.MetricName)),
            ...optional("namespace", capped(specification.Customized.Namespace)),
            ...optional("statistic", capped(specification.Customized.Statistic)),
          },
        }
      : undefined;
  const expected = Metric && {
    ...optional("invocationsPerInstance", Metric.InvocationsPerInstance),
    ...optional("modelLatency", Metric.ModelLatency),
  };
  const read: Omit<AwsScaling, "differences"> = {
    request,
    ...optional("minCapacity", config?.MinCapacity),
    ...optional("maxCapacity", config?.MaxCapacity),
    ...optional("scaleInCooldown", config?.ScaleInCooldown),
    ...optional("scaleOutCooldown", config?.ScaleOutCooldown),
    ...optional("targetValue", tracking?.TargetValue),
    ...optional("metric", metric),
    ...(expected && Object.keys(expected).length > 0 ? { expected } : {}),
  };
  return { ok: true, value: { ...read, differences: compareScaling(read, entry, policy) } };
}

/** The name of a metric specification, as a reader sees it. */
export function metricName(metric: NonNullable<AwsScaling["metric"]>): string {
  if ("predefined" in metric) return metric.predefined;
  const { namespace, metricName: name, statistic } = metric.customized;
  return `${namespace ? `${namespace}/` : ""}${name ?? "(unnamed metric)"}${statistic ? ` (${statistic})` : ""}`;
}

/**
 * Where AWS's configuration and the entry's proposal differ. A figure AWS did not return is not
 * compared; target values on different metrics are not compared either, only the metrics are.
 */
export function compareScaling(
  aws: Omit<AwsScaling, "differences">,
  entry: DecisionEntry,
  policy: Pick<
    ResolvedPolicy,
    "headroom" | "minInstances" | "maxInstances" | "hourlyRequestsPerMinute"
  >,
): ScalingDifference[] {
  const proposal = entry.autoscaling;
  if (!proposal) return [];
  const { request } = aws;
  const perInstance = entry.maxInvocations;
  const headroom = formatPercent(policy.headroom);
  const cpu =
    request.targetCpuUtilizationPerCore === undefined
      ? `TargetCpuUtilizationPerCore ${AWS_DEFAULT_CPU_TARGET_PERCENT}% (AWS's default: irflow sent none)`
      : `TargetCpuUtilizationPerCore ${request.targetCpuUtilizationPerCore}%`;
  const awsTarget =
    aws.targetValue !== undefined && aws.metric && metricName(aws.metric) === IRFLOW_METRIC
      ? ` and its target of ${formatCount(aws.targetValue)} invocations per instance`
      : "";
  const differences: ScalingDifference[] = [];

  // irflow sized the profile's own hours, before the request rounded them to whole numbers.
  const profile = policy.hourlyRequestsPerMinute ?? [];
  const sides = [
    {
      field: "minCapacity",
      side: "min",
      hour: "quietest",
      member: "MinInvocationsPerMinute",
      asked: request.minInvocationsPerMinute,
      load: profile.length > 0 ? Math.min(...profile) : request.minInvocationsPerMinute,
    },
    {
      field: "maxCapacity",
      side: "max",
      hour: "busiest",
      member: "MaxInvocationsPerMinute",
      asked: request.maxInvocationsPerMinute,
      load: profile.length > 0 ? Math.max(...profile) : request.maxInvocationsPerMinute,
    },
  ] as const;
  for (const { field, side, hour, member, asked, load } of sides) {
    const awsValue = aws[field];
    const irflowValue = proposal[field];
    if (awsValue === undefined || awsValue === irflowValue) continue;
    // The fleet the load alone needs, to tell whether the policy's bound set irflow's figure.
    const byLoad =
      perInstance === undefined || perInstance <= 0
        ? undefined
        : Math.ceil((load * (1 + policy.headroom)) / perInstance);
    const bound =
      byLoad === undefined
        ? ""
        : byLoad < policy.minInstances && irflowValue === policy.minInstances
          ? `, raised to the policy's minInstances ${policy.minInstances}`
          : policy.maxInstances !== undefined &&
              byLoad > policy.maxInstances &&
              irflowValue === policy.maxInstances
            ? `, held at the policy's maxInstances ${policy.maxInstances}`
            : "";
    const sizing =
      perInstance === undefined
        ? `sizes the ${hour} hour with headroom ${headroom}`
        : `sizes the ${hour} hour, ${formatCount(load)} requests per minute, with headroom ${headroom} at MaxInvocations ${formatCount(perInstance)} per instance`;
    differences.push({
      field,
      aws: awsValue,
      irflow: irflowValue,
      how: `AWS's ${side} capacity ${formatCount(awsValue)} against irflow's ${formatCount(irflowValue)}`,
      why: `irflow ${sizing}${bound}; AWS's comes from ${member} ${asked}, with no headroom, at ${cpu}${awsTarget}`,
    });
  }

  if (aws.metric && metricName(aws.metric) !== IRFLOW_METRIC) {
    const name = metricName(aws.metric);
    differences.push({
      field: "metric",
      aws: name,
      irflow: IRFLOW_METRIC,
      how: `AWS tracks ${name} against irflow's ${IRFLOW_METRIC}`,
      why: `irflow tracks invocations per instance at MaxInvocations / (1 + headroom); AWS chose ${name} for ${cpu}, so the target values are on different metrics and are not compared`,
    });
  } else if (
    aws.targetValue !== undefined &&
    !sameTarget(aws.targetValue, proposal.targetInvocationsPerInstance)
  ) {
    const share = (value: number) =>
      perInstance ? ` (${formatPercent(value / perInstance)} of MaxInvocations)` : "";
    differences.push({
      field: "targetValue",
      aws: aws.targetValue,
      irflow: proposal.targetInvocationsPerInstance,
      how: `AWS's target ${formatCount(aws.targetValue)} invocations per instance${share(aws.targetValue)} against irflow's ${formatCount(proposal.targetInvocationsPerInstance)}${share(proposal.targetInvocationsPerInstance)}`,
      why: `irflow's is MaxInvocations${perInstance === undefined ? "" : ` ${formatCount(perInstance)}`} / (1 + headroom ${headroom}); AWS's is set for ${cpu}`,
    });
  }

  const cooldown = (
    field: "scaleInCooldown" | "scaleOutCooldown",
    awsValue: number | undefined,
    irflowValue: number,
  ) => {
    if (awsValue === undefined || awsValue === irflowValue) return;
    const direction = field === "scaleInCooldown" ? "scale-in" : "scale-out";
    differences.push({
      field,
      aws: awsValue,
      irflow: irflowValue,
      how: `AWS's ${direction} cooldown ${formatCount(awsValue)} s against irflow's ${irflowValue} s`,
      why: `irflow's cooldowns are its fixed choice (out after ${SCALE_OUT_COOLDOWN_SECONDS} s, in after ${SCALE_IN_COOLDOWN_SECONDS} s); AWS's are the service's own`,
    });
  };
  cooldown("scaleInCooldown", aws.scaleInCooldown, SCALE_IN_COOLDOWN_SECONDS);
  cooldown("scaleOutCooldown", aws.scaleOutCooldown, SCALE_OUT_COOLDOWN_SECONDS);
  return differences;
}

function sameTarget(a: number, b: number): boolean {
  return Math.abs(a - b) <= TARGET_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** AWS's configuration in one line, for the CLI and the page. */
export function awsScalingLine(scaling: AwsScaling): string {
  const parts = [
    scaling.minCapacity !== undefined && scaling.maxCapacity !== undefined
      ? `${formatCount(scaling.minCapacity)} to ${formatCount(scaling.maxCapacity)} instances`
      : undefined,
    scaling.targetValue !== undefined
      ? `target ${formatCount(scaling.targetValue)}${scaling.metric ? ` on ${metricName(scaling.metric)}` : ""}`
      : undefined,
    scaling.scaleOutCooldown !== undefined ? `out after ${scaling.scaleOutCooldown} s` : undefined,
    scaling.scaleInCooldown !== undefined ? `in after ${scaling.scaleInCooldown} s` : undefined,
  ].filter((part) => part !== undefined);
  const asked = `for ${scaling.request.minInvocationsPerMinute} to ${scaling.request.maxInvocationsPerMinute} requests per minute`;
  return `${parts.length > 0 ? parts.join(", ") : "no configuration returned"} (${asked})`;
}

const capped = (text: string | undefined) =>
  text === undefined ? undefined : capText(text, MAX_NAME_CHARS);

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
