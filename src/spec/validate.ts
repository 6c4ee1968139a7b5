import type { z } from "zod";
import { jobNameFor, specFingerprint } from "../naming.ts";
import { crossFieldRules, type SpecIssue } from "./rules.ts";
import { type JobSpec, jobSpecSchema, RULE_SEPARATOR } from "./schema.ts";

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
  const parsed = jobSpecSchema.safeParse(input);
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
  const [rule, message] = splitRule(issue.message);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), rule, message }));
  }
  return [{ path: formatPath(issue.path), rule, message }];
}

function splitRule(message: string): [string, string] {
  const at = message.indexOf(RULE_SEPARATOR);
  if (at < 0) return ["type", message];
  return [message.slice(0, at), message.slice(at + RULE_SEPARATOR.length)];
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
