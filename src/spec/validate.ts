import type * as z from "zod";
import { issueRule } from "../decision/issues.ts";
import { jobNameFor, specFingerprint } from "../naming.ts";
import { crossFieldRules, RULES, type RuleId, type SpecIssue } from "./rules.ts";
import { type JobSpec, jobSpecSchema } from "./schema.ts";

export type SpecValidation =
  | {
      valid: true;
      /** The spec as parsed, with JobName filled in. */
      spec: JobSpec;
      jobName: string;
      /** sha256 of the normalized spec, without JobName and run key. */
      specHash: string;
      warnings: SpecIssue[];
    }
  | { valid: false; errors: SpecIssue[]; warnings: SpecIssue[] };

/**
 * Checks a spec against every documented rule at once. Never throws: any JSON value gives a
 * structured result.
 */
export function validateSpec(input: unknown): SpecValidation {
  // The input in each issue tells a missing value (`required`) from a wrong one.
  const parsed = jobSpecSchema.safeParse(input, { reportInput: true });
  const findings = crossFieldRules(input);
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap(toSpecIssues)),
    ...findings.errors,
  ];
  const warnings = sortIssues(findings.warnings);
  if (errors.length > 0 || !parsed.success) {
    return { valid: false, errors: sortIssues(firstPerPath(errors)), warnings };
  }
  const jobName = jobNameFor(parsed.data);
  const spec = { ...parsed.data, job: { JobName: jobName, ...parsed.data.job } };
  return { valid: true, spec, jobName, specHash: specFingerprint(parsed.data), warnings };
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(spec)" : out;
}

function toSpecIssues(issue: z.core.$ZodIssue): SpecIssue[] {
  const rule = ruleOf(issue);
  const { message } = issue;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), rule, message }));
  }
  return [{ path: formatPath(issue.path), rule, message }];
}

/** The rule an issue breaks: named by a custom check's params, otherwise implied by its code. */
function ruleOf(issue: z.core.$ZodIssue): RuleId {
  // The decision policy names its own rules, the same in a spec as in `irflow decide --policy`.
  if (issue.path[0] === "irflow" && issue.path[1] === "policy") {
    const rule = issueRule(issue);
    return Object.hasOwn(RULES, rule) ? (rule as RuleId) : "type";
  }
  switch (issue.code) {
    case "custom":
      return ruleParam(issue.params) ?? "type";
    case "invalid_type":
      return issue.input === undefined ? "required" : "type";
    case "invalid_value":
      return issue.input === undefined ? "required" : "enum";
    case "too_small":
    case "too_big":
      return issue.origin === "string" ? "length" : issue.origin === "array" ? "items" : "range";
    case "not_multiple_of":
      return "step";
    case "invalid_format":
      return "pattern";
    case "unrecognized_keys":
      return "unknown-field";
    default:
      return "type";
  }
}

function ruleParam(params: Record<string, unknown> | undefined): RuleId | undefined {
  const rule = params?.rule;
  return typeof rule === "string" && Object.hasOwn(RULES, rule) ? (rule as RuleId) : undefined;
}

/** One error per field: the first rule a value breaks is the one worth fixing first. */
function firstPerPath(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (seen.has(issue.path)) return false;
    seen.add(issue.path);
    return true;
  });
}

function sortIssues(issues: SpecIssue[]): SpecIssue[] {
  return [...issues].sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));
}
