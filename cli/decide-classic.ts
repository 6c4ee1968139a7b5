/**
 * The classic kind's decision in the CLI: a saved DescribeInferenceRecommendationsJob response
 * decided under a policy, as `decide` and `report` print it.
 */
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
} from "../src/decision/index.ts";
import { inertLine } from "../src/text/inert.ts";
import { type DecideOptions, refuseDecideInput } from "./decide-common.ts";
import { comparisonLines, decisionTable, proposalOf, rooted } from "./format.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";

/** `irflow decide` on a classic job's response. */
export async function decideClassicCommand(
  response: unknown,
  options: DecideOptions,
  io: CliIo,
): Promise<number> {
  if (options.prices !== undefined) {
    io.stderr("--prices applies to an LLM job's response (DescribeAIRecommendationJob) only\n");
    return EXIT.usage;
  }
  const { policy, issues: policyIssues } = await readPolicy(options.policy, io);
  const job = parseDescribeResponse(response);
  const issues = [
    ...rooted(policyIssues, "(policy)"),
    ...rooted(job.ok ? [] : job.issues, "(response)"),
  ];
  if (issues.length > 0 || !job.ok || !policy) return refuseDecideInput(issues, options.json, io);
  const decided = decideOn(job.value, policy);
  io.stdout(
    options.json ? `${JSON.stringify(decisionJson(decided), null, 2)}\n` : decisionText(decided),
  );
  return EXIT.ok;
}

/** A decision with what it was made from, as decide and report print it. */
export interface Decided {
  job: NormalizedJob;
  policy: Policy;
  decision: Decision;
  comparison?: Comparison | undefined;
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
