import { parseArgs } from "node:util";
import {
  autoscalingLines,
  type Comparison,
  compareWithProduction,
  type Decision,
  type DecisionIssue,
  decide,
  decisionSentence,
  type NormalizedJob,
  type Policy,
  parseDescribeResponse,
  parsePolicy,
  readDescribeJson,
} from "../src/decision/index.ts";
import { isAiRecommendationJob } from "../src/kinds/ai-recommendation/decide.ts";
import { inertLine } from "../src/text/inert.ts";
import { decideLlmCommand } from "./decide-llm.ts";
import { comparisonLines, decisionTable, issueLines, proposalOf, rooted } from "./format.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";

export const decideUsage = `Usage: irflow decide <describe.json | -> [--policy policy.json] [--prices prices.json] [--json]

Decides on a saved DescribeInferenceRecommendationsJob response (as the AWS CLI prints it, or as
the SDK returns it): which configuration to deploy under the policy, on how many instances, at
what monthly cost, and why not the others. No AWS call is made. A DescribeAIRecommendationJob
response (an LLM job, recognized by its shape) is decided under an LLM policy: token latencies at
one statistic, a load in requests or output tokens per second, prices per instance-hour
(docs/decision.md, "LLM jobs").

  --policy FILE   the decision policy (the spec's irflow.policy); default: every default
  --prices FILE   LLM jobs only: prices per instance-hour read from the AWS Price List, as
                  {"ml.g5.12xlarge": 7.09}; recorded as price-list, and policy.prices win
  --json          print one JSON object: the decision (outcome, selected, ranked, rejected,
                  frontier, relaxations, totals, ...), its sentence and the comparison; with a
                  traffic profile, autoscaling: the proposal and its Application Auto Scaling calls

Exit status: 0 a decision (selected, unsatisfiable, measured or failed), 1 an invalid policy or
response (every problem named), 2 unreadable input.`;

/** A decision with what it was made from, as decide and report print it. */
export interface Decided {
  job: NormalizedJob;
  policy: Policy;
  decision: Decision;
  comparison?: Comparison | undefined;
}

/**
 * Reads a saved Describe response: a file or standard input, JSON with NaN written bare as the
 * AWS CLI may print it. Throws UnreadableInputError for a missing file or text that is not JSON.
 */
export async function readDescribeInput(source: string, io: CliIo): Promise<unknown> {
  return readJsonInput(source, io, readDescribeJson);
}

/** The policy file's policy, or its issues; no file is every default. */
export async function readPolicy(
  source: string | undefined,
  io: CliIo,
): Promise<{ policy?: Policy; issues: DecisionIssue[] }> {
  const parsed = parsePolicy(source === undefined ? undefined : await readJsonInput(source, io));
  return parsed.ok ? { policy: parsed.value, issues: [] } : { issues: parsed.issues };
}

export function decisionJson(decided: Decided): Record<string, unknown> {
  const proposal = proposalOf(decided.decision);
  return {
    ...decided.decision,
    sentence: decisionSentence(decided.decision),
    ...(decided.comparison ? { comparison: decided.comparison } : {}),
    // With a traffic profile: the proposal, and what to pass to Application Auto Scaling for it
    // (autoscalingCalls is autoscaling.calls, where scripts have read it from the first).
    ...(proposal ? { autoscaling: proposal, autoscalingCalls: proposal.calls } : {}),
  };
}

/** The sentence, the table of every entry, and the comparison, for a terminal. */
export function decisionText(decided: Decided): string {
  const { decision, comparison } = decided;
  const lines = [decisionSentence(decision), ""];
  if (decision.totals.entries > 0) lines.push(...decisionTable(decision), "");
  for (const relaxation of decision.relaxations) lines.push(`relax: ${relaxation.sentence}`);
  for (const note of decision.notes) lines.push(`note: ${note}`);
  const proposal = proposalOf(decision);
  if (proposal) lines.push("autoscaling", ...autoscalingLines(proposal).map((line) => `  ${line}`));
  if (comparison) lines.push("production", ...comparisonLines(comparison));
  lines.push(`latency unit: ${decision.latencyUnit.reason}`);
  // Each line is one line: a newline inside a reason or a note is shown escaped.
  return `${lines
    .map(inertLine)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

export async function decideCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      policy: { type: "string" },
      prices: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${decideUsage}\n`);
    return EXIT.ok;
  }
  const [source, ...extra] = positionals;
  if (!source || extra.length > 0) {
    io.stderr(`${decideUsage}\n`);
    return EXIT.usage;
  }
  const response = await readDescribeInput(source, io);
  // A DescribeAIRecommendationJob answer is an LLM job: its own decision and policy.
  if (isAiRecommendationJob(response)) {
    return decideLlmCommand(response, values.policy, values.json, io, values.prices);
  }
  if (values.prices !== undefined) {
    io.stderr("--prices applies to an LLM job's response (DescribeAIRecommendationJob) only\n");
    return EXIT.usage;
  }
  const { policy, issues: policyIssues } = await readPolicy(values.policy, io);
  const job = parseDescribeResponse(response);
  const issues = [
    ...rooted(policyIssues, "(policy)"),
    ...rooted(job.ok ? [] : job.issues, "(response)"),
  ];
  if (issues.length > 0 || !job.ok || !policy) {
    if (values.json) io.stdout(`${JSON.stringify({ valid: false, errors: issues }, null, 2)}\n`);
    const count = issues.length;
    io.stderr(`invalid input (${count} error${count === 1 ? "" : "s"})\n${issueLines(issues)}`);
    return EXIT.invalid;
  }
  const decided = decideOn(job.value, policy);
  io.stdout(
    values.json ? `${JSON.stringify(decisionJson(decided), null, 2)}\n` : decisionText(decided),
  );
  return EXIT.ok;
}

/**
 * The decision and the comparison with production. Offline, production is what the policy says
 * (current.instanceType), or the endpoint as `deployment` gives it.
 */
export function decideOn(
  job: NormalizedJob,
  policy: Policy,
  deployment?: Parameters<typeof compareWithProduction>[2],
): Decided {
  const decision = decide(job, policy);
  return { job, policy, decision, comparison: compareWithProduction(decision, job, deployment) };
}
