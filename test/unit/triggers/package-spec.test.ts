import { describe, expect, it } from "vitest";
import { validateSpec } from "../../../src/spec/validate.ts";
import type { ClassicGroupConfig } from "../../../src/triggers/classic-package-spec.ts";
import { parseTriggerConfig } from "../../../src/triggers/config.ts";
import type { PackageDescription } from "../../../src/triggers/group-defaults.ts";
import { buildPackageSpec } from "../../../src/triggers/package-spec.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const ARN = "arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-xgboost/4";

const complete: PackageDescription = {
  ModelPackageArn: ARN,
  Domain: "MACHINE_LEARNING",
  Task: "CLASSIFICATION",
  SamplePayloadUrl: "s3://bucket/churn/payload.tar.gz",
  InferenceSpecification: { Containers: [{ Framework: "XGBOOST" }] },
};

/** A group as the configuration parses it. */
function group(raw: Record<string, unknown>): ClassicGroupConfig {
  const config = parseTriggerConfig({ roleArn: ROLE, groups: { "churn-xgboost": raw } });
  return config.groups["churn-xgboost"] as ClassicGroupConfig;
}

describe("buildPackageSpec", () => {
  it("merges the group's defaults with the package version and the configured role", () => {
    // Prepare
    const defaults = group({
      job: {
        JobDescription: "churn re-tuning",
        InputConfig: { JobDurationInSeconds: 3600, ResourceLimit: { MaxNumberOfTests: 4 } },
        StoppingConditions: { MaxInvocations: 500 },
        Tags: [{ Key: "team", Value: "growth" }],
      },
      irflow: { deadlineSeconds: 5400 },
    });

    // Act
    const { spec, issues } = buildPackageSpec(complete, defaults, ROLE);

    // Assess
    expect(spec).toEqual({
      specVersion: 1,
      job: {
        JobType: "Default",
        RoleArn: ROLE,
        JobDescription: "churn re-tuning",
        InputConfig: {
          JobDurationInSeconds: 3600,
          ResourceLimit: { MaxNumberOfTests: 4 },
          ModelPackageVersionArn: ARN,
        },
        StoppingConditions: { MaxInvocations: 500 },
        Tags: [{ Key: "team", Value: "growth" }],
      },
      irflow: { deadlineSeconds: 5400 },
    });
    expect(issues).toEqual([]);
    expect(validateSpec(spec).valid).toBe(true);
  });

  it("keeps the group's JobType and applies the role it is given", () => {
    // Prepare
    const defaults = group({
      job: {
        JobType: "Advanced",
        InputConfig: {
          JobDurationInSeconds: 7200,
          EndpointConfigurations: [{ InstanceType: "ml.c5.xlarge" }],
        },
      },
    });
    const otherRole = "arn:aws:iam::444455556666:role/deployed-sagemaker-role";

    // Act
    const { spec } = buildPackageSpec(complete, defaults, otherRole);

    // Assess
    expect(spec.job.JobType).toBe("Advanced");
    expect(spec.job.RoleArn).toBe(otherRole);
    expect(spec.irflow).toBeUndefined();
    expect(spec.job.InputConfig.EndpointConfigurations).toEqual([{ InstanceType: "ml.c5.xlarge" }]);
  });

  it("reports every field Inference Recommender needs that the package lacks", () => {
    // Prepare
    const bare: PackageDescription = {
      ModelPackageArn: ARN,
      InferenceSpecification: { Containers: [{}] },
    };

    // Act
    const { spec, issues } = buildPackageSpec(bare, group({ job: {} }), ROLE);

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([
      "ModelPackage.Domain",
      "ModelPackage.Task",
      "ModelPackage.InferenceSpecification.Containers[0].Framework",
      "ModelPackage.SamplePayloadUrl",
    ]);
    for (const issue of issues) {
      expect(issue.rule).toBe("required");
      expect(issue.message).toContain(
        "set it on the model package version or in the group's ContainerConfig",
      );
    }
    expect(validateSpec(spec).valid).toBe(true);
  });

  it("reports nothing the group's ContainerConfig supplies", () => {
    // Prepare
    const bare: PackageDescription = { ModelPackageArn: ARN, Task: "CLASSIFICATION" };
    const defaults = group({
      job: {
        InputConfig: {
          ContainerConfig: {
            Domain: "MACHINE_LEARNING",
            Framework: "XGBOOST",
            PayloadConfig: { SamplePayloadUrl: "s3://bucket/payload.tar.gz" },
          },
        },
      },
    });

    // Act
    const { issues } = buildPackageSpec(bare, defaults, ROLE);

    // Assess
    expect(issues).toEqual([]);
  });

  it("reports only the one field missing", () => {
    // Prepare
    const { Domain: _domain, ...withoutDomain } = complete;

    // Act
    const { issues } = buildPackageSpec(withoutDomain, group({ job: {} }), ROLE);

    // Assess
    expect(issues).toEqual([
      { path: "ModelPackage.Domain", rule: "required", message: expect.stringContaining("Domain") },
    ]);
  });
});
