/**
 * The emulated GetScalingConfigurationRecommendation: a completed job's recommendation (or a
 * benchmarked endpoint) turned into a target-tracking configuration from the performance model's
 * figures, never a prediction of what AWS would answer:
 *
 * - TargetCpuUtilizationPerCore c (AWS's default 50%) against the CPU the recommendation reported
 *   at MaxInvocations M (CpuUtilization u; 100% when not reported): one instance is held at
 *   T = max(1, floor(M x min(1, c / u))) invocations per minute;
 * - MinCapacity = max(1, ceil(MinInvocationsPerMinute / T)), MaxCapacity = max(MinCapacity,
 *   ceil(MaxInvocationsPerMinute / T)), one instance for an objective the request leaves out;
 * - one target-tracking policy on SageMakerVariantInvocationsPerInstance at T, and fixed
 *   cooldowns of SCALE_IN_COOLDOWN_SECONDS and SCALE_OUT_COOLDOWN_SECONDS;
 * - Metric: InvocationsPerInstance T and the recommendation's ModelLatency.
 *
 * The request is validated from data/scaling-recommendation-constraints.json (botocore's model);
 * an unknown job, recommendation or endpoint, a job not COMPLETED, or a serverless recommendation
 * is a ValidationException.
 */
import { fileURLToPath } from "node:url";
import { AwsServiceError, type JsonObject } from "../aws-json.ts";
import { loadModelConstraints } from "./model-constraints.ts";

const OPERATION = "GetScalingConfigurationRecommendation";
const DATA_FILE = fileURLToPath(
  new URL("./data/scaling-recommendation-constraints.json", import.meta.url),
);
const constraints = loadModelConstraints(DATA_FILE, OPERATION);

/** Where the constraints come from: botocore's version, the model's API version, and the date. */
export const SCALING_CONSTRAINTS_SOURCE = constraints.source;

/** AWS's default TargetCpuUtilizationPerCore (its API reference). */
export const DEFAULT_CPU_TARGET_PERCENT = 50;
/** The emulator's fixed cooldowns, seconds. */
export const SCALE_IN_COOLDOWN_SECONDS = 300;
export const SCALE_OUT_COOLDOWN_SECONDS = 300;

export interface ScalingRequest {
  InferenceRecommendationsJobName: string;
  RecommendationId?: string;
  EndpointName?: string;
  TargetCpuUtilizationPerCore?: number;
  ScalingPolicyObjective?: { MinInvocationsPerMinute?: number; MaxInvocationsPerMinute?: number };
}

/** The request as the model's constraints accept it, and naming one recommendation or endpoint. */
export function validateScalingRequest(input: JsonObject): ScalingRequest {
  const request = constraints.read(input) as unknown as ScalingRequest;
  const { RecommendationId, EndpointName } = request;
  if ((RecommendationId === undefined) === (EndpointName === undefined)) {
    throw new AwsServiceError(
      "ValidationException",
      "Specify either RecommendationId or EndpointName, and not both",
    );
  }
  const objective = request.ScalingPolicyObjective;
  const min = objective?.MinInvocationsPerMinute;
  const max = objective?.MaxInvocationsPerMinute;
  if ((min !== undefined && min < 0) || (max !== undefined && max < 0)) {
    throw new AwsServiceError(
      "ValidationException",
      "ScalingPolicyObjective invocations per minute must not be negative",
    );
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw new AwsServiceError(
      "ValidationException",
      `MinInvocationsPerMinute ${min} is greater than MaxInvocationsPerMinute ${max}`,
    );
  }
  return request;
}

/** What the performance model reported for the recommendation or endpoint. */
export interface ServingFigures {
  maxInvocations: number;
  /** Percent at maxInvocations; NaN or absent when not reported. */
  cpuUtilization?: number | undefined;
  modelLatency?: number | undefined;
}

/** The response, from the request and the figures of what it names. */
export function scalingConfiguration(request: ScalingRequest, figures: ServingFigures): JsonObject {
  const cpuTarget = request.TargetCpuUtilizationPerCore ?? DEFAULT_CPU_TARGET_PERCENT;
  const reported = figures.cpuUtilization;
  const cpuAtMax =
    reported !== undefined && Number.isFinite(reported) && reported > 0 ? reported : 100;
  const perInstance = Math.max(
    1,
    Math.floor(figures.maxInvocations * Math.min(1, cpuTarget / cpuAtMax)),
  );
  const objective = request.ScalingPolicyObjective ?? {};
  const instancesFor = (load: number | undefined) =>
    load === undefined ? 1 : Math.max(1, Math.ceil(load / perInstance));
  const minCapacity = instancesFor(objective.MinInvocationsPerMinute);
  const maxCapacity = Math.max(minCapacity, instancesFor(objective.MaxInvocationsPerMinute));
  return {
    InferenceRecommendationsJobName: request.InferenceRecommendationsJobName,
    ...(request.RecommendationId !== undefined
      ? { RecommendationId: request.RecommendationId }
      : {}),
    ...(request.EndpointName !== undefined ? { EndpointName: request.EndpointName } : {}),
    TargetCpuUtilizationPerCore: cpuTarget,
    ...(request.ScalingPolicyObjective ? { ScalingPolicyObjective: objective } : {}),
    Metric: {
      InvocationsPerInstance: perInstance,
      ...(figures.modelLatency !== undefined && Number.isFinite(figures.modelLatency)
        ? { ModelLatency: Math.round(figures.modelLatency) }
        : {}),
    },
    DynamicScalingConfiguration: {
      MinCapacity: minCapacity,
      MaxCapacity: maxCapacity,
      ScaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
      ScaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
      ScalingPolicies: [
        {
          TargetTracking: {
            MetricSpecification: {
              Predefined: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            },
            TargetValue: perInstance,
          },
        },
      ],
    },
  };
}
