/**
 * What the groups of every kind share in the trigger configuration: JSON objects kept as written,
 * decision policies as defaults (checked by the kind's policy schema, merged field by field), and
 * the parts of a model package version a spec is built from.
 */
import * as z from "zod";
import { issueRule } from "../decision/index.ts";
import type { SpecIssue } from "../spec/rules.ts";

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
 * A decision policy as written in the configuration: checked against the kind's policy schema,
 * and kept as written, so that a more specific one (a schedule target's, a spec's own) overrides
 * only the fields it sets, not the defaults it leaves out.
 */
export function policyDefaultsSchemaFor(policySchema: z.ZodType) {
  return jsonObjectSchema()
    .superRefine((value, context) => {
      const parsed = policySchema.safeParse(value);
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        // One issue per unknown key, at the key, so the message names it.
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) {
            context.addIssue({
              code: "custom",
              path: [...issue.path, key],
              message: "is not a field of this object",
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
}

export type PolicyDefaults = Record<string, unknown>;

/** The more specific policy's fields over the general one's (a whole `current` replaced). */
export function mergePolicies(
  general: PolicyDefaults | undefined,
  specific: PolicyDefaults | undefined,
): PolicyDefaults | undefined {
  if (!general && !specific) return undefined;
  return { ...general, ...specific };
}

/** The S3 location of a model package container's artifacts, as DescribeModelPackage gives it. */
export interface PackageContainer {
  Framework?: string;
  ModelDataUrl?: string;
  ModelDataSource?: { S3DataSource?: { S3Uri?: string } };
}

/** The parts of DescribeModelPackage's answer the specs and their checks use. */
export interface PackageDescription {
  ModelPackageArn?: string;
  Domain?: string;
  Task?: string;
  SamplePayloadUrl?: string;
  InferenceSpecification?: { Containers?: PackageContainer[] };
}

export interface PackageSpec<Spec> {
  spec: Spec;
  /** What the package lacks for a job of the group's kind; empty when none. */
  issues: SpecIssue[];
}
