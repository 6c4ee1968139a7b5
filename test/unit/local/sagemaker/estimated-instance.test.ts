import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../../local/clock.ts";
import { instanceSpec } from "../../../../local/sagemaker/catalog.ts";
import { benchmarkRealTime } from "../../../../local/sagemaker/performance.ts";
import { InferenceRecommenderService } from "../../../../local/sagemaker/service.ts";
import { seedModelRegistry } from "../../../../local/seed.ts";
import { validateSpec } from "../../../../src/spec/validate.ts";
import { sampleSpec } from "../../../support/specs.ts";

const A_DAY_MS = 24 * 60 * 60 * 1000;

interface Recommendation {
  RecommendationId: string;
  EndpointConfiguration: { InstanceType?: string };
  Metrics: { CostPerHour: number; MaxInvocations: number };
}

function completedRecommendations(service: InferenceRecommenderService, clock: ManualClock) {
  clock.advance(A_DAY_MS);
  const described = service.describeJob({ JobName: "g7e-job" });
  expect(described.Status).toBe("COMPLETED");
  return described.InferenceRecommendations as Recommendation[];
}

describe("an instance type the catalog does not know", () => {
  it("is benchmarked from its estimated entry, and its recommendation says the figures are estimated", () => {
    // Prepare: the sample irflow accepts with a warning, sent as irflow sends it.
    const spec = sampleSpec("default-unlisted-instance-type.json");
    const validated = validateSpec(spec);
    if (!validated.valid) throw new Error("the sample is invalid");
    const clock = new ManualClock();
    const service = new InferenceRecommenderService({ clock });
    seedModelRegistry(service.registry);

    // Act
    service.createJob({ ...validated.spec.job, JobName: "g7e-job" });
    const recommendations = completedRecommendations(service, clock);

    // Assess
    expect(validated.warnings.map((warning) => warning.path)).toEqual([
      "job.InputConfig.EndpointConfigurations[1].InstanceType",
    ]);
    const byType = new Map(
      recommendations.map((item) => [item.EndpointConfiguration.InstanceType, item]),
    );
    const g7e = byType.get("ml.g7e.2xlarge");
    const g6e = byType.get("ml.g6e.2xlarge");
    expect(g7e?.RecommendationId).toMatch(/-estimated$/);
    expect(g6e?.RecommendationId).not.toMatch(/estimated/);
    expect(g7e?.Metrics.CostPerHour).toBe(instanceSpec("ml.g7e.2xlarge").pricePerHourUsd);
    expect(g7e?.Metrics.MaxInvocations).toBeGreaterThan(0);
  });

  it("reports the relative it was estimated from in a direct benchmark", () => {
    // Act
    const result = benchmarkRealTime({ seed: "model" }, "ml.g7e.2xlarge");
    const listed = benchmarkRealTime({ seed: "model" }, "ml.g6e.2xlarge");

    // Assess
    expect(result.estimatedFrom).toBe("ml.g6e.2xlarge");
    expect(listed).not.toHaveProperty("estimatedFrom");
  });
});
