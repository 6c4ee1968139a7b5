/**
 * The spec a group of the kind ai-recommendation runs for an approved model package version: a
 * CreateAIRecommendationJob request of the group's job defaults, the configured role and the
 * package version's model artifacts in S3, the group's workload (an inline CreateAIWorkloadConfig
 * request, or an existing config named by job.AIWorkloadConfigIdentifier) and its irflow settings.
 * A package version without S3 artifacts is reported, for the workflow to reject.
 * ./package-spec.ts chooses this module for a group of that kind.
 */
import * as z from "zod";
import { llmPolicySchema } from "../kinds/ai-recommendation/policy.ts";
import {
  AI_RECOMMENDATION_KIND,
  type AiSpec,
  aiJobRequestSchema,
  aiSpecSchema,
  aiWorkloadRequestSchema,
} from "../kinds/ai-recommendation/spec.ts";
import type { SpecIssue } from "../spec/rules.ts";
import {
  type PackageDescription,
  type PackageSpec,
  policyDefaultsSchemaFor,
} from "./group-defaults.ts";

/**
 * A group's CreateAIRecommendationJob defaults: the request without AIRecommendationJobName
 * (derived), RoleArn (the configuration's roleArn) and ModelSource (the approved version's
 * artifacts). OutputConfig.S3OutputLocation, PerformanceTarget, InferenceSpecification.Framework,
 * ComputeSpec.InstanceTypes (at most 3) and the rest keep the request's rules.
 */
export const aiJobDefaultsSchema = aiJobRequestSchema.omit({
  AIRecommendationJobName: true,
  ModelSource: true,
  RoleArn: true,
});

/**
 * The group's CreateAIWorkloadConfig request, without AIWorkloadConfigName: each spec derives its
 * own, so that every package version's run creates a workload config of its own name.
 */
export const aiWorkloadDefaultsSchema = aiWorkloadRequestSchema.omit({
  AIWorkloadConfigName: true,
});

/** An LLM decision policy (docs/decision.md, "LLM jobs") as written in the configuration. */
export const aiPolicyDefaultsSchema = policyDefaultsSchemaFor(llmPolicySchema);

const irflowSettings = aiSpecSchema.shape.irflow.unwrap().shape;

/** An entry of the configuration's "groups" of the kind ai-recommendation. */
export const aiGroupSchema = z.strictObject({
  kind: z.literal(AI_RECOMMENDATION_KIND),
  job: aiJobDefaultsSchema,
  workload: aiWorkloadDefaultsSchema.optional(),
  irflow: z
    .strictObject({
      deadlineSeconds: irflowSettings.deadlineSeconds,
      policy: aiPolicyDefaultsSchema.optional(),
    })
    .optional(),
});

export type AiGroupConfig = z.output<typeof aiGroupSchema>;

/** Where a precheck names the missing artifacts, as the classic prechecks name package fields. */
export const MODEL_ARTIFACTS_PATH =
  "ModelPackage.InferenceSpecification.Containers[0].ModelDataUrl";

const S3_LOCATION = /^s3:\/\/[^/]+/;

/**
 * The S3 location of the package version's model artifacts: its first container's
 * ModelDataSource.S3DataSource.S3Uri (uncompressed artifacts, the usual form for an LLM), else
 * its ModelDataUrl (a model.tar.gz); undefined when neither is an S3 URI.
 */
export function modelArtifactsOf(modelPackage: PackageDescription): string | undefined {
  const container = modelPackage.InferenceSpecification?.Containers?.[0];
  return [container?.ModelDataSource?.S3DataSource?.S3Uri, container?.ModelDataUrl].find(
    (uri): uri is string => typeof uri === "string" && S3_LOCATION.test(uri),
  );
}

/** The AI recommendation spec the group runs for the package version. */
export function buildAiPackageSpec(
  modelPackage: PackageDescription,
  group: AiGroupConfig,
  roleArn: string,
): PackageSpec<AiSpec> {
  const artifacts = modelArtifactsOf(modelPackage);
  const { policy, ...settings } = group.irflow ?? {};
  const irflow = {
    ...settings,
    // Checked when the configuration was read; parsed here into the spec's own type.
    ...(policy ? { policy: llmPolicySchema.parse(policy) } : {}),
  };
  const spec: AiSpec = {
    specVersion: 1,
    kind: AI_RECOMMENDATION_KIND,
    job: {
      ...group.job,
      // Without artifacts the spec is rejected; the precheck below says why.
      ModelSource: { S3: { S3Uri: artifacts ?? "" } },
      RoleArn: roleArn,
    },
    ...(group.workload ? { workload: group.workload } : {}),
    ...(Object.keys(irflow).length > 0 ? { irflow } : {}),
  };
  return { spec, issues: artifacts ? [] : [missingArtifacts(modelPackage)] };
}

function missingArtifacts(modelPackage: PackageDescription): SpecIssue {
  const container = modelPackage.InferenceSpecification?.Containers?.[0];
  const found = container?.ModelDataSource?.S3DataSource?.S3Uri ?? container?.ModelDataUrl;
  return {
    path: MODEL_ARTIFACTS_PATH,
    rule: "required",
    message: `the model package version has no model artifacts in S3${found ? ` (its location ${JSON.stringify(found)} is not an s3:// URI)` : ""}, which an AI recommendation job benchmarks; register the version with ModelDataSource.S3DataSource.S3Uri or ModelDataUrl on its first container`,
  };
}
