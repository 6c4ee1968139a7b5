/**
 * `irflow report`: a job's decision for a person. In the terminal, the sentence, every entry with
 * its standing and the comparison; with --html, one self-contained page with a chart of monthly
 * cost against latency. A job is read by name (its record and SageMaker's results, on the local
 * stack or AWS), or from a saved Describe response. The job's kind presents it (cli/kinds/).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readDescribeInput } from "./describe-input.ts";
import { CliError, type CliIo, EXIT, readJsonInput } from "./io.ts";
import { presenterFor, presenterOfResponse } from "./kinds/index.ts";
import type { ReportOptions } from "./report-common.ts";
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
  const options: ReportOptions = {
    json: values.json,
    html: values.html,
    override:
      values.policy === undefined
        ? undefined
        : { file: values.policy, input: await readJsonInput(values.policy, io) },
  };
  const fromFile =
    subject === "-" || subject.endsWith(".json") || existsSync(resolve(io.cwd, subject));
  return fromFile ? reportResponse(subject, options, io) : reportJob(subject, options, values, io);
}

async function reportResponse(source: string, options: ReportOptions, io: CliIo): Promise<number> {
  const response = await readDescribeInput(source, io);
  const presenter = presenterOfResponse(response);
  if (!presenter.reportResponse) {
    throw new CliError(
      `${source} is a saved ${presenter.responseName} response: irflow decide decides on it; irflow report reads such a job by its name`,
    );
  }
  return presenter.reportResponse(
    response,
    source === "-" ? "standard input" : source,
    options,
    io,
  );
}

async function reportJob(
  name: string,
  options: ReportOptions,
  settings: Parameters<typeof openTarget>[0],
  io: CliIo,
): Promise<number> {
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
      return EXIT.invalid;
    }
    if (!record.jobArn) {
      throw new CliError(
        `job ${record.jobName} never ran (${record.outcome ?? record.status}): ${record.failure?.reason ?? "no reason recorded"}`,
      );
    }
    return await presenterFor(record).report(
      record,
      {
        ...options,
        source: `job ${record.jobName} (${target.name})`,
        sagemaker: () => target.sagemaker(),
      },
      io,
    );
  } finally {
    target.destroy();
  }
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
