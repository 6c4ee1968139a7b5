/** Sizing and cost on a traffic profile (docs/decision.md, "A traffic profile"). */
import { describe, expect, it } from "vitest";
import { autoscalingCalls } from "../../../src/decision/autoscaling.ts";
import { parsePolicy } from "../../../src/decision/policy.ts";
import { decide } from "../../../src/decision/select.ts";
import { job, policy, realTime, serverless } from "./support.ts";

/** 20 quiet hours at 1,500 requests/min and a 4-hour peak at 12,000. */
const PROFILE = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];

const entries = job([
  realTime("c5", "ml.c5.xlarge", { maxInvocations: 1000, costPerHour: 0.5, modelLatency: 5 }),
  serverless("sl", 2048, { maxInvocations: 20000, costPerInference: 0.000002, modelLatency: 9 }),
]);

describe("a traffic profile", () => {
  it("sizes a real-time fleet for each hour and costs it as it autoscales, the peak fleet beside it", () => {
    // Act
    const decision = decide(entries, policy({ hourlyRequestsPerMinute: PROFILE }));

    // Assess: 1,800 needed requests/min an hour take 2 instances, 14,400 take 15.
    const fleet = decision.ranked.find((entry) => entry.recommendationId === "c5");
    expect(fleet?.instanceCount).toBe(15);
    expect(fleet?.autoscaling).toEqual({
      minCapacity: 2,
      maxCapacity: 15,
      targetInvocationsPerInstance: 833.333333,
    });
    expect(fleet?.monthlyCost).toBeCloseTo(((20 * 2 + 4 * 15) * 0.5 * 730) / 24, 9);
    expect(fleet?.fixedMonthlyCost).toBeCloseTo(15 * 0.5 * 730, 9);
    expect(decision.policy).toMatchObject({ requestsPerMinute: 12000, objective: "monthly-cost" });
  });

  it("costs a serverless endpoint by each hour's requests, feasible while the peak fits", () => {
    // Act
    const decision = decide(entries, policy({ hourlyRequestsPerMinute: PROFILE }));

    // Assess
    const endpoint = decision.ranked.find((entry) => entry.recommendationId === "sl");
    const requests = 20 * 1500 + 4 * 12000;
    expect(endpoint?.monthlyCost).toBeCloseTo((requests * 60 * 0.000002 * 730) / 24, 9);
    expect(endpoint?.autoscaling).toBeUndefined();
    expect(decision.selected?.recommendationId).toBe("sl");
  });

  it("rejects a fleet whose peak hour needs more than maxInstances", () => {
    // Act
    const decision = decide(
      entries,
      policy({ hourlyRequestsPerMinute: PROFILE, maxInstances: 10 }),
    );

    // Assess
    expect(
      decision.rejected.map((item) => [item.entry.recommendationId, item.violations[0]?.rule]),
    ).toEqual([["c5", "max-instances"]]);
  });

  it("changes nothing without a profile", () => {
    // Act
    const decision = decide(entries, policy({ requestsPerMinute: 12000 }));

    // Assess
    const fleet = decision.ranked.find((entry) => entry.recommendationId === "c5");
    expect(fleet?.monthlyCost).toBeCloseTo(15 * 0.5 * 730, 9);
    expect(fleet?.autoscaling).toBeUndefined();
    expect(fleet?.fixedMonthlyCost).toBeUndefined();
  });

  it.each([
    [
      { hourlyRequestsPerMinute: PROFILE, requestsPerMinute: 10000 },
      "requestsPerMinute",
      "profile-peak",
    ],
    [
      { hourlyRequestsPerMinute: Array.from({ length: 24 }, () => 0) },
      "hourlyRequestsPerMinute",
      "profile-peak",
    ],
    [{ hourlyRequestsPerMinute: PROFILE.slice(1) }, "hourlyRequestsPerMinute", "items"],
    [{ hourlyRequestsPerMinute: [-1, ...PROFILE.slice(1)] }, "hourlyRequestsPerMinute[0]", "range"],
  ])("refuses %j, naming %s and the rule %s", (input, path, rule) => {
    // Act
    const parsed = parsePolicy(input);

    // Assess
    expect(parsed.ok ? [] : parsed.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      [path, rule],
    ]);
  });

  it("gives the Application Auto Scaling calls that make the proposal follow the profile", () => {
    // Prepare
    const decision = decide(
      entries,
      policy({ hourlyRequestsPerMinute: PROFILE, endpointTypes: ["RealTime"] }),
    );
    const selected = decision.selected;
    if (!selected) throw new Error("nothing was selected");

    // Act
    const calls = autoscalingCalls(selected, { endpointName: "fraud-prod" });

    // Assess
    expect(calls).toEqual({
      registerScalableTarget: {
        ServiceNamespace: "sagemaker",
        ResourceId: "endpoint/fraud-prod/variant/AllTraffic",
        ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
        MinCapacity: 2,
        MaxCapacity: 15,
      },
      putScalingPolicy: {
        PolicyName: "irflow-invocations-per-instance",
        ServiceNamespace: "sagemaker",
        ResourceId: "endpoint/fraud-prod/variant/AllTraffic",
        ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
        PolicyType: "TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 833.333333,
          PredefinedMetricSpecification: {
            PredefinedMetricType: "SageMakerVariantInvocationsPerInstance",
          },
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      },
    });
    expect(autoscalingCalls({ ...selected, autoscaling: undefined })).toBeUndefined();
  });
});
