/**
 * Problems found in a policy or a saved Describe response, each with the field's path, a stable
 * rule name and a sentence. The rule comes from the kind of check that failed (zod's issue code),
 * or, for the cross-field checks, from the `rule` the check attaches to its issue.
 */
import * as z from "zod";

export const decisionIssueSchema = z.object({
  /** Where the problem is, e.g. `current.instanceCount` or `InferenceRecommendations[2].Metrics`. */
  path: z.string(),
  /** A stable name for the broken rule: required, type, range, enum, unknown-field, ... */
  rule: z.string(),
  message: z.string(),
});

export type DecisionIssue = z.output<typeof decisionIssueSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: DecisionIssue[] };

export function formatPath(path: readonly PropertyKey[], root = "(root)"): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? root : out;
}

/** The rule a zod issue breaks, named the same way for policies and responses. */
export function issueRule(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // zod keeps the input only with `reportInput`; the "is required" message says it otherwise.
      return ("input" in issue && issue.input === undefined) || issue.message === "is required"
        ? "required"
        : "type";
    case "too_small":
    case "too_big":
      return issue.origin === "array" ? "items" : "range";
    case "not_multiple_of":
      return "step";
    case "invalid_value":
      return "enum";
    case "invalid_format":
      return issue.format === "regex" ? "pattern" : "format";
    case "unrecognized_keys":
      return "unknown-field";
    case "invalid_union":
      return "type";
    case "custom": {
      const rule = (issue.params as { rule?: unknown } | undefined)?.rule;
      return typeof rule === "string" ? rule : "invalid";
    }
    default:
      return issue.code;
  }
}

/** One issue per problem (one per unknown key), sorted by path, then rule. */
export function toDecisionIssues(error: z.ZodError, root?: string): DecisionIssue[] {
  const issues = error.issues.flatMap((issue): DecisionIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key], root),
        rule: "unknown-field",
        message: "is not a field of this object",
      }));
    }
    return [{ path: formatPath(issue.path, root), rule: issueRule(issue), message: issue.message }];
  });
  return issues.sort((a, b) => compareText(a.path, b.path) || compareText(a.rule, b.rule) || 0);
}

/** Code-unit order: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a value is, for a message: "a string", "null", "an array". */
export function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (input instanceof Date) return "a date";
  const type = typeof input;
  return type === "object" ? "an object" : `a ${type}`;
}

/** A zod error callback for a value of the wrong type: "is required" or "must be X; got Y". */
export function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? "is required"
      : `must be ${expected}; got ${describeInput(issue.input)}`;
}
