/** The kind inference-recommendation in the CLI: a classic job's decision, report and status. */
import { DescribeInferenceRecommendationsJobCommand } from "@aws-sdk/client-sagemaker";
import { autoscalingLines } from "../../src/decision/autoscaling.ts";
import { entryLabel } from "../../src/decision/format.ts";
import { decideClassicCommand } from "../decide-classic.ts";
import {
  awsScalingLines,
  comparisonLines,
  decisionSummary,
  decisionTable,
  omittedNote,
  proposalOf,
} from "../format.ts";
import { reportClassicJob, reportClassicResponse } from "../report-classic.ts";
import type { KindPresenter } from "./presenter.ts";

export const inferenceRecommendationPresenter: KindPresenter = {
  sampleSpec: "events/specs/default-slo-policy.json",
  responseName: "DescribeInferenceRecommendationsJob",
  specFacts: () => [],
  readsResponse: (response) =>
    typeof response === "object" &&
    response !== null &&
    typeof (response as { JobName?: unknown }).JobName === "string",
  decide: decideClassicCommand,
  reportResponse: reportClassicResponse,
  report: reportClassicJob,
  async currentStatus(record, sagemaker) {
    const job = await sagemaker.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: record.jobName }),
    );
    return { status: job.Status, at: job.LastModifiedTime ?? job.CompletionTime };
  },
  decisionLines(record) {
    const lines: string[] = [];
    const { decision } = record;
    if (decision) {
      lines.push(...decisionSummary(decision));
      if (decision.totals.entries > 0) {
        lines.push("entries", ...decisionTable(decision, "  "), ...omittedNote(decision));
      }
      for (const relaxation of decision.relaxations) lines.push(`  ${relaxation.sentence}`);
      const proposal = proposalOf(decision);
      if (proposal) {
        lines.push("autoscaling", ...autoscalingLines(proposal).map((line) => `  ${line}`));
      }
    }
    if (record.comparison) lines.push("production", ...comparisonLines(record.comparison));
    if (record.awsScaling) lines.push("aws scaling", ...awsScalingLines(record.awsScaling));
    return lines;
  },
  statusExtras(record) {
    const proposal = record.decision && proposalOf(record.decision);
    return proposal ? { autoscaling: proposal } : {};
  },
  selectedText: (record) => record.decision?.selected && entryLabel(record.decision.selected),
  selected: (record) => record.decision?.selected,
  summaryLines: (record) =>
    record.decision ? decisionSummary(record.decision, record.comparison) : [],
  demoText(record) {
    const { decision, comparison } = record;
    const parts: string[] = [];
    if (decision && decision.totals.entries > 0) {
      const table = [...decisionTable(decision, "  "), ...omittedNote(decision)];
      parts.push(`every entry, best first (* selected)\n${table.join("\n")}\n`);
    }
    if (comparison) {
      parts.push(`\nagainst production\n${comparisonLines(comparison).join("\n")}\n`);
    }
    return parts.join("");
  },
};
