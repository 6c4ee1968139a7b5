/**
 * The spec a classic group (Inference Recommender, no `kind`) runs for an approved model package
 * version: the group's job defaults, the configured role and the package version, plus a check
 * that the package carries what Inference Recommender needs to benchmark it. ./package-spec.ts
 * chooses this module for a group of that kind.
 */
import * as z from "zod";
import { policySchema } from "../decision/index.ts";
import type { SpecIssue } from "../spec/rules.ts";
import { irflowSettingsSchema, type JobSpec, jobRequestSchema } from "../spec/schema.ts";
import {
  type PackageDescription,
  type PackageSpec,
  policyDefaultsSchemaFor,
} from "./group-defaults.ts";

const request = jobRequestSchema.shape;

/**
 * A group's CreateInferenceRecommendationsJob defaults: the request without JobName (derived),
 * RoleArn (the configuration's roleArn) and the model (the approved package version).
 */
export const jobDefaultsSchema = z.strictObject({
  JobType: request.JobType.optional(),
  JobDescription: request.JobDescription,
  InputConfig: request.InputConfig.omit({
    ModelPackageVersionArn: true,
    ModelName: true,
  }).optional(),
  StoppingConditions: request.StoppingConditions,
  OutputConfig: request.OutputConfig,
  Tags: request.Tags,
});

export type JobDefaults = z.output<typeof jobDefaultsSchema>;

/** A classic decision policy (docs/decision.md) as written in the configuration. */
export const classicPolicyDefaultsSchema = policyDefaultsSchemaFor(policySchema);

/** A classic entry of the configuration's "groups": its job defaults and irflow settings. */
export const classicGroupSchema = z.strictObject({
  /** Absent, or the classic kind named. */
  kind: z.literal("inference-recommendation").optional(),
  job: jobDefaultsSchema.default({}),
  irflow: z
    .strictObject({
      deadlineSeconds: irflowSettingsSchema.shape.deadlineSeconds,
      policy: classicPolicyDefaultsSchema.optional(),
    })
    .optional(),
});

export type ClassicGroupConfig = z.output<typeof classicGroupSchema>;

/**
 * The group's spec for the package version; its issues are what the package lacks and the group's
 * ContainerConfig does not supply.
 */
export function buildClassicPackageSpec(
  modelPackage: PackageDescription,
  group: ClassicGroupConfig,
  roleArn: string,
): PackageSpec<JobSpec> {
  const { JobType, InputConfig, ...defaults } = group.job;
  const { policy, ...settings } = group.irflow ?? {};
  const irflow = {
    ...settings,
    // Checked when the configuration was read; parsed here into the spec's own type.
    ...(policy ? { policy: policySchema.parse(policy) } : {}),
  };
  const spec: JobSpec = {
    specVersion: 1,
    job: {
      ...defaults,
      JobType: JobType ?? "Default",
      RoleArn: roleArn,
      InputConfig: { ...InputConfig, ModelPackageVersionArn: modelPackage.ModelPackageArn ?? "" },
    },
    ...(Object.keys(irflow).length > 0 ? { irflow } : {}),
  };
  return { spec, issues: missingMetadata(modelPackage, group) };
}

/**
 * Inference Recommender needs the model's domain, task, framework and a sample payload, from the
 * package version or from the job's ContainerConfig. Every missing one is reported.
 */
export function missingMetadata(
  modelPackage: PackageDescription,
  group: ClassicGroupConfig,
): SpecIssue[] {
  const container = group.job.InputConfig?.ContainerConfig;
  const required: [path: string, present: boolean, where: string][] = [
    ["ModelPackage.Domain", !!(modelPackage.Domain || container?.Domain), "Domain"],
    ["ModelPackage.Task", !!(modelPackage.Task || container?.Task), "Task"],
    [
      "ModelPackage.InferenceSpecification.Containers[0].Framework",
      !!(modelPackage.InferenceSpecification?.Containers?.[0]?.Framework || container?.Framework),
      "Framework (on its first container)",
    ],
    [
      "ModelPackage.SamplePayloadUrl",
      !!(modelPackage.SamplePayloadUrl || container?.PayloadConfig?.SamplePayloadUrl),
      "SamplePayloadUrl",
    ],
  ];
  return required
    .filter(([, present]) => !present)
    .map(([path, , field]) => ({
      path,
      rule: "required",
      message: `the model package version has no ${field}, which Inference Recommender needs; set it on the model package version or in the group's ContainerConfig`,
    }));
}
