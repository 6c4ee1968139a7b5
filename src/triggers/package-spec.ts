/**
 * The spec a trigger runs for an approved model package version: the group's job defaults, the
 * configured role and the package version, plus a check that the package carries what Inference
 * Recommender needs to benchmark it. Both triggers build their specs here, from a group of the
 * trigger configuration as declared below.
 */
import * as z from "zod";
import { issueRule, policySchema } from "../decision/index.ts";
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

/**
 * A JSON object kept as it came, every key included: a record schema copies keys into a plain
 * object, where a key named `__proto__` is lost instead of checked.
 */
export function jsonObjectSchema() {
  return z.custom<Record<string, unknown>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    { error: "must be an object" },
  );
}

/**
 * A decision policy as written in the configuration (docs/decision.md): checked against the
 * policy's schema, and kept as written, so that a more specific one (a schedule target's, a
 * spec's own) overrides only the fields it sets, not the defaults it leaves out.
 */
export const policyDefaultsSchema = jsonObjectSchema()
  .superRefine((value, context) => {
    const parsed = policySchema.safeParse(value);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      // One issue per unknown key, at the key, so the message names it.
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          context.addIssue({
            code: "custom",
            path: [...issue.path, key],
            message: issue.message,
            params: { rule: "unknown-field" },
          });
        }
        continue;
      }
      context.addIssue({
        code: "custom",
        path: issue.path,
        message: issue.message,
        params: { rule: issueRule(issue) },
      });
    }
  })
  .describe("A decision policy (irflow.policy): the defaults of the jobs it applies to.");

export type PolicyDefaults = z.output<typeof policyDefaultsSchema>;

/** The more specific policy's fields over the general one's (a whole `current` replaced). */
export function mergePolicies(
  general: PolicyDefaults | undefined,
  specific: PolicyDefaults | undefined,
): PolicyDefaults | undefined {
  if (!general && !specific) return undefined;
  return { ...general, ...specific };
}

/** One entry of the configuration's "groups": its job defaults and irflow settings. */
export const groupSchema = z.strictObject({
  job: jobDefaultsSchema.default({}),
  irflow: z
    .strictObject({
      deadlineSeconds: irflowSettingsSchema.shape.deadlineSeconds,
      policy: policyDefaultsSchema.optional(),
    })
    .optional(),
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
