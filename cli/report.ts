/**
 * `irflow report`: a job's decision for a person. In the terminal, the sentence, every entry with
 * its standing and the comparison; with --html, one self-contained page with a chart of monthly
 * cost against latency. A job is read by name (its record and SageMaker's results, on the local
 * stack or AWS), or from a saved Describe response.
 */
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  DescribeAIRecommendationJobCommand,
  DescribeInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import {
  type CurrentDeployment,
  DEFAULT_POLICY,
  type Diagnosis,
  diagnoseFailure,
  type Policy,
  parseDescribeResponse,
  parsePolicy,
} from "../src/decision/index.ts";
import { toDecisionIssues } from "../src/decision/issues.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
  type ListedPrice,
  type ListedPrices,
} from "../src/kinds/ai-recommendation/decide.ts";
import { aiRecommendationKind } from "../src/kinds/ai-recommendation/definition.ts";
import { type LlmPolicy, llmPolicySchema } from "../src/kinds/ai-recommendation/policy.ts";
import { inferenceRecommendationKind } from "../src/kinds/inference-recommendation/definition.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { type Decided, decideOn, decisionJson, decisionText, readDescribeInput } from "./decide.ts";
import { llmDecisionText } from "./decide-llm.ts";
import { awsScalingFor, awsScalingLines, diagnosisLines, issueLines, rooted } from "./format.ts";
import { CliError, type CliIo, EXIT, readJsonInput } from "./io.ts";
import { reportHtml } from "./report-html.ts";
import { llmReportHtml } from "./report-html-llm.ts";
import { type LlmReport, llmDecisionOf, llmReportJson } from "./report-llm.ts";
import { resolveSubject } from "./subject.ts";
import { openTarget, TARGET_HELP, TARGET_OPTIONS, targetName } from "./target.ts";

export const reportUsage = `Usage: irflow report <job | execution | describe.json | -> [--policy FILE] [--html OUT.html] [--json]
                     [--target local|aws] [--table NAME]

The decision on a job, for a person: the decision in one sentence, a table of every entry (the
selected one marked *, the frontier, each rejected one with its reason) and the comparison with
production. A job (by its job name, its execution's name or its execution's ARN) is read from the
jobs table (its policy, production as it was read) and SageMaker (its results); a file is a saved
DescribeInferenceRecommendationsJob response.

  --policy FILE     decide under this policy instead of the job's own (or every default), and
                    say so: a first line, or policyOverride in --json; an LLM job takes an LLM
                    policy (docs/decision.md, "LLM jobs")
  --html OUT.html   also write one self-contained page: the sentence, a chart of monthly cost
                    against latency (the SLO, the frontier, the selected point, production), the
                    table and the policy; with a traffic profile, a chart of the load and the
                    instances through the day, the saving and the Application Auto Scaling calls
  --json            print the decision as JSON instead of the text (with a traffic profile,
                    autoscaling: the proposal and its calls)
${TARGET_HELP}

Exit status: 0 reported, 1 an invalid policy or response or no such job, 2 unreadable input,
64 usage error, 69 no local stack running.`;

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      policy: { type: "string" },
      html: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${reportUsage}\n`);
    return EXIT.ok;
  }
  const [subject, ...extra] = positionals;
  if (!subject || extra.length > 0) {
    io.stderr(`${reportUsage}\n`);
    return EXIT.usage;
  }
  targetName(values.target);
  if (values.html !== undefined) checkPagePath(values.html, io);
  // Without --policy a job is shown as the workflow decided it, under its recorded policy. With
  // it, the file is read now and parsed by the policy schema of the job's kind, once known.
  const override =
    values.policy === undefined
      ? undefined
      : { file: values.policy, input: await readJsonInput(values.policy, io) };
  const fromFile =
    subject === "-" || subject.endsWith(".json") || existsSync(resolve(io.cwd, subject));
  const report = fromFile
    ? await fromResponse(subject, override, io)
    : await fromJob(subject, override, values, io);
  if (!report) return EXIT.invalid;
  if ("llm" in report) return reportLlm(report, { ...values, policyFile: override?.file }, io);

  const overridden = override && report.record ? report.record : undefined;
  // Under the job's own policy the workflow's outcome stands: SageMaker's results call a job
  // stopped at its deadline failed, the record calls it timed-out.
  const recordedOutcome = overridden ? undefined : report.record?.outcome;
  // AWS's recommendation was asked for the entry the workflow selected; a --policy that selects
  // another leaves it out.
  const awsScaling = awsScalingFor(report.record?.awsScaling, report.decided.decision.selected);
  if (values.json) {
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
                  file: values.policy,
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
    if (overridden) io.stdout(overrideLine(values.policy ?? "", overridden));
    io.stdout(decisionText(report.decided));
    if (awsScaling) io.stdout(`aws scaling\n${awsScalingLines(awsScaling).join("\n")}\n`);
    if (report.record?.diagnosis) {
      io.stdout(`diagnosis\n${diagnosisLines(report.record.diagnosis).join("\n")}\n`);
    }
  }
  if (values.html) {
    const path = resolve(io.cwd, values.html);
    const page = await reportHtml({
      decision: report.decided.decision,
      comparison: report.decided.comparison,
      source: report.source,
      generatedAt: new Date(),
      diagnosis: report.record?.diagnosis ?? report.diagnosis,
      outcome: recordedOutcome,
      awsScaling,
    });
    await writeFile(path, page, "utf8");
    (values.json ? io.stderr : io.stdout)(`report written to ${values.html}\n`);
  }
  return EXIT.ok;
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

/** The first line of a report decided under --policy rather than the job's own policy. */
function overrideLine(file: string, record: JobRecord): string {
  return `under --policy ${file}, not the job's own policy (the workflow decided: ${record.outcome ?? record.status})\n`;
}

/** A --policy file, read but not yet parsed: the job's kind says which policy schema applies. */
interface PolicyOverride {
  file: string;
  input: unknown;
}

/** The override as a classic policy; its issues printed, and undefined, when it is not one. */
function classicPolicy(override: PolicyOverride, io: CliIo): Policy | undefined {
  const parsed = parsePolicy(override.input);
  if (parsed.ok) return parsed.value;
  io.stderr(`invalid policy ${override.file}\n${issueLines(rooted(parsed.issues, "(policy)"))}`);
  return undefined;
}

/** The override as an LLM policy; its issues printed, and undefined, when it is not one. */
function llmPolicy(override: PolicyOverride, io: CliIo): LlmPolicy | undefined {
  const parsed = llmPolicySchema.safeParse(override.input ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = rooted(toDecisionIssues(parsed.error), "(policy)");
  io.stderr(`invalid policy ${override.file} for an LLM job\n${issueLines(issues)}`);
  return undefined;
}

/** Refuses a page path that cannot be written, before any work is done. */
function checkPagePath(html: string, io: CliIo): void {
  const path = resolve(io.cwd, html);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new CliError(
      `--html ${html} is a folder; name the page's file, for example ${join(html, "report.html")}`,
      EXIT.usage,
    );
  }
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new CliError(
      `--html ${html}: the folder ${dirname(html)} does not exist; create it or write the page elsewhere`,
      EXIT.usage,
    );
  }
}

/**
 * An LLM job, as the workflow decided it: its record's decision (no SageMaker call), in the
 * terminal, as JSON with the deployment its event carries, and as a page.
 */
async function reportLlm(
  report: LlmReport,
  values: { json?: boolean; html?: string | undefined; policyFile?: string | undefined },
  io: CliIo,
): Promise<number> {
  const { policyFile } = values;
  const json = {
    ...llmReportJson(report, { overridden: policyFile !== undefined }),
    ...(policyFile !== undefined
      ? { policyOverride: { file: policyFile, recordedOutcome: report.record.outcome ?? null } }
      : {}),
  };
  if (values.json) {
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    if (policyFile !== undefined) io.stdout(overrideLine(policyFile, report.record));
    io.stdout(llmDecisionText(report.llm));
    if (report.record.diagnosis) {
      io.stdout(`diagnosis\n${diagnosisLines(report.record.diagnosis).join("\n")}\n`);
    }
  }
  if (values.html) {
    const path = resolve(io.cwd, values.html);
    const page = await llmReportHtml({
      kind: "ai-recommendation",
      decision: report.llm,
      policy: report.policy,
      report: json,
      source: report.source,
      generatedAt: new Date(),
      diagnosis: report.record.diagnosis,
    });
    await writeFile(path, page, "utf8");
    (values.json ? io.stderr : io.stdout)(`report written to ${values.html}\n`);
  }
  return EXIT.ok;
}

interface Report {
  decided: Decided;
  source: string;
  record?: JobRecord | undefined;
  /** Why a saved response's job failed, read from the response alone (no benchmark steps). */
  diagnosis?: Diagnosis | undefined;
}

async function fromResponse(
  source: string,
  override: PolicyOverride | undefined,
  io: CliIo,
): Promise<Report | undefined> {
  const policy = override ? classicPolicy(override, io) : undefined;
  if (override && !policy) return undefined;
  const job = parseDescribeResponse(await readDescribeInput(source, io));
  if (!job.ok) {
    io.stderr(`invalid response ${source}\n${issueLines(rooted(job.issues, "(response)"))}`);
    return undefined;
  }
  const decided = decideOn(job.value, policy ?? DEFAULT_POLICY);
  const { jobName, status, failureReason } = decided.decision.job;
  return {
    decided,
    source: source === "-" ? "standard input" : source,
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
}

/**
 * A job by name: its record gives the policy and production as the workflow read it; SageMaker
 * gives the results, decided again here in full (the record keeps a shortened copy).
 */
async function fromJob(
  name: string,
  override: PolicyOverride | undefined,
  settings: Parameters<typeof openTarget>[0],
  io: CliIo,
): Promise<Report | LlmReport | undefined> {
  const target = await openTarget(settings, io);
  try {
    const subject = await resolveSubject(name, target);
    const record = subject?.record;
    if (!record) {
      io.stderr(
        subject
          ? `irflow report: execution ${name} has written no record for job ${subject.jobName} yet\n`
          : `irflow report: no job or execution named ${name}${target.tableName ? ` in table ${target.tableName}` : ""} (${target.name})\n`,
      );
      return undefined;
    }
    const { jobName } = record;
    if (!record.jobArn) {
      throw new CliError(
        `job ${jobName} never ran (${record.outcome ?? record.status}): ${record.failure?.reason ?? "no reason recorded"}`,
      );
    }
    const source = `job ${jobName} (${target.name})`;
    if (record.kind === "ai-recommendation") {
      if (!override) {
        const policy = llmPolicySchema.parse(
          (aiRecommendationKind.owns(record.spec) ? record.spec.irflow?.policy : undefined) ?? {},
        );
        return { llm: llmDecisionOf(record, policy), policy, source, record };
      }
      const policy = llmPolicy(override, io);
      if (!policy) return undefined;
      const response = await target
        .sagemaker()
        .send(new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: jobName }));
      const job = aiRecommendationJobSchema.safeParse(response, { reportInput: true });
      if (!job.success) {
        const issues = toDecisionIssues(job.error);
        io.stderr(`SageMaker's results for ${jobName} do not read\n${issueLines(issues)}`);
        return undefined;
      }
      return {
        llm: decideAiRecommendation(job.data, policy, recordedListPrices(record)),
        policy,
        source,
        record,
      };
    }
    const policy = override ? classicPolicy(override, io) : undefined;
    if (override && !policy) return undefined;
    const response = await target
      .sagemaker()
      .send(new DescribeInferenceRecommendationsJobCommand({ JobName: jobName }));
    const job = parseDescribeResponse(response);
    if (!job.ok) {
      io.stderr(`SageMaker's results for ${jobName} do not read\n${issueLines(job.issues)}`);
      return undefined;
    }
    const decided = decideOn(
      job.value,
      policy ??
        (inferenceRecommendationKind.owns(record.spec) ? record.spec.irflow?.policy : undefined) ??
        DEFAULT_POLICY,
      productionOf(record),
    );
    return { decided, source, record };
  } finally {
    target.destroy();
  }
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
