/**
 * The model-registry trigger: a model package version approved in a configured group starts one
 * execution for it. EventBridge delivers "SageMaker Model Package State Change" events at least
 * once; the execution name, derived from the package version and the spec, makes a repeat start
 * nothing new: it reports the execution as `accepted` while it runs, `already-started` after.
 */
import {
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
} from "@aws-sdk/client-sagemaker";
import * as z from "zod";
import { classifyAwsError, TransientAwsError } from "../errors.ts";
import { registryExecutionName } from "../execution/names.ts";
import type { SpecIssue } from "../spec/rules.ts";
import {
  buildPackageSpec,
  type GroupConfig,
  type PackageGroupSpec,
  packageFieldOf,
} from "./package-spec.ts";
import { type ExecutionInput, type StartResult, startWorkflow, type TriggerDeps } from "./start.ts";

/** The fields of the registry's event that the trigger reads. */
export const modelPackageStateChangeSchema = z.object({
  "detail-type": z.literal("SageMaker Model Package State Change").optional(),
  resources: z.array(z.string()).optional(),
  detail: z.object({
    ModelPackageGroupName: z.string().min(1),
    ModelPackageArn: z.string().min(1).optional(),
    ModelPackageVersion: z.number().int().optional(),
    ModelApprovalStatus: z.string().optional(),
  }),
});

export type ModelPackageStateChange = z.output<typeof modelPackageStateChangeSchema>;

export type RegistryTriggerResult = (
  | StartResult
  | { outcome: "not-approved" | "group-not-configured"; executionName?: undefined }
) & { packageArn?: string };

export async function onModelPackageStateChange(
  event: ModelPackageStateChange,
  deps: TriggerDeps,
): Promise<RegistryTriggerResult> {
  const { detail } = event;
  const packageArn = detail.ModelPackageArn ?? event.resources?.[0];
  if (detail.ModelApprovalStatus !== "Approved") {
    return { outcome: "not-approved", ...(packageArn ? { packageArn } : {}) };
  }
  const group = groupOf(deps, detail.ModelPackageGroupName);
  if (!group || !packageArn) {
    return { outcome: "group-not-configured", ...(packageArn ? { packageArn } : {}) };
  }
  const built = await specForPackage(packageArn, group, deps);
  if (built.described.ModelApprovalStatus !== "Approved") {
    // Approved, then rejected again before this delivery: the current state wins.
    return { outcome: "not-approved", packageArn };
  }
  const version = built.described.ModelPackageVersion ?? detail.ModelPackageVersion ?? 0;
  const name = registryExecutionName(detail.ModelPackageGroupName, version, built.spec);
  const result = await startWorkflow(
    deps,
    name,
    executionInput(built, { type: "model-registry", detail: packageArn }, deps.config.tuningBudget),
  );
  return { ...result, packageArn };
}

/** The group's configuration, if the group is configured. */
export function groupOf(deps: Pick<TriggerDeps, "config">, name: string): GroupConfig | undefined {
  return Object.hasOwn(deps.config.groups, name) ? deps.config.groups[name] : undefined;
}

export interface BuiltPackageSpec {
  described: DescribeModelPackageCommandOutput;
  /** Of the group's kind: an Inference Recommender spec, or an AI recommendation spec. */
  spec: PackageGroupSpec;
  issues: SpecIssue[];
}

/**
 * Describes the package version and builds its spec: the one way both triggers do it. Reading is
 * all it does to the package: irflow never approves nor changes a model package.
 */
export async function specForPackage(
  packageArn: string,
  group: GroupConfig,
  deps: Pick<TriggerDeps, "sagemaker" | "config">,
): Promise<BuiltPackageSpec> {
  let described: DescribeModelPackageCommandOutput;
  try {
    described = await deps.sagemaker.send(
      new DescribeModelPackageCommand({ ModelPackageName: packageArn }),
    );
  } catch (error) {
    const classified = classifyAwsError(error, `describe model package ${packageArn}`);
    if (classified instanceof TransientAwsError) throw classified;
    // A package that cannot be read still gets an execution, which rejects it and says why.
    const { spec } = buildPackageSpec({ ModelPackageArn: packageArn }, group, deps.config.roleArn);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      // Approved as the event or the listing said: the package itself could not say otherwise.
      described: {
        ModelPackageArn: packageArn,
        ModelApprovalStatus: "Approved",
      } as DescribeModelPackageCommandOutput,
      spec,
      issues: [
        {
          path: packageFieldOf(group),
          rule: "package-unreadable",
          message: `model package ${packageArn} cannot be read (${reason})`,
        },
      ],
    };
  }
  const { spec, issues } = buildPackageSpec(
    { ...described, ModelPackageArn: described.ModelPackageArn ?? packageArn },
    group,
    deps.config.roleArn,
  );
  return { described, spec, issues };
}

/** The execution input of a triggered run, with the monthly tuning budget it must fit in. */
export function executionInput(
  built: Pick<BuiltPackageSpec, "spec" | "issues">,
  trigger: ExecutionInput["trigger"],
  tuningBudget: number | undefined,
): ExecutionInput {
  return {
    spec: built.spec,
    trigger,
    ...(built.issues.length > 0 ? { precheckErrors: built.issues } : {}),
    ...budgetInput(tuningBudget),
  };
}

/** The execution input's budget, when there is one to keep to. */
export function budgetInput(tuningBudget: number | undefined): Pick<ExecutionInput, "budget"> {
  return tuningBudget === undefined ? {} : { budget: { dollars: tuningBudget } };
}
