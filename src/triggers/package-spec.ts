/**
 * The spec a trigger runs for an approved model package version, by the group's kind: a classic
 * group (no `kind`) runs an Inference Recommender job (./classic-package-spec.ts), a group of the
 * kind ai-recommendation an AI recommendation job (./ai-package-spec.ts). This is the one place
 * that chooses by the group's kind; both triggers and the configuration's checks go through it.
 */
import * as z from "zod";
import type { AiSpec } from "../kinds/ai-recommendation/spec.ts";
import { DEFAULT_KIND, JOB_KINDS, type JobKindName } from "../kinds/kind.ts";
import type { JobSpec } from "../spec/schema.ts";
import {
  type AiGroupConfig,
  aiGroupSchema,
  aiPolicyDefaultsSchema,
  buildAiPackageSpec,
} from "./ai-package-spec.ts";
import {
  buildClassicPackageSpec,
  type ClassicGroupConfig,
  classicGroupSchema,
  classicPolicyDefaultsSchema,
} from "./classic-package-spec.ts";
import type { PackageDescription, PackageSpec } from "./group-defaults.ts";

/** One entry of the configuration's "groups": its kind (absent: classic) and its defaults. */
export const groupSchema = z.discriminatedUnion("kind", [classicGroupSchema, aiGroupSchema], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `must be one of ${JOB_KINDS.join(", ")} (absent means ${DEFAULT_KIND})`
      : undefined,
});

export type GroupConfig = z.output<typeof groupSchema>;

/** A spec a trigger builds from a group: of the group's kind. */
export type PackageGroupSpec = JobSpec | AiSpec;

interface GroupKind<Group> {
  /** The group's decision policy, as a schedule target may also write it. */
  policyDefaults: z.ZodType<Record<string, unknown>>;
  /** Where the spec names the package, for a package that cannot be read. */
  packageField: string;
  build(modelPackage: PackageDescription, group: Group, roleArn: string): PackageSpec<unknown>;
}

const GROUP_KINDS: { [Kind in JobKindName]: GroupKind<GroupOf<Kind>> } = {
  "inference-recommendation": {
    policyDefaults: classicPolicyDefaultsSchema,
    packageField: "job.InputConfig.ModelPackageVersionArn",
    build: buildClassicPackageSpec,
  },
  "ai-recommendation": {
    policyDefaults: aiPolicyDefaultsSchema,
    packageField: "job.ModelSource.S3.S3Uri",
    build: buildAiPackageSpec,
  },
};

type GroupOf<Kind extends JobKindName> = Kind extends "ai-recommendation"
  ? AiGroupConfig
  : ClassicGroupConfig;

/** The kind of job the group's approvals run. */
export function groupKind(group: Pick<GroupConfig, "kind">): JobKindName {
  return group.kind ?? DEFAULT_KIND;
}

/** The policy schema of a kind's groups and targets. */
export function policyDefaultsSchemaOf(kind: JobKindName): z.ZodType<Record<string, unknown>> {
  return GROUP_KINDS[kind].policyDefaults;
}

/** The spec field that names the model package version, or its artifacts, in the group's spec. */
export function packageFieldOf(group: GroupConfig): string {
  return GROUP_KINDS[groupKind(group)].packageField;
}

/** The group's spec for the package version, and what the package lacks for it. */
export function buildPackageSpec(
  modelPackage: PackageDescription,
  group: ClassicGroupConfig,
  roleArn: string,
): PackageSpec<JobSpec>;
export function buildPackageSpec(
  modelPackage: PackageDescription,
  group: AiGroupConfig,
  roleArn: string,
): PackageSpec<AiSpec>;
export function buildPackageSpec(
  modelPackage: PackageDescription,
  group: GroupConfig,
  roleArn: string,
): PackageSpec<PackageGroupSpec>;
export function buildPackageSpec(
  modelPackage: PackageDescription,
  group: GroupConfig,
  roleArn: string,
): PackageSpec<PackageGroupSpec> {
  const kind = GROUP_KINDS[groupKind(group)] as GroupKind<GroupConfig>;
  return kind.build(modelPackage, group, roleArn) as PackageSpec<PackageGroupSpec>;
}
