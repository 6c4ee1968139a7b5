/**
 * An LLM job's report as data: the decision its record holds (or, for a job that did not
 * complete, the failed decision on it), and what `report --json` prints and its page carries.
 */
import type { LlmDecision } from "../src/kinds/ai-recommendation/decide.ts";
import { llmDeployment } from "../src/kinds/ai-recommendation/deployment.ts";
import { type LlmPolicy, objectiveOf } from "../src/kinds/ai-recommendation/policy.ts";
import { llmDecisionSentence } from "../src/kinds/ai-recommendation/sentence.ts";
import type { JobRecord } from "../src/workflow/record.ts";

/**
 * An LLM decision as `report --json` prints it and its page carries it: the decision, the
 * workflow's outcome (the decision's own when it was decided again under another policy), its
 * sentence, and the deployment as the outcome event has it.
 */
export function llmReportJson(
  report: Pick<LlmReport, "llm" | "record">,
  { overridden = false }: { overridden?: boolean } = {},
) {
  const { llm, record } = report;
  return {
    ...llm,
    outcome: (overridden ? undefined : record.outcome) ?? llm.outcome,
    sentence: llmDecisionSentence(llm),
    ...(llm.selected
      ? { deployment: llmDeployment(llm.selected, llm.latencyStat, record.model) }
      : {}),
    ...(record.diagnosis ? { diagnosis: record.diagnosis } : {}),
  };
}
export type LlmReportJson = ReturnType<typeof llmReportJson>;

export interface LlmReport {
  llm: LlmDecision;
  policy: LlmPolicy;
  source: string;
  record: JobRecord;
}

/**
 * The record's LLM decision; a job that did not complete has none, and gets the decision on a job
 * that ended so: failed, with SageMaker's status and reason as the record has them.
 */
export function llmDecisionOf(record: JobRecord, policy: LlmPolicy): LlmDecision {
  if (record.llmDecision) return record.llmDecision;
  const reason = record.diagnosis?.failureReason ?? record.failure?.reason;
  return {
    kind: "ai-recommendation",
    outcome: "failed",
    job: {
      jobName: record.jobName,
      status: record.status,
      ...(reason ? { failureReason: reason } : {}),
    },
    objective: objectiveOf(policy),
    latencyStat: policy.latencyStat,
    ranked: [],
    rejected: [],
    relaxations: [],
    notes: [`the job ended ${record.status}, so there is nothing to decide on`],
  };
}
