/**
 * The Application Auto Scaling calls that make a proposal follow its traffic profile: the
 * endpoint variant's instance count registered as a scalable target between the profile's least
 * and most instances, and a target-tracking policy on SageMakerVariantInvocationsPerInstance at
 * MaxInvocations / (1 + headroom). The JSON is what `aws application-autoscaling
 * register-scalable-target --cli-input-json` and `put-scaling-policy --cli-input-json` take.
 */
import type { DecisionEntry } from "./entry.ts";

/** Scale out a minute after the load rises, in five minutes after it falls (irflow's choice). */
export const SCALE_OUT_COOLDOWN_SECONDS = 60;
export const SCALE_IN_COOLDOWN_SECONDS = 300;
/** SageMaker's variant name when an endpoint config names none. */
export const DEFAULT_VARIANT = "AllTraffic";

export interface AutoscalingCalls {
  registerScalableTarget: {
    ServiceNamespace: "sagemaker";
    ResourceId: string;
    ScalableDimension: "sagemaker:variant:DesiredInstanceCount";
    MinCapacity: number;
    MaxCapacity: number;
  };
  putScalingPolicy: {
    PolicyName: string;
    ServiceNamespace: "sagemaker";
    ResourceId: string;
    ScalableDimension: "sagemaker:variant:DesiredInstanceCount";
    PolicyType: "TargetTrackingScaling";
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: number;
      PredefinedMetricSpecification: {
        PredefinedMetricType: "SageMakerVariantInvocationsPerInstance";
      };
      ScaleInCooldown: number;
      ScaleOutCooldown: number;
    };
  };
}

/** The calls for an entry sized on a profile, or undefined for one without autoscaling. */
export function autoscalingCalls(
  entry: DecisionEntry,
  endpoint: { endpointName?: string | undefined; variantName?: string | undefined } = {},
): AutoscalingCalls | undefined {
  const scaling = entry.autoscaling;
  if (!scaling || entry.endpointType !== "RealTime") return undefined;
  const ResourceId = `endpoint/${endpoint.endpointName ?? "<endpoint-name>"}/variant/${endpoint.variantName ?? DEFAULT_VARIANT}`;
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
