/**
 * Choosing a recommendation. First version: the lowest cost per inference among the
 * recommendations whose metrics are complete. NaN and missing metrics never win; ties break on
 * cost per hour, then latency, then throughput, then the recommendation id, so the choice is the
 * same whatever order SageMaker returns them in (that order is not documented).
 */
import type { InferenceRecommendation } from "@aws-sdk/client-sagemaker";
import { z } from "zod";

export const candidateMetricsSchema = z
  .strictObject({
    costPerHour: z.number().nonnegative().optional(),
    costPerInference: z.number().nonnegative().optional(),
    maxInvocations: z
      .number()
      .nonnegative()
      .optional()
      .describe("requests per minute one instance (or the serverless endpoint) sustains"),
    modelLatencyMs: z.number().nonnegative().optional(),
    cpuUtilization: z.number().nonnegative().optional(),
    memoryUtilization: z.number().nonnegative().optional(),
    modelSetupTimeMs: z.number().nonnegative().optional(),
  })
  .describe("Metrics as SageMaker reported them; a metric it reported as NaN is absent.");
export type CandidateMetrics = z.output<typeof candidateMetricsSchema>;

export const candidateSchema = z.strictObject({
  recommendationId: z.string(),
  endpointType: z.enum(["RealTime", "Serverless"]),
  instanceType: z.string().optional(),
  instanceCount: z.number().int().min(1),
  serverless: z
    .strictObject({ memorySizeInMB: z.number().int(), maxConcurrency: z.number().int() })
    .optional(),
  environment: z.record(z.string(), z.string()).optional(),
  metrics: candidateMetricsSchema,
});
export type Candidate = z.output<typeof candidateSchema>;

/** A recommendation that could not be chosen, and why. */
export const rejectionSchema = z.strictObject({ recommendationId: z.string(), reason: z.string() });
export type Rejection = z.output<typeof rejectionSchema>;

export interface Selection {
  selected?: Candidate;
  /** Every eligible candidate, best first (the selected one included). */
  ranked: Candidate[];
  rejected: Rejection[];
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
