/** The emulated GetScalingConfigurationRecommendation: validated from botocore's model, answered from the performance model. */
import { GetScalingConfigurationRecommendationCommand } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsServiceError } from "../../../../local/aws-json.ts";
import { ManualClock } from "../../../../local/clock.ts";
import {
  SCALING_CONSTRAINTS_SOURCE,
  scalingConfiguration,
} from "../../../../local/sagemaker/scaling-recommendation.ts";
import { InferenceRecommenderService } from "../../../../local/sagemaker/service.ts";
import { seedModelRegistry } from "../../../../local/seed.ts";
import { validateSpec } from "../../../../src/spec/validate.ts";
import { type LocalSageMaker, startLocalSageMaker } from "../../../support/sagemaker.ts";
import { sampleSpec } from "../../../support/specs.ts";

const A_DAY_MS = 24 * 60 * 60 * 1000;

interface Recommendation {
  RecommendationId: string;
  EndpointConfiguration: { InstanceType?: string; ServerlessConfig?: unknown };
  Metrics: { MaxInvocations: number; CpuUtilization: number; ModelLatency: number };
}

/** A service with the sample Default job created, and the job's name. */
function serviceWithJob(sample = "default-model-package.json", jobName = "scaling-job") {
  const validated = validateSpec(sampleSpec(sample));
  if (!validated.valid) throw new Error(`the sample ${sample} is invalid`);
  const clock = new ManualClock();
  const service = new InferenceRecommenderService({ clock });
  seedModelRegistry(service.registry);
  service.createJob({ ...validated.spec.job, JobName: jobName });
  return { service, clock, jobName };
}

function refusal(call: () => unknown): AwsServiceError {
  try {
    call();
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error("expected the request to be refused, but it was accepted");
}

describe("the request's validation", () => {
  it("comes from the installed botocore's SageMaker model", () => {
    expect(SCALING_CONSTRAINTS_SOURCE).toMatchObject({
      package: "botocore",
      service: "SageMaker",
      apiVersion: "2017-07-24",
      operation: "GetScalingConfigurationRecommendation",
    });
  });

  it.each([
    [
      "no job name",
      { RecommendationId: "r" },
      "Value null at 'inferenceRecommendationsJobName' failed to satisfy constraint: Member must not be null",
    ],
    [
      "a CPU target above 100",
      {
        InferenceRecommendationsJobName: "scaling-job",
        RecommendationId: "r",
        TargetCpuUtilizationPerCore: 101,
      },
      "Value '101' at 'targetCpuUtilizationPerCore' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
    [
      "a job name outside the pattern",
      { InferenceRecommendationsJobName: "-bad", RecommendationId: "r" },
      "Value '-bad' at 'inferenceRecommendationsJobName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    ],
    [
      "neither a recommendation nor an endpoint",
      { InferenceRecommendationsJobName: "scaling-job" },
      "Specify either RecommendationId or EndpointName",
    ],
    [
      "a minimum above the maximum",
      {
        InferenceRecommendationsJobName: "scaling-job",
        RecommendationId: "r",
        ScalingPolicyObjective: { MinInvocationsPerMinute: 10, MaxInvocationsPerMinute: 5 },
      },
      "MinInvocationsPerMinute 10 is greater than MaxInvocationsPerMinute 5",
    ],
  ])("refuses %s as a ValidationException", (_name, input, message) => {
    // Prepare
    const { service } = serviceWithJob();

    // Act
    const error = refusal(() => service.scalingRecommendation(input));

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain(message);
  });

  it("refuses a non-integer objective as the service deserializes it", () => {
    // Prepare
    const { service, jobName } = serviceWithJob();

    // Act
    const error = refusal(() =>
      service.scalingRecommendation({
        InferenceRecommendationsJobName: jobName,
        RecommendationId: "r",
        ScalingPolicyObjective: { MaxInvocationsPerMinute: 1.5 },
      }),
    );

    // Assess
    expect(error.name).toBe("SerializationException");
  });

  it("refuses an unknown job, a job not yet COMPLETED and an unknown recommendation", () => {
    // Prepare
    const { service, clock, jobName } = serviceWithJob();

    // Act
    const unknownJob = refusal(() =>
      service.scalingRecommendation({
        InferenceRecommendationsJobName: "nope",
        RecommendationId: "r",
      }),
    );
    const running = refusal(() =>
      service.scalingRecommendation({
        InferenceRecommendationsJobName: jobName,
        RecommendationId: "r",
      }),
    );
    clock.advance(A_DAY_MS);
    const unknownId = refusal(() =>
      service.scalingRecommendation({
        InferenceRecommendationsJobName: jobName,
        RecommendationId: "r",
      }),
    );

    // Assess
    expect([unknownJob.name, running.name, unknownId.name]).toEqual([
      "ValidationException",
      "ValidationException",
      "ValidationException",
    ]);
    expect(unknownJob.message).toContain("Could not find inference recommendations job nope");
    expect(running.message).toMatch(
      /is (PENDING|IN_PROGRESS): a scaling recommendation needs a COMPLETED job/,
    );
    expect(unknownId.message).toContain(`Job ${jobName} has no recommendation r`);
  });

  it("refuses a serverless recommendation", () => {
    // Prepare
    const { service, clock, jobName } = serviceWithJob("serverless-endpoints.json");
    clock.advance(A_DAY_MS);
    const recommendations = service.describeJob({ JobName: jobName })
      .InferenceRecommendations as Recommendation[];
    const serverless = recommendations.find((item) => item.EndpointConfiguration.ServerlessConfig);
    if (!serverless) throw new Error("the sample has no serverless recommendation");

    // Act
    const error = refusal(() =>
      service.scalingRecommendation({
        InferenceRecommendationsJobName: jobName,
        RecommendationId: serverless.RecommendationId,
      }),
    );

    // Assess
    expect(error.message).toContain("is serverless");
  });
});

describe("the answer from the performance model", () => {
  it("holds each instance at the CPU target's share of MaxInvocations, and sizes min and max on it", () => {
    // Act: 1,000 per minute at 80% CPU; a 40% target holds 500 per instance.
    const answer = scalingConfiguration(
      {
        InferenceRecommendationsJobName: "job",
        RecommendationId: "r",
        TargetCpuUtilizationPerCore: 40,
        ScalingPolicyObjective: { MinInvocationsPerMinute: 900, MaxInvocationsPerMinute: 4001 },
      },
      { maxInvocations: 1000, cpuUtilization: 80, modelLatency: 4100.4 },
    );

    // Assess
    expect(answer).toMatchObject({
      TargetCpuUtilizationPerCore: 40,
      Metric: { InvocationsPerInstance: 500, ModelLatency: 4100 },
      DynamicScalingConfiguration: {
        MinCapacity: 2,
        MaxCapacity: 9,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 300,
        ScalingPolicies: [
          {
            TargetTracking: {
              MetricSpecification: {
                Predefined: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
              },
              TargetValue: 500,
            },
          },
        ],
      },
    });
  });

  it("takes AWS's default CPU target of 50%, and full CPU at MaxInvocations when none is reported", () => {
    // Act
    const answer = scalingConfiguration(
      { InferenceRecommendationsJobName: "job", RecommendationId: "r" },
      { maxInvocations: 1000, cpuUtilization: Number.NaN },
    );

    // Assess
    expect(answer).toMatchObject({
      TargetCpuUtilizationPerCore: 50,
      Metric: { InvocationsPerInstance: 500 },
      DynamicScalingConfiguration: { MinCapacity: 1, MaxCapacity: 1 },
    });
  });
});

describe("over the AWS JSON protocol", () => {
  let local: LocalSageMaker;

  beforeAll(async () => {
    local = await startLocalSageMaker();
  });

  afterAll(() => local.server.close());

  it("answers the SDK for a completed job's real-time recommendation", async () => {
    // Prepare
    const validated = validateSpec(sampleSpec("default-model-package.json"));
    if (!validated.valid) throw new Error("the sample is invalid");
    seedModelRegistry(local.server.service.registry);
    local.server.service.createJob({ ...validated.spec.job, JobName: "sdk-scaling-job" });
    local.advance(A_DAY_MS / 1000);
    const [first] = local.server.service.describeJob({ JobName: "sdk-scaling-job" })
      .InferenceRecommendations as Recommendation[];
    if (!first) throw new Error("the job made no recommendations");

    // Act
    const answer = await local.client.send(
      new GetScalingConfigurationRecommendationCommand({
        InferenceRecommendationsJobName: "sdk-scaling-job",
        RecommendationId: first.RecommendationId,
        ScalingPolicyObjective: { MinInvocationsPerMinute: 100, MaxInvocationsPerMinute: 20000 },
      }),
    );

    // Assess
    const cpu = Number.isFinite(first.Metrics.CpuUtilization) ? first.Metrics.CpuUtilization : 100;
    const perInstance = Math.max(
      1,
      Math.floor(first.Metrics.MaxInvocations * Math.min(1, 50 / cpu)),
    );
    expect(answer.Metric?.InvocationsPerInstance).toBe(perInstance);
    expect(answer.DynamicScalingConfiguration).toMatchObject({
      MinCapacity: Math.max(1, Math.ceil(100 / perInstance)),
      MaxCapacity: Math.max(1, Math.ceil(20000 / perInstance)),
    });
    expect(answer.RecommendationId).toBe(first.RecommendationId);
  });
});
