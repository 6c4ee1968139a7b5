/**
 * Choosing a recommendation. First version: the lowest cost per inference among the
 * recommendations whose metrics are complete. NaN and missing metrics never win; ties break on
 * cost per hour, then latency, then throughput, then the recommendation id, so the choice is the
 * same whatever order SageMaker returns them in (that order is not documented).
 */
import type { InferenceRecommendation } from "@aws-sdk/client-sagemaker";

export interface CandidateMetrics {
  costPerHour?: number;
  costPerInference?: number;
  /** Requests per minute one instance (or the serverless endpoint) sustains. */
  maxInvocations?: number;
  modelLatencyMs?: number;
  cpuUtilization?: number;
  memoryUtilization?: number;
  modelSetupTimeMs?: number;
}

export interface Candidate {
  recommendationId: string;
  endpointType: "RealTime" | "Serverless";
  instanceType?: string;
  instanceCount: number;
  serverless?: { memorySizeInMB: number; maxConcurrency: number };
  environment?: Record<string, string>;
  metrics: CandidateMetrics;
}

export interface Selection {
  selected?: Candidate;
  /** Every eligible candidate, best first (the selected one included). */
  ranked: Candidate[];
  rejected: { recommendationId: string; reason: string }[];
}

const REQUIRED_METRICS = [
  "costPerInference",
  "costPerHour",
  "maxInvocations",
  "modelLatencyMs",
] as const;

export function selectRecommendation(candidates: readonly Candidate[]): Selection {
  const rejected: Selection["rejected"] = [];
  const eligible = candidates.filter((candidate) => {
    const missing = REQUIRED_METRICS.filter((metric) => !isUsable(candidate.metrics[metric]));
    if (missing.length > 0) {
      rejected.push({
        recommendationId: candidate.recommendationId,
        reason: `incomplete metrics: ${missing.join(", ")} missing or not a number`,
      });
      return false;
    }
    return true;
  });
  const ranked = [...eligible].sort(compareCandidates);
  return { ...(ranked[0] ? { selected: ranked[0] } : {}), ranked, rejected };
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const [x, y] = [a.metrics, b.metrics];
  return (
    num(x.costPerInference) - num(y.costPerInference) ||
    num(x.costPerHour) - num(y.costPerHour) ||
    num(x.modelLatencyMs) - num(y.modelLatencyMs) ||
    num(y.maxInvocations) - num(x.maxInvocations) ||
    a.recommendationId.localeCompare(b.recommendationId)
  );
}

function isUsable(value: number | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function num(value: number | undefined): number {
  return value ?? Number.POSITIVE_INFINITY;
}

/** A SageMaker recommendation in irflow's terms; the response order gives ids when absent. */
export function toCandidate(recommendation: InferenceRecommendation, index: number): Candidate {
  const endpoint = recommendation.EndpointConfiguration;
  const metrics = recommendation.Metrics ?? {};
  const serverless = endpoint?.ServerlessConfig;
  const environment = Object.fromEntries(
    (recommendation.ModelConfiguration?.EnvironmentParameters ?? []).map((parameter) => [
      parameter.Key ?? "",
      parameter.Value ?? "",
    ]),
  );
  return {
    recommendationId: recommendation.RecommendationId ?? `recommendation-${index + 1}`,
    endpointType: serverless ? "Serverless" : "RealTime",
    ...(endpoint?.InstanceType ? { instanceType: endpoint.InstanceType } : {}),
    instanceCount: endpoint?.InitialInstanceCount ?? 1,
    ...(serverless?.MemorySizeInMB !== undefined && serverless.MaxConcurrency !== undefined
      ? {
          serverless: {
            memorySizeInMB: serverless.MemorySizeInMB,
            maxConcurrency: serverless.MaxConcurrency,
          },
        }
      : {}),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    metrics: definedOnly({
      costPerHour: metrics.CostPerHour,
      costPerInference: metrics.CostPerInference,
      maxInvocations: metrics.MaxInvocations,
      modelLatencyMs: metrics.ModelLatency,
      cpuUtilization: metrics.CpuUtilization,
      memoryUtilization: metrics.MemoryUtilization,
      modelSetupTimeMs: metrics.ModelSetupTime,
    }),
  };
}

/** Drops absent and non-finite values: NaN means "not available", so it is left out. */
function definedOnly(
  metrics: Record<keyof CandidateMetrics, number | undefined>,
): CandidateMetrics {
  return Object.fromEntries(
    Object.entries(metrics).filter(
      ([, value]) => typeof value === "number" && Number.isFinite(value),
    ),
  ) as CandidateMetrics;
}
