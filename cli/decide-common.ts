/** What every kind's `decide` shares: its options, and its answer to input that does not read. */
import type { DecisionIssue } from "../src/decision/index.ts";
import { issueLines } from "./format.ts";
import { type CliIo, EXIT } from "./io.ts";

export interface DecideOptions {
  policy?: string | undefined;
  prices?: string | undefined;
  json: boolean;
}

/** Every problem of the policy, the response or the prices; with --json, also as data. */
export function refuseDecideInput(issues: DecisionIssue[], json: boolean, io: CliIo): number {
  if (json) io.stdout(`${JSON.stringify({ valid: false, errors: issues }, null, 2)}\n`);
  const count = issues.length;
  io.stderr(`invalid input (${count} error${count === 1 ? "" : "s"})\n${issueLines(issues)}`);
  return EXIT.invalid;
}
