/**
 * The spec a trigger runs for an approved model package version: the group's job defaults, the
 * configured role and the package version, plus a check that the package carries what Inference
 * Recommender needs to benchmark it. Both triggers build their specs here, from a group of the
 * trigger configuration as declared below.
 */
import { z } from "zod";
import type { SpecIssue } from "../spec/rules.ts";
import { irflowSettingsSchema, type JobSpec, jobRequestSchema } from "../spec/schema.ts";

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

/** One entry of the configuration's "groups": its job defaults and irflow settings. */
export const groupSchema = z.strictObject({
  job: jobDefaultsSchema.default({}),
  irflow: irflowSettingsSchema.pick({ deadlineSeconds: true }).optional(),
});

export type GroupConfig = z.output<typeof groupSchema>;

/** The parts of DescribeModelPackage's answer the spec and the check use. */
export interface PackageDescription {
  ModelPackageArn?: string;
  Domain?: string;
  Task?: string;
  SamplePayloadUrl?: string;
  InferenceSpecification?: { Containers?: { Framework?: string }[] };
}

export interface PackageSpec {
  spec: JobSpec;
  /** What the package lacks and the group's ContainerConfig does not supply; empty when none. */
  issues: SpecIssue[];
}

export function buildPackageSpec(
  modelPackage: PackageDescription,
  group: GroupConfig,
  roleArn: string,
): PackageSpec {
  const { JobType, InputConfig, ...defaults } = group.job;
  const spec: JobSpec = {
    specVersion: 1,
    job: {
      ...defaults,
      JobType: JobType ?? "Default",
      RoleArn: roleArn,
      InputConfig: { ...InputConfig, ModelPackageVersionArn: modelPackage.ModelPackageArn ?? "" },
    },
    ...(group.irflow && Object.keys(group.irflow).length > 0
      ? { irflow: { ...group.irflow } }
      : {}),
  };
  return { spec, issues: missingMetadata(modelPackage, group) };
}

/**
 * Inference Recommender needs the model's domain, task, framework and a sample payload, from the
 * package version or from the job's ContainerConfig. Every missing one is reported.
 */
export function missingMetadata(modelPackage: PackageDescription, group: GroupConfig): SpecIssue[] {
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
