/**
 * The decision in one sentence, for a terminal, a notification or the top of a report:
 * "ml.c6g.xlarge x 3, $447/month, 13 ms <= 20 ms at 12,000 requests/min with 20% headroom".
 */
import type { Comparison } from "./compare.ts";
import {
  entryLabel,
  formatAgainst,
  formatCount,
  formatDollars,
  formatMs,
  formatPercent,
} from "./format.ts";
import type { Decision } from "./select.ts";

export function decisionSentence(decision: Decision): string {
  switch (decision.outcome) {
    case "selected":
      return selectedSentence(decision);
    case "unsatisfiable": {
      const count = decision.totals.entries;
      const head =
        count === 0
          ? "No entry to choose from: the job made no recommendations"
          : `No entry meets the policy (${formatCount(count)} rejected${atLoad(decision)})`;
      const relaxation = decision.relaxations[0];
      return relaxation ? `${head}; ${relaxation.sentence}` : head;
    }
    case "measured": {
      const endpoints = decision.measured.map((endpoint) => {
        const name = endpoint.endpointName ?? "the endpoint";
        const throughput =
          endpoint.maxInvocations === undefined
            ? "throughput unknown"
            : `${formatCount(endpoint.maxInvocations)} requests/min`;
        const latency =
          endpoint.latencyMs === undefined
            ? "latency unknown"
            : withinBound(endpoint.latencyMs, decision);
        return `${name} sustains ${throughput} at ${latency}`;
      });
      return `Measured: ${endpoints.join("; ")}`;
    }
    case "failed":
      return `The job ended ${decision.job.status}${
        decision.job.failureReason ? `: ${decision.job.failureReason}` : ""
      }`;
  }
}

function selectedSentence(decision: Decision): string {
  const selected = decision.selected;
  if (!selected) return "No entry selected";
  const cost =
    selected.monthlyCost === undefined
      ? "monthly cost unknown"
      : `${formatDollars(selected.monthlyCost)}/month`;
  const latency =
    selected.latencyMs === undefined
      ? "latency unknown"
      : withinBound(selected.latencyMs, decision);
  return `${entryLabel(selected)}, ${cost}, ${latency}${atLoad(decision)}`;
}

/** "9.6 ms <= 10 ms": the latency and the bound, written so that they differ when they do. */
function withinBound(latencyMs: number, decision: Decision): string {
  const limit = decision.policy.maxLatencyMs;
  if (limit === undefined) return formatMs(latencyMs);
  const [latency, bound] = formatAgainst(latencyMs, limit, "ms");
  return `${latency} <= ${bound}`;
}

function atLoad(decision: Decision): string {
  const load = decision.policy.requestsPerMinute;
  return load === undefined
    ? ""
    : ` at ${formatCount(load)} requests/min with ${formatPercent(decision.policy.headroom)} headroom`;
}

/**
 * The comparison in one sentence: "Production (ml.c5.2xlarge x 4) costs $1,191/month at 31 ms;
 * the proposal costs $447/month, saving $744/month (62%): worth acting on".
 */
export function comparisonSentence(comparison: Comparison): string {
  const current = comparison.current;
  const label = current.instanceType
    ? `${current.instanceType} x ${formatCount(current.instanceCount ?? 1)}`
    : (current.endpointName ?? "unknown configuration");
  const currentCost =
    current.monthlyCost === undefined
      ? "costs an unknown amount"
      : `costs ${formatDollars(current.monthlyCost)}/month`;
  const currentLatency =
    current.latencyMs === undefined ? "" : ` at ${formatMs(current.latencyMs)}`;
  const head = `Production (${label}) ${currentCost}${currentLatency}`;
  const proposed = comparison.proposed;
  if (!proposed) return `${head}; no proposal meets the policy`;
  // With a traffic profile the proposal is priced as it autoscales, and the sentence says so.
  const proposedCost =
    proposed.monthlyCost === undefined
      ? "an unknown amount"
      : `${formatDollars(proposed.monthlyCost)}/month${proposed.autoscaling ? " autoscaled" : ""}`;
  const saving =
    comparison.saving === undefined
      ? "saving unknown"
      : comparison.saving.monthly >= 0
        ? `saving ${formatDollars(comparison.saving.monthly)}/month (${formatPercent(comparison.saving.percent / 100)})`
        : `costing ${formatDollars(-comparison.saving.monthly)}/month more`;
  const verdict = comparison.worthActing ? "worth acting on" : "not worth acting on";
  return `${head}; the proposal costs ${proposedCost}, ${saving}: ${verdict}`;
}
