/**
 * An LLM job's report: the decision its record holds (or, for a job that did not complete, the
 * failed decision on it; under --policy, SageMaker's results decided again), in the terminal, as
 * JSON with the deployment its event carries, and as a page.
 */
import { DescribeAIRecommendationJobCommand } from "@aws-sdk/client-sagemaker";
import { toDecisionIssues } from "../src/decision/issues.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
  type ListedPrice,
  type ListedPrices,
} from "../src/kinds/ai-recommendation/decide.ts";
import { aiRecommendationKind } from "../src/kinds/ai-recommendation/definition.ts";
import { type LlmPolicy, llmPolicySchema } from "../src/kinds/ai-recommendation/policy.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { llmDecisionText } from "./decide-llm.ts";
import { diagnosisLines, issueLines, rooted } from "./format.ts";
import { type CliIo, EXIT } from "./io.ts";
import {
  type JobReportRequest,
  overrideLine,
  type PolicyOverride,
  writeReportPage,
} from "./report-common.ts";
import { llmReportHtml } from "./report-html-llm.ts";
import { type LlmReport, llmDecisionOf, llmReportJson } from "./report-llm-json.ts";

/** An LLM job by name: as the workflow decided it, or decided again under --policy. */
export async function reportLlmJob(
  record: JobRecord,
  request: JobReportRequest,
  io: CliIo,
): Promise<number> {
  const report = await llmReportOf(record, request, io);
  return report ? printLlmReport(report, request, io) : EXIT.invalid;
}

async function llmReportOf(
  record: JobRecord,
  request: JobReportRequest,
  io: CliIo,
): Promise<LlmReport | undefined> {
  const { override, source } = request;
  if (!override) {
    const policy = llmPolicySchema.parse(
      (aiRecommendationKind.owns(record.spec) ? record.spec.irflow?.policy : undefined) ?? {},
    );
    return { llm: llmDecisionOf(record, policy), policy, source, record };
  }
  const policy = llmPolicy(override, io);
  if (!policy) return undefined;
  const response = await request
    .sagemaker()
    .send(new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: record.jobName }));
  const job = aiRecommendationJobSchema.safeParse(response, { reportInput: true });
  if (!job.success) {
    const issues = toDecisionIssues(job.error);
    io.stderr(`SageMaker's results for ${record.jobName} do not read\n${issueLines(issues)}`);
    return undefined;
  }
  return {
    llm: decideAiRecommendation(job.data, policy, recordedListPrices(record)),
    policy,
    source,
    record,
  };
}

async function printLlmReport(
  report: LlmReport,
  request: JobReportRequest,
  io: CliIo,
): Promise<number> {
  const policyFile = request.override?.file;
  const json = {
    ...llmReportJson(report, { overridden: policyFile !== undefined }),
    ...(policyFile !== undefined
      ? { policyOverride: { file: policyFile, recordedOutcome: report.record.outcome ?? null } }
      : {}),
  };
  if (request.json) {
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    if (policyFile !== undefined) io.stdout(overrideLine(policyFile, report.record));
    io.stdout(llmDecisionText(report.llm));
    if (report.record.diagnosis) {
      io.stdout(`diagnosis\n${diagnosisLines(report.record.diagnosis).join("\n")}\n`);
    }
  }
  if (request.html) {
    const page = await llmReportHtml({
      kind: "ai-recommendation",
      decision: report.llm,
      policy: report.policy,
      report: json,
      source: report.source,
      generatedAt: new Date(),
      diagnosis: report.record.diagnosis,
    });
    await writeReportPage({ ...request, html: request.html }, page, io);
  }
  return EXIT.ok;
}

/** The override as an LLM policy; its issues printed, and undefined, when it is not one. */
function llmPolicy(override: PolicyOverride, io: CliIo): LlmPolicy | undefined {
  const parsed = llmPolicySchema.safeParse(override.input ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = rooted(toDecisionIssues(parsed.error), "(policy)");
  io.stderr(`invalid policy ${override.file} for an LLM job\n${issueLines(issues)}`);
  return undefined;
}

/** The Price List's prices the workflow decided an LLM job with, to decide it again alike. */
function recordedListPrices(record: JobRecord): ListedPrices {
  const listed: Record<string, ListedPrice> = {};
  for (const price of record.llmDecision?.prices ?? []) {
    if (price.source === "price-list" && price.pricePerHour !== undefined) {
      listed[price.instanceType] = { pricePerHour: price.pricePerHour, source: "price-list" };
    }
  }
  return listed;
}
