/** The kind ai-recommendation in the CLI: an LLM job's decision, report and status. */
import { DescribeAIRecommendationJobCommand } from "@aws-sdk/client-sagemaker";
import { formatCount, formatDollars, formatMs } from "../../src/decision/format.ts";
import {
  isAiRecommendationJob,
  type LlmDecision,
} from "../../src/kinds/ai-recommendation/decide.ts";
import { aiRecommendationKind } from "../../src/kinds/ai-recommendation/definition.ts";
import { workflowStatusOf } from "../../src/kinds/ai-recommendation/operations.ts";
import {
  environmentText,
  llmDecisionSentence,
  llmEntryLabel,
} from "../../src/kinds/ai-recommendation/sentence.ts";
import {
  decideLlmCommand,
  llmComparisonLines,
  llmDecisionTable,
  llmDecisionText,
  llmOmittedNote,
  priceSourceLabel,
} from "../decide-llm.ts";
import { reportLlmJob } from "../report-llm.ts";
import type { KindPresenter } from "./presenter.ts";

export const aiRecommendationPresenter: KindPresenter = {
  sampleSpec: "events/specs/ai/llama-3-8b-chat.json",
  responseName: "DescribeAIRecommendationJob",
  specFacts(spec) {
    const name = aiRecommendationKind.owns(spec) ? spec.workload?.AIWorkloadConfigName : undefined;
    return name ? [{ key: "workloadName", label: "workload config", value: name }] : [];
  },
  readsResponse: isAiRecommendationJob,
  decide: decideLlmCommand,
  report: reportLlmJob,
  async currentStatus(record, sagemaker) {
    const job = await sagemaker.send(
      new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: record.jobName }),
    );
    return {
      status: job.AIRecommendationJobStatus && workflowStatusOf(job.AIRecommendationJobStatus),
      at: job.EndTime,
    };
  },
  decisionLines: (record) => (record.llmDecision ? llmDecisionLines(record.llmDecision) : []),
  statusExtras: () => ({}),
  selectedText(record) {
    const selected = record.llmDecision?.selected;
    if (!selected) return undefined;
    const cost =
      selected.monthlyCost === undefined ? "" : `, ${formatDollars(selected.monthlyCost)}/month`;
    const ttft =
      selected.metrics.ttftMs === undefined
        ? ""
        : `, TTFT ${record.llmDecision?.latencyStat} ${formatMs(selected.metrics.ttftMs)}`;
    return `${llmEntryLabel(selected)}${cost}${ttft}`;
  },
  selected: (record) => record.llmDecision?.selected,
  summaryLines(record) {
    if (!record.llmDecision) return [];
    const { selected } = record.llmDecision;
    const environment = environmentText(selected?.environment);
    return [
      `decision   ${llmDecisionSentence(record.llmDecision)}`,
      ...(selected?.imageUri ? [`image      ${selected.imageUri}`] : []),
      ...(environment !== "" ? [`env        ${environment}`] : []),
      ...(selected && selected.optimizations.length > 0
        ? [`optimized  ${selected.optimizations.join(", ")}`]
        : []),
    ];
  },
  demoText: (record) =>
    record.llmDecision
      ? `every configuration, best first (* selected)\n${llmDecisionText(record.llmDecision)}`
      : "",
};

const figure = (value: number | undefined, format: (value: number) => string) =>
  value === undefined ? undefined : format(value);

/**
 * An LLM decision: the sentence, the configuration to deploy (its fleet, image, environment and
 * optimizations, its expected latencies at the policy's statistic and its throughput), then every
 * configuration with its standing, a rejected one with its rule.
 */
function llmDecisionLines(decision: LlmDecision): string[] {
  const stat = decision.latencyStat;
  const lines = [`decision   ${llmDecisionSentence(decision)}`];
  const selected = decision.selected;
  if (selected) {
    const cost = [
      figure(selected.monthlyCost, (value) => `${formatDollars(value)}/month`),
      figure(selected.costPerMillionTokens, (value) => `$${value}/1M output tokens`),
      figure(
        selected.pricePerHour,
        (value) => `$${value}/h an instance (${priceSourceLabel(selected.priceSource)})`,
      ),
    ].filter((part) => part !== undefined);
    const expected = [
      figure(selected.metrics.ttftMs, (value) => `TTFT ${stat} ${formatMs(value)}`),
      figure(selected.metrics.interTokenLatencyMs, (value) => `ITL ${stat} ${formatMs(value)}`),
      figure(
        selected.metrics.requestLatencyMs,
        (value) => `request latency ${stat} ${formatMs(value)}`,
      ),
    ].filter((part) => part !== undefined);
    const throughput = [
      figure(selected.metrics.requestsPerSecond, (value) => `${formatCount(value)} requests/s`),
      figure(
        selected.metrics.outputTokensPerSecond,
        (value) => `${formatCount(value)} output tokens/s`,
      ),
    ].filter((part) => part !== undefined);
    const environment = environmentText(selected.environment);
    lines.push(
      `selected   ${llmEntryLabel(selected)}${cost.length > 0 ? `: ${cost.join(", ")}` : ""}`,
      `expected   ${expected.length > 0 ? expected.join(", ") : "no latency reported"}`,
      `throughput ${throughput.length > 0 ? throughput.join(", ") : "none reported"} as benchmarked on ${formatCount(selected.benchmarkedCount)} ${selected.benchmarkedCount === 1 ? "instance" : "instances"}`,
      `image      ${selected.imageUri ?? "(none given)"}`,
      `env        ${environment === "" ? "(none)" : environment}`,
      `optimized  ${selected.optimizations.length > 0 ? selected.optimizations.join(", ") : "(none)"}`,
    );
    for (const channel of selected.s3Channels ?? []) {
      lines.push(`s3 channel ${channel.channelName} ${channel.uri}`);
    }
  }
  const table = llmDecisionTable(decision, "  ");
  if (table.length > 0)
    lines.push("entries", ...table, ...llmOmittedNote(decision).map((note) => `  ${note}`));
  for (const relaxation of decision.relaxations) lines.push(`  ${relaxation.sentence}`);
  for (const note of decision.notes) lines.push(`  note: ${note}`);
  if (decision.comparison) lines.push("production", ...llmComparisonLines(decision.comparison));
  return lines;
}
