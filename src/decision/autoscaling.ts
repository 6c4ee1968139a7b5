/**
 * The autoscaling proposal for an entry sized on a traffic profile: each hour's fleet, what it
 * costs against a fleet held at its peak, and the Application Auto Scaling calls that make the
 * endpoint follow it: the endpoint variant's instance count registered as a scalable target
 * between the profile's least and most instances, and a target-tracking policy on
 * SageMakerVariantInvocationsPerInstance at MaxInvocations / (1 + headroom). The calls are what
 * `aws application-autoscaling register-scalable-target --cli-input-json` and
 * `put-scaling-policy --cli-input-json` take, and what the SDK's commands take as input.
 */
import * as z from "zod";
import { type DecisionEntry, hourlyInstances } from "./entry.ts";
import { formatCount, formatDollars, formatPercent } from "./format.ts";
import type { ResolvedPolicy } from "./policy.ts";

/** Scale out a minute after the load rises, in five minutes after it falls (irflow's choice). */
export const SCALE_OUT_COOLDOWN_SECONDS = 60;
export const SCALE_IN_COOLDOWN_SECONDS = 300;
/** SageMaker's variant name when an endpoint config names none. */
export const DEFAULT_VARIANT = "AllTraffic";
/** Stands for the endpoint's name in ResourceId when irflow does not know it. */
export const ENDPOINT_PLACEHOLDER = "<endpoint-name>";

const scalableTarget = {
  ServiceNamespace: z.literal("sagemaker"),
  ResourceId: z.string(),
  ScalableDimension: z.literal("sagemaker:variant:DesiredInstanceCount"),
};

export const autoscalingCallsSchema = z.object({
  registerScalableTarget: z.object({
    ...scalableTarget,
    MinCapacity: z.number().int(),
    MaxCapacity: z.number().int(),
  }),
  putScalingPolicy: z.object({
    PolicyName: z.string(),
    ...scalableTarget,
    PolicyType: z.literal("TargetTrackingScaling"),
    TargetTrackingScalingPolicyConfiguration: z.object({
      TargetValue: z.number(),
      PredefinedMetricSpecification: z.object({
        PredefinedMetricType: z.literal("SageMakerVariantInvocationsPerInstance"),
      }),
      ScaleInCooldown: z.number().int(),
      ScaleOutCooldown: z.number().int(),
    }),
  }),
});

export type AutoscalingCalls = z.output<typeof autoscalingCallsSchema>;

export const autoscalingProposalSchema = z.object({
  recommendationId: z.string(),
  instanceType: z.string().optional(),
  hourlyRequestsPerMinute: z
    .array(z.number())
    .describe("The policy's traffic profile: requests per minute in each hour of the day (UTC)."),
  hourlyInstances: z
    .array(z.number().int())
    .describe("The fleet each hour of the day needs (UTC), within minInstances and maxInstances."),
  minCapacity: z.number().int(),
  maxCapacity: z.number().int(),
  targetInvocationsPerInstance: z
    .number()
    .describe("Target-tracking value: invocations per instance per minute."),
  monthlyCost: z.number().optional().describe("US dollars per month, autoscaled."),
  fixedMonthlyCost: z
    .number()
    .optional()
    .describe("US dollars per month for maxCapacity instances all month."),
  saving: z
    .object({ monthly: z.number(), percent: z.number() })
    .optional()
    .describe("fixedMonthlyCost minus monthlyCost, and that in percent of fixedMonthlyCost."),
  endpointName: z
    .string()
    .optional()
    .describe("The endpoint the calls name (the policy's current.endpointName)."),
  placeholder: z
    .string()
    .optional()
    .describe("Without an endpoint name: the text in ResourceId to replace with the endpoint's."),
  calls: autoscalingCallsSchema.describe(
    "Application Auto Scaling requests: RegisterScalableTarget, then PutScalingPolicy.",
  ),
});

export type AutoscalingProposal = z.output<typeof autoscalingProposalSchema>;

interface EndpointRef {
  endpointName?: string | undefined;
  variantName?: string | undefined;
}

/** The calls for an entry sized on a profile, or undefined for one without autoscaling. */
export function autoscalingCalls(
  entry: DecisionEntry,
  endpoint: EndpointRef = {},
): AutoscalingCalls | undefined {
  const scaling = entry.autoscaling;
  if (!scaling || entry.endpointType !== "RealTime") return undefined;
  const ResourceId = `endpoint/${endpoint.endpointName ?? ENDPOINT_PLACEHOLDER}/variant/${endpoint.variantName ?? DEFAULT_VARIANT}`;
  const target = {
    ServiceNamespace: "sagemaker" as const,
    ResourceId,
    ScalableDimension: "sagemaker:variant:DesiredInstanceCount" as const,
  };
  return {
    registerScalableTarget: {
      ...target,
      MinCapacity: scaling.minCapacity,
      MaxCapacity: scaling.maxCapacity,
    },
    putScalingPolicy: {
      PolicyName: "irflow-invocations-per-instance",
      ...target,
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: scaling.targetInvocationsPerInstance,
        PredefinedMetricSpecification: {
          PredefinedMetricType: "SageMakerVariantInvocationsPerInstance",
        },
        ScaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
        ScaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
      },
    },
  };
}

/**
 * The proposal for an entry decided under a policy with a traffic profile, or undefined for one
 * without autoscaling (no profile, serverless, no MaxInvocations). The endpoint is the policy's
 * current one unless the caller names another.
 */
export function autoscalingProposal(
  entry: DecisionEntry,
  policy: Pick<
    ResolvedPolicy,
    "hourlyRequestsPerMinute" | "headroom" | "minInstances" | "maxInstances" | "current"
  >,
  endpoint: EndpointRef = {},
): AutoscalingProposal | undefined {
  const profile = policy.hourlyRequestsPerMinute;
  const scaling = entry.autoscaling;
  if (!profile || !scaling || entry.maxInvocations === undefined) return undefined;
  const endpointName = endpoint.endpointName ?? policy.current?.endpointName;
  const calls = autoscalingCalls(entry, { ...endpoint, endpointName });
  if (!calls) return undefined;
  const { monthlyCost, fixedMonthlyCost } = entry;
  return {
    recommendationId: entry.recommendationId,
    ...(entry.instanceType !== undefined ? { instanceType: entry.instanceType } : {}),
    hourlyRequestsPerMinute: [...profile],
    hourlyInstances: hourlyInstances(profile, entry.maxInvocations, policy),
    minCapacity: scaling.minCapacity,
    maxCapacity: scaling.maxCapacity,
    targetInvocationsPerInstance: scaling.targetInvocationsPerInstance,
    ...(monthlyCost !== undefined ? { monthlyCost } : {}),
    ...(fixedMonthlyCost !== undefined ? { fixedMonthlyCost } : {}),
    ...(monthlyCost !== undefined && fixedMonthlyCost !== undefined
      ? {
          saving: {
            monthly: fixedMonthlyCost - monthlyCost,
            percent:
              fixedMonthlyCost > 0
                ? ((fixedMonthlyCost - monthlyCost) / fixedMonthlyCost) * 100
                : 0,
          },
        }
      : {}),
    ...(endpointName !== undefined
      ? { endpointName }
      : { placeholder: `replace ${ENDPOINT_PLACEHOLDER} in ResourceId with the endpoint's name` }),
    calls,
  };
}

/**
 * The proposal in one sentence: "Autoscaling ml.c5.xlarge between 2 and 8 instances costs
 * $1,234/month, saving $2,345/month (65%) over a fixed fleet of 8 ($3,579/month)."
 */
export function autoscalingSentence(proposal: AutoscalingProposal): string {
  const fleet = `${proposal.instanceType ?? proposal.recommendationId} between ${formatCount(proposal.minCapacity)} and ${formatCount(proposal.maxCapacity)} instances`;
  const fixed = `a fixed fleet of ${formatCount(proposal.maxCapacity)}${proposal.fixedMonthlyCost !== undefined ? ` (${formatDollars(proposal.fixedMonthlyCost)}/month)` : ""}`;
  if (proposal.monthlyCost === undefined) {
    return `Autoscaling ${fleet} costs an unknown amount against ${fixed}.`;
  }
  const cost = `costs ${formatDollars(proposal.monthlyCost)}/month`;
  const saving = proposal.saving;
  if (!saving) return `Autoscaling ${fleet} ${cost}; the fixed fleet's cost is unknown.`;
  if (saving.monthly <= 0) return `Autoscaling ${fleet} ${cost}, no less than ${fixed}.`;
  return `Autoscaling ${fleet} ${cost}, saving ${formatDollars(saving.monthly)}/month (${formatPercent(saving.percent / 100)}) over ${fixed}.`;
}

/** The proposal for a terminal: the sentence, the hourly fleet, and each call with its command. */
export function autoscalingLines(proposal: AutoscalingProposal): string[] {
  return [
    autoscalingSentence(proposal),
    `instances by hour (UTC): ${proposal.hourlyInstances.join(" ")}`,
    `target ${formatCount(proposal.targetInvocationsPerInstance)} invocations per instance per minute; scale out after ${SCALE_OUT_COOLDOWN_SECONDS} s, in after ${SCALE_IN_COOLDOWN_SECONDS} s`,
    ...(proposal.placeholder ? [`${proposal.placeholder} before applying`] : []),
    "aws application-autoscaling register-scalable-target --cli-input-json:",
    ...JSON.stringify(proposal.calls.registerScalableTarget, null, 2).split("\n"),
    "aws application-autoscaling put-scaling-policy --cli-input-json:",
    ...JSON.stringify(proposal.calls.putScalingPolicy, null, 2).split("\n"),
  ];
}
