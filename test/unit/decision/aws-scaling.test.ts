/** AWS's scaling recommendation read and set beside irflow's proposal (docs/decision.md). */
import { describe, expect, it } from "vitest";
import { readAwsScaling, scalingRequestFor } from "../../../src/decision/aws-scaling.ts";
import { decide } from "../../../src/decision/select.ts";
import { job, policy, realTime, serverless } from "./support.ts";

/** 20 quiet hours at 1,500.4 requests/min and a 4-hour peak at 11,999.2. */
const PROFILE = [...Array.from({ length: 20 }, () => 1500.4), 11999.2, 11999.2, 11999.2, 11999.2];

function selectedUnderProfile(overrides: Record<string, unknown> = {}) {
  const decision = decide(
    job([realTime("c5", "ml.c5.xlarge", { maxInvocations: 1000, costPerHour: 0.5 })]),
    policy({ hourlyRequestsPerMinute: PROFILE, ...overrides }),
  );
  const entry = decision.selected;
  if (!entry) throw new Error("the fixture selects nothing");
  return { decision, entry };
}

/** A response in botocore's shape. */
function response(config: {
  min?: number;
  max?: number;
  scaleIn?: number;
  scaleOut?: number;
  target?: number;
  metric?: Record<string, unknown>;
}) {
  return {
    InferenceRecommendationsJobName: "job",
    RecommendationId: "c5",
    DynamicScalingConfiguration: {
      MinCapacity: config.min,
      MaxCapacity: config.max,
      ScaleInCooldown: config.scaleIn,
      ScaleOutCooldown: config.scaleOut,
      ScalingPolicies: [
        {
          TargetTracking: {
            MetricSpecification: config.metric ?? {
              Predefined: { PredefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            },
            TargetValue: config.target,
          },
        },
      ],
    },
    Metric: { InvocationsPerInstance: 500, ModelLatency: 4100 },
  };
}

describe("the scaling request", () => {
  it("asks for the profile's quietest hour rounded down and its busiest rounded up", () => {
    // Arrange
    const { decision, entry } = selectedUnderProfile();

    // Act
    const request = scalingRequestFor(entry, decision.policy);

    // Assess
    expect(request).toEqual({
      recommendationId: "c5",
      minInvocationsPerMinute: 1500,
      maxInvocationsPerMinute: 12000,
    });
  });

  it("asks nothing for a serverless entry or without a profile", () => {
    // Arrange
    const endpoints = job([
      serverless("sl", 2048, { maxInvocations: 20000, costPerInference: 0.000002 }),
    ]);
    const underProfile = decide(endpoints, policy({ hourlyRequestsPerMinute: PROFILE }));
    const { entry } = selectedUnderProfile();

    // Act / Assess
    expect(scalingRequestFor(underProfile.selected, underProfile.policy)).toBeUndefined();
    expect(scalingRequestFor(entry, { hourlyRequestsPerMinute: undefined })).toBeUndefined();
  });
});

describe("AWS's answer beside irflow's proposal", () => {
  it("finds no differences when AWS agrees, a target within 1% included", () => {
    // Arrange: irflow proposes 2 to 15 instances at 1000 / 1.2 = 833.33 per instance.
    const { decision, entry } = selectedUnderProfile();
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const read = readAwsScaling(
      response({ min: 2, max: 15, scaleIn: 300, scaleOut: 60, target: 830 }),
      request,
      entry,
      decision.policy,
    );

    // Assess
    expect(read).toEqual({
      ok: true,
      value: {
        request,
        minCapacity: 2,
        maxCapacity: 15,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
        targetValue: 830,
        metric: { predefined: "SageMakerVariantInvocationsPerInstance" },
        expected: { invocationsPerInstance: 500, modelLatency: 4100 },
        differences: [],
      },
    });
  });

  it("says how and why min, max and target differ", () => {
    // Arrange
    const { decision, entry } = selectedUnderProfile();
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const read = readAwsScaling(
      response({ min: 3, max: 24, scaleIn: 300, scaleOut: 300, target: 500 }),
      request,
      entry,
      decision.policy,
    );

    // Assess
    if (!read.ok) throw new Error(read.note);
    expect(read.value.differences.map(({ field, aws, irflow }) => [field, aws, irflow])).toEqual([
      ["minCapacity", 3, 2],
      ["maxCapacity", 24, 15],
      ["targetValue", 500, 833.333333],
      ["scaleOutCooldown", 300, 60],
    ]);
    const [min, max, target, cooldown] = read.value.differences;
    expect(min?.how).toBe("AWS's min capacity 3 against irflow's 2");
    expect(min?.why).toBe(
      "irflow sizes the quietest hour, 1,500.4 requests per minute, with headroom 20% at MaxInvocations 1,000 per instance; AWS's comes from MinInvocationsPerMinute 1500, with no headroom, at TargetCpuUtilizationPerCore 50% (AWS's default: irflow sent none) and its target of 500 invocations per instance",
    );
    expect(max?.how).toBe("AWS's max capacity 24 against irflow's 15");
    expect(target?.how).toBe(
      "AWS's target 500 invocations per instance (50% of MaxInvocations) against irflow's 833.33 (83.3% of MaxInvocations)",
    );
    expect(target?.why).toBe(
      "irflow's is MaxInvocations 1,000 / (1 + headroom 20%); AWS's is set for TargetCpuUtilizationPerCore 50% (AWS's default: irflow sent none)",
    );
    expect(cooldown?.how).toBe("AWS's scale-out cooldown 300 s against irflow's 60 s");
  });

  it("names the policy's bound when it set irflow's capacity", () => {
    // Arrange: minInstances 4 holds the quiet hours' fleet, 2 by the load alone.
    const { decision, entry } = selectedUnderProfile({ minInstances: 4 });
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const read = readAwsScaling(
      response({ min: 2, max: 15, scaleIn: 300, scaleOut: 60, target: 833 }),
      request,
      entry,
      decision.policy,
    );

    // Assess
    if (!read.ok) throw new Error(read.note);
    expect(read.value.differences).toHaveLength(1);
    expect(read.value.differences[0]?.why).toContain(", raised to the policy's minInstances 4;");
  });

  it("names no bound that the load alone reaches", () => {
    // Arrange: minInstances 2 is what the quiet hours need anyway.
    const { decision, entry } = selectedUnderProfile({ minInstances: 2 });
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const read = readAwsScaling(
      response({ min: 3, max: 15, scaleIn: 300, scaleOut: 60, target: 833 }),
      request,
      entry,
      decision.policy,
    );

    // Assess
    if (!read.ok) throw new Error(read.note);
    expect(read.value.differences.map((difference) => difference.field)).toEqual(["minCapacity"]);
    expect(read.value.differences[0]?.why).not.toContain("minInstances");
  });

  it("compares the metric, not the target, when AWS tracks another", () => {
    // Arrange
    const { decision, entry } = selectedUnderProfile();
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const read = readAwsScaling(
      response({
        min: 2,
        max: 15,
        scaleIn: 300,
        scaleOut: 60,
        target: 50,
        metric: {
          Customized: {
            MetricName: "CPUUtilization",
            Namespace: "/aws/sagemaker/Endpoints",
            Statistic: "Average",
          },
        },
      }),
      request,
      entry,
      decision.policy,
    );

    // Assess
    if (!read.ok) throw new Error(read.note);
    expect(read.value.differences.map((difference) => difference.field)).toEqual(["metric"]);
    expect(read.value.differences[0]?.how).toBe(
      "AWS tracks /aws/sagemaker/Endpoints/CPUUtilization (Average) against irflow's SageMakerVariantInvocationsPerInstance",
    );
  });

  it("leaves a figure AWS did not return uncompared, and a response that does not read a note", () => {
    // Arrange
    const { decision, entry } = selectedUnderProfile();
    const request = scalingRequestFor(entry, decision.policy);
    if (!request) throw new Error("no request");

    // Act
    const empty = readAwsScaling({}, request, entry, decision.policy);
    const broken = readAwsScaling(
      { DynamicScalingConfiguration: { MinCapacity: "two" } },
      request,
      entry,
      decision.policy,
    );

    // Assess
    expect(empty).toEqual({ ok: true, value: { request, differences: [] } });
    expect(broken).toMatchObject({
      ok: false,
      note: expect.stringContaining("DynamicScalingConfiguration.MinCapacity"),
    });
  });
});
