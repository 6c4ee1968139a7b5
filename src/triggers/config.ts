/**
 * The trigger configuration (config/triggers.json): the SageMaker execution role, the model
 * package groups whose approvals start a run with each group's kind and job defaults, and the
 * targets of the re-tuning schedule. The handlers bundle the file and validate it at cold start; the trigger
 * cores take the parsed configuration as an argument.
 *
 * Also the triggers' own environment (STATE_MACHINE_ARN), read once and validated the same way.
 */
import * as z from "zod";
import { ConfigError } from "../errors.ts";
import { scheduleExecutionName } from "../execution/names.ts";
import { kindNameOf } from "../kinds/kind.ts";
import { validateAnySpec } from "../kinds/validate.ts";
import { jobRequestSchema } from "../spec/schema.ts";
import { formatPath } from "../spec/validate.ts";
import { jsonObjectSchema, mergePolicies, type PolicyDefaults } from "./group-defaults.ts";
import {
  buildPackageSpec,
  type GroupConfig,
  groupKind,
  groupSchema,
  packageFieldOf,
  policyDefaultsSchemaOf,
} from "./package-spec.ts";

const request = jobRequestSchema.shape;

/** A model package group name, as SageMaker allows it. */
export const PACKAGE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const groupName = z
  .string()
  .regex(PACKAGE_GROUP_NAME, "must be a model package group name (letters, digits, hyphens)");

/** US dollars per UTC calendar month that re-tuning jobs may spend (docs/triggers.md). */
export const tuningBudgetSchema = z
  .number({ error: "must be a number of US dollars per calendar month" })
  .positive({ error: "must be a positive number of US dollars per calendar month" })
  .refine(Number.isFinite, { error: "must be a finite number of US dollars" });

const targetSchema = z
  .strictObject({
    group: groupName.optional(),
    name: z.string().min(1).max(60).optional(),
    spec: jsonObjectSchema().optional(),
    /**
     * The decision policy of this target's runs: over the group's policy for a group target;
     * under the spec's own irflow.policy for a spec target. Checked by the policy schema of the
     * target's kind: the spec's, here; the group's, with the configuration as a whole.
     */
    policy: jsonObjectSchema().optional(),
    /** This target's monthly budget, over the configuration's own for the jobs it starts. */
    tuningBudget: tuningBudgetSchema.optional(),
  })
  .superRefine((target, context) => {
    const byGroup = target.group !== undefined;
    const bySpec = target.name !== undefined || target.spec !== undefined;
    if (byGroup === bySpec) {
      context.addIssue({
        code: "custom",
        message: 'a target is either { "group": <name> } or { "name": <label>, "spec": <spec> }',
      });
    } else if (bySpec && (target.name === undefined || target.spec === undefined)) {
      context.addIssue({ code: "custom", message: "a spec target needs both name and spec" });
    }
    const kind = target.spec ? kindNameOf(target.spec) : undefined;
    // A spec of no known kind is reported by the spec's own check.
    if (kind && target.policy) addPolicyIssues(context, ["policy"], kind, target.policy);
  })
  .transform((target): ScheduleTarget => {
    const policy = {
      ...(target.policy ? { policy: target.policy } : {}),
      ...(target.tuningBudget !== undefined ? { tuningBudget: target.tuningBudget } : {}),
    };
    return target.group !== undefined
      ? { kind: "group", label: target.group, group: target.group, ...policy }
      : { kind: "spec", label: target.name ?? "", spec: target.spec ?? {}, ...policy };
  });

/** The policy's issues by the kind's policy schema, at `path`. */
function addPolicyIssues(
  context: z.RefinementCtx,
  path: PropertyKey[],
  kind: Parameters<typeof policyDefaultsSchemaOf>[0],
  policy: PolicyDefaults,
): boolean {
  const parsed = policyDefaultsSchemaOf(kind).safeParse(policy);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    context.addIssue({
      code: "custom",
      path: [...path, ...issue.path],
      message: issue.message,
      params: (issue as { params?: Record<string, unknown> }).params ?? {},
    });
  }
  return !parsed.success;
}

export type ScheduleTarget = (
  | { kind: "group"; label: string; group: string }
  | { kind: "spec"; label: string; spec: Record<string, unknown> }
) & { policy?: PolicyDefaults; tuningBudget?: number };

/** The group with a schedule target's policy over its own. */
export function groupForTarget(
  group: GroupConfig,
  policy: PolicyDefaults | undefined,
): GroupConfig {
  if (!policy) return group;
  return {
    ...group,
    irflow: { ...group.irflow, policy: mergePolicies(group.irflow?.policy, policy) },
  };
}

/** The spec with a schedule target's policy under the spec's own irflow.policy. */
export function specForTarget(
  spec: Record<string, unknown>,
  policy: PolicyDefaults | undefined,
): Record<string, unknown> {
  if (!policy) return spec;
  const irflow = isRecord(spec.irflow) ? spec.irflow : {};
  const own = isRecord(irflow.policy) ? irflow.policy : undefined;
  return { ...spec, irflow: { ...irflow, policy: mergePolicies(policy, own) } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const SCHEDULE_WINDOWS = ["daily", "weekly"] as const;
export type ScheduleWindow = (typeof SCHEDULE_WINDOWS)[number];

const scheduleSchema = z.strictObject({
  window: z.enum(SCHEDULE_WINDOWS),
  targets: z.array(targetSchema),
});

export const triggerConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    roleArn: request.RoleArn,
    /** US dollars per UTC calendar month for the jobs the triggers start; none: no limit. */
    tuningBudget: tuningBudgetSchema.optional(),
    groups: z.record(groupName, groupSchema),
    schedule: scheduleSchema.default({ window: "weekly", targets: [] }),
  })
  .superRefine((config, context) => {
    // Each group's defaults must make a valid spec, so a bad default fails the cold start rather
    // than every run of the group.
    for (const [name, group] of Object.entries(config.groups)) {
      // A policy that breaks rules is reported by its own field; no spec is built from it.
      const policy = group.irflow?.policy;
      if (policy && !policyDefaultsSchemaOf(groupKind(group)).safeParse(policy).success) continue;
      const { spec } = buildPackageSpec(
        { ModelPackageArn: `arn:aws:sagemaker:us-east-1:000000000000:model-package/${name}/1` },
        group,
        config.roleArn,
      );
      const result = validateAnySpec(spec);
      if (result.valid) continue;
      // A bad roleArn is reported once, by its own field; the package is the approved version's.
      const own = (path: string) => path !== "job.RoleArn" && path !== packageFieldOf(group);
      for (const issue of result.errors.filter((found) => own(found.path))) {
        context.addIssue({
          code: "custom",
          path: ["groups", name, ...issue.path.split(".")],
          message: issue.message,
          params: { rule: issue.rule },
        });
      }
    }
    const labels = new Map<string, number>();
    config.schedule.targets.forEach((target, index) => {
      // Zod refines even when a target has issues of its own; such a target was not transformed.
      if (typeof target?.label !== "string") return;
      const path = ["schedule", "targets", index];
      if (target.kind === "group" && !Object.hasOwn(config.groups, target.group)) {
        context.addIssue({
          code: "custom",
          path: [...path, "group"],
          message: `names no group of "groups"; add ${target.group} there with its job defaults`,
        });
      }
      const group = target.kind === "group" ? config.groups[target.group] : undefined;
      if (
        group &&
        target.policy &&
        !addPolicyIssues(context, [...path, "policy"], groupKind(group), target.policy)
      ) {
        // The target's policy over the group's must still be one policy (maxInstances >= minInstances).
        const { spec } = buildPackageSpecChecked(group, target.policy, config.roleArn);
        const result = validateAnySpec(spec);
        for (const issue of result.valid ? [] : result.errors) {
          if (!issue.path.startsWith("irflow.policy")) continue;
          context.addIssue({
            code: "custom",
            path: [...path, "policy", ...issue.path.split(".").slice(2)],
            message: `${issue.message} (with the group's policy)`,
            params: { rule: issue.rule },
          });
        }
      }
      if (target.kind === "spec") {
        const result = validateAnySpec(specForTarget(target.spec, target.policy));
        for (const issue of result.valid ? [] : result.errors) {
          context.addIssue({
            code: "custom",
            path: [...path, "spec", ...issue.path.split(".")],
            message: issue.message,
            params: { rule: issue.rule },
          });
        }
      }
      // Targets are told apart by their execution names: two that name alike would share runs.
      const name = scheduleExecutionName(target.label, "2000-01-01");
      const other = labels.get(name);
      if (other !== undefined) {
        context.addIssue({
          code: "custom",
          path,
          message: `has the same execution name as schedule.targets[${other}]; give it another label`,
        });
      }
      labels.set(name, index);
    });
  });

export type TriggerConfig = z.output<typeof triggerConfigSchema>;

/** The spec a group target runs for a sample package, built without parsing a bad policy. */
function buildPackageSpecChecked(
  group: GroupConfig,
  policy: PolicyDefaults,
  roleArn: string,
): { spec: unknown } {
  const merged = mergePolicies(group.irflow?.policy, policy);
  const { spec } = buildPackageSpec(
    { ModelPackageArn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/check/1" },
    { ...group, irflow: { ...group.irflow, policy: undefined } } as GroupConfig,
    roleArn,
  );
  return { spec: { ...spec, irflow: { ...spec.irflow, policy: merged } } };
}

/** The configuration, or a ConfigError that lists every problem. */
export function parseTriggerConfig(raw: unknown): TriggerConfig {
  const parsed = triggerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid trigger configuration (config/triggers.json): ${parsed.error.issues.map(describeIssue).join("; ")}`,
    );
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
  return `${formatPath(issue.path)}${keys}: ${issue.message}`;
}

// The triggers' environment --------------------------------------------------------------------

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

export const triggerEnvironmentSchema = z.object({
  STATE_MACHINE_ARN: z
    .string({ error: "STATE_MACHINE_ARN must name the irflow state machine" })
    .regex(STATE_MACHINE_ARN, "STATE_MACHINE_ARN must be a state machine ARN"),
  /**
   * The deploy's SageMaker execution role. When set, it replaces the configuration's roleArn: it is
   * the only role the workflow may pass.
   */
  SAGEMAKER_ROLE_ARN: z.preprocess(
    (value) => (value === "" ? undefined : value),
    request.RoleArn.optional(),
  ),
});

export type TriggerEnvironment = z.output<typeof triggerEnvironmentSchema>;

export function loadTriggerEnvironment(env: NodeJS.ProcessEnv = process.env): TriggerEnvironment {
  const parsed = triggerEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid trigger environment: ${parsed.error.issues.map(describeIssue).join("; ")}`,
    );
  }
  return parsed.data;
}

/** The configuration with the environment's role, when the environment sets one. */
export function withEnvironmentRole(
  config: TriggerConfig,
  environment: TriggerEnvironment,
): TriggerConfig {
  return environment.SAGEMAKER_ROLE_ARN
    ? { ...config, roleArn: environment.SAGEMAKER_ROLE_ARN }
    : config;
}
