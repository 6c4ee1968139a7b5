/**
 * A classic job's report: its decision decided again in full from SageMaker's results (the record
 * keeps a shortened copy) or from a saved response, in the terminal, as JSON and as a page.
 */
import { DescribeInferenceRecommendationsJobCommand } from "@aws-sdk/client-sagemaker";
import {
  type CurrentDeployment,
  DEFAULT_POLICY,
  type Diagnosis,
  diagnoseFailure,
  type Policy,
  parseDescribeResponse,
  parsePolicy,
} from "../src/decision/index.ts";
import { inferenceRecommendationKind } from "../src/kinds/inference-recommendation/definition.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { type Decided, decideOn, decisionJson, decisionText } from "./decide-classic.ts";
import { awsScalingFor, awsScalingLines, diagnosisLines, issueLines, rooted } from "./format.ts";
import { type CliIo, EXIT } from "./io.ts";
import {
  type JobReportRequest,
  overrideLine,
  type PolicyOverride,
  type ReportOptions,
  writeReportPage,
} from "./report-common.ts";
import { reportHtml } from "./report-html.ts";

interface ClassicReport {
  decided: Decided;
  source: string;
  record?: JobRecord | undefined;
  /** Why a saved response's job failed, read from the response alone (no benchmark steps). */
  diagnosis?: Diagnosis | undefined;
}

/** A saved DescribeInferenceRecommendationsJob response, decided under --policy or every default. */
export async function reportClassicResponse(
  response: unknown,
  source: string,
  options: ReportOptions,
  io: CliIo,
): Promise<number> {
  const policy = options.override ? classicPolicy(options.override, io) : undefined;
  if (options.override && !policy) return EXIT.invalid;
  const job = parseDescribeResponse(response);
  if (!job.ok) {
    io.stderr(`invalid response ${source}\n${issueLines(rooted(job.issues, "(response)"))}`);
    return EXIT.invalid;
  }
  const decided = decideOn(job.value, policy ?? DEFAULT_POLICY);
  const { jobName, status, failureReason } = decided.decision.job;
  const report: ClassicReport = {
    decided,
    source,
    ...(decided.decision.outcome === "failed"
      ? {
          diagnosis: diagnoseFailure({
            jobName,
            status,
            failureReason,
            // arn:aws:sagemaker:<region>:<account>:inference-recommendations-job/<name>
            region: job.value.jobArn?.split(":")[3] || undefined,
          }),
        }
      : {}),
  };
  return printClassicReport(report, options, io);
}

/**
 * A classic job by name: its record gives the policy and production as the workflow read it;
 * SageMaker gives the results, decided again here in full.
 */
export async function reportClassicJob(
  record: JobRecord,
  request: JobReportRequest,
  io: CliIo,
): Promise<number> {
  const policy = request.override ? classicPolicy(request.override, io) : undefined;
  if (request.override && !policy) return EXIT.invalid;
  const response = await request
    .sagemaker()
    .send(new DescribeInferenceRecommendationsJobCommand({ JobName: record.jobName }));
  const job = parseDescribeResponse(response);
  if (!job.ok) {
    io.stderr(`SageMaker's results for ${record.jobName} do not read\n${issueLines(job.issues)}`);
    return EXIT.invalid;
  }
  const decided = decideOn(
    job.value,
    policy ??
      (inferenceRecommendationKind.owns(record.spec) ? record.spec.irflow?.policy : undefined) ??
      DEFAULT_POLICY,
    productionOf(record),
  );
  return printClassicReport({ decided, source: request.source, record }, request, io);
}

async function printClassicReport(
  report: ClassicReport,
  options: ReportOptions,
  io: CliIo,
): Promise<number> {
  const { override } = options;
  const overridden = override && report.record ? report.record : undefined;
  // Under the job's own policy the workflow's outcome stands: SageMaker's results call a job
  // stopped at its deadline failed, the record calls it timed-out.
  const recordedOutcome = overridden ? undefined : report.record?.outcome;
  // AWS's recommendation was asked for the entry the workflow selected; a --policy that selects
  // another leaves it out.
  const awsScaling = awsScalingFor(report.record?.awsScaling, report.decided.decision.selected);
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        {
          ...decisionJson(report.decided),
          ...(recordedOutcome ? { outcome: recordedOutcome } : {}),
          ...(awsScaling ? { awsScaling } : {}),
          ...(report.record?.diagnosis ? { diagnosis: report.record.diagnosis } : {}),
          ...(overridden
            ? {
                policyOverride: {
                  file: override?.file,
                  recordedOutcome: overridden.outcome ?? null,
                },
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    if (overridden) io.stdout(overrideLine(override?.file ?? "", overridden));
    io.stdout(decisionText(report.decided));
    if (awsScaling) io.stdout(`aws scaling\n${awsScalingLines(awsScaling).join("\n")}\n`);
    if (report.record?.diagnosis) {
      io.stdout(`diagnosis\n${diagnosisLines(report.record.diagnosis).join("\n")}\n`);
    }
  }
  if (options.html) {
    const page = await reportHtml({
      decision: report.decided.decision,
      comparison: report.decided.comparison,
      source: report.source,
      generatedAt: new Date(),
      diagnosis: report.record?.diagnosis ?? report.diagnosis,
      outcome: recordedOutcome,
      awsScaling,
    });
    await writeReportPage({ ...options, html: options.html }, page, io);
  }
  return EXIT.ok;
}

/** The override as a classic policy; its issues printed, and undefined, when it is not one. */
function classicPolicy(override: PolicyOverride, io: CliIo): Policy | undefined {
  const parsed = parsePolicy(override.input);
  if (parsed.ok) return parsed.value;
  io.stderr(`invalid policy ${override.file}\n${issueLines(rooted(parsed.issues, "(policy)"))}`);
  return undefined;
}

/** The live endpoint as the workflow read it when it decided. */
function productionOf(record: JobRecord): CurrentDeployment | undefined {
  const current = record.comparison?.current;
  if (current?.source !== "endpoint" || !current.instanceType || !current.instanceCount) {
    return undefined;
  }
  return {
    instanceType: current.instanceType,
    instanceCount: current.instanceCount,
    ...(current.endpointName ? { endpointName: current.endpointName } : {}),
  };
}
