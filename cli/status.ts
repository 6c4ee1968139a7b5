import { parseArgs } from "node:util";
import { ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { DEFAULT_KIND } from "../src/kinds/kind.ts";
import { line } from "../src/queue/queue.ts";
import { inertLine } from "../src/text/inert.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { costTable, costTotals, parseMonth } from "./costs.ts";
import { diagnosisLines, table, timeRows } from "./format.ts";
import { CliError, type CliIo, EXIT } from "./io.ts";
import { presenterFor } from "./kinds/index.ts";
import { describeExecution, resolveSubject } from "./subject.ts";
import { openTarget, TARGET_HELP, TARGET_OPTIONS, type Target, targetName } from "./target.ts";

export const statusUsage = `Usage: irflow status <job | execution> [--target local|aws] [--table NAME] [--json]

Prints a job's record: its status and status history, polls, times, outcome, and the decision
(the selected configuration, every entry with its standing, with a traffic profile the
autoscaling proposal and its Application Auto Scaling calls, the comparison with production) or
the reason it failed, with its diagnosis. The job is named by its job name, its execution's name
(as 'irflow list' shows it) or its execution's ARN. A job the record shows STOPPING is checked
with SageMaker, which says when the stop is done.

  --json                     print the record as JSON (with a traffic profile, autoscaling
                             beside it: the proposal and its calls)
${TARGET_HELP}

The table is --table, else (local) the local stack's table, else env TABLE_NAME.
Exit status: 0 found, 1 no such job, 64 usage error, 69 no local stack running.`;

export const listUsage = `Usage: irflow list [--model KEY | --queue] [--limit N] [--target local|aws] [--json]
       irflow list --costs [--model KEY] [--month YYYY-MM] [--target local|aws] [--json]

Without --model: the state machine's recent executions, newest first.
With --model: that model's jobs from the job records, newest first. A model's key is
model-package/<group> (a spec naming a model package version) or model/<name>.
With --queue: the executions holding one of the account's job slots, then those waiting for one,
in the order they are served.
With --costs: what the jobs themselves cost (each record's own estimate, tuningCost), summed per
model and per calendar month (UTC) of the job's end, with a total; jobs that ended without an
estimate are counted apart.

  --model KEY                list this model's jobs
  --queue                    list who holds a job slot and who waits
  --costs                    sum the jobs' own costs per model and month (every record is read)
  --month YYYY-MM            with --costs: only the jobs that ended that month
  --limit N                  at most N rows (1 to 1000, default 20)
  --json                     print the rows as JSON
${TARGET_HELP}

Exit status: 0 listed, 64 usage error, 69 no local stack running.`;

export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${statusUsage}\n`);
    return EXIT.ok;
  }
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) {
    io.stderr(`${statusUsage}\n`);
    return EXIT.usage;
  }
  targetName(values.target);
  const target = await openTarget(values, io);
  try {
    const subject = await resolveSubject(name, target);
    if (!subject) {
      io.stderr(
        `irflow status: no job or execution named ${name}${target.tableName ? ` in table ${target.tableName}` : ""} (${target.name})\n`,
      );
      return EXIT.invalid;
    }
    if (!subject.record) {
      const execution = subject.executionArn
        ? await describeExecution(target, subject.executionArn)
        : undefined;
      io.stdout(
        `execution ${subject.executionArn} is ${execution?.status ?? "unknown"}; it has written no record for job ${subject.jobName} yet\n`,
      );
      return EXIT.ok;
    }
    const record = await reconcileStopping(subject.record, target);
    io.stdout(
      values.json ? `${JSON.stringify(statusJson(record), null, 2)}\n` : formatRecord(record),
    );
    return EXIT.ok;
  } finally {
    target.destroy();
  }
}

/**
 * A record left at STOPPING (the workflow asked SageMaker to stop the job and moved on) shows the
 * status SageMaker gives now, once that differs; the record itself is the workflow's, not changed.
 */
export async function reconcileStopping(record: JobRecord, target: Target): Promise<JobRecord> {
  if (record.status !== "STOPPING" || !record.jobArn) return record;
  const job = await presenterFor(record).currentStatus(record, target.sagemaker());
  if (!job.status || job.status === record.status) return record;
  const at = job.at?.toISOString();
  return {
    ...record,
    status: job.status,
    statusHistory: at
      ? [...record.statusHistory, { status: job.status, at }]
      : record.statusHistory,
  };
}

/**
 * The record as --json prints it: the record itself, and with a traffic profile the selected
 * entry's autoscaling proposal with its Application Auto Scaling calls.
 */
export function statusJson(record: JobRecord): JobRecord & Record<string, unknown> {
  return { ...record, ...presenterFor(record).statusExtras(record) };
}

/** A job record for a person: the facts first, then the history, then the result. */
export function formatRecord(record: JobRecord): string {
  const model = record.model;
  const modelText =
    model.kind === "model-package" && model.packageVersion !== undefined
      ? `${model.key} (version ${model.packageVersion})`
      : model.key;
  const rows: [string, string | undefined][] = [
    ["job", record.jobName],
    ["status", record.status],
    ["outcome", record.outcome ?? "(running)"],
    ["model", modelText],
    ["job type", record.jobType],
    // A classic record's kind goes without saying, as it did before there were kinds.
    ["kind", record.kind && record.kind !== DEFAULT_KIND ? record.kind : undefined],
    [
      "trigger",
      `${record.trigger.type}${record.trigger.detail ? ` (${record.trigger.detail})` : ""}`,
    ],
    ["execution", record.executionArn],
    ["job arn", record.jobArn],
    ...timeRows(record),
    ["completed", record.completedAt],
    [
      "published",
      record.publishedAt
        ? `${record.publishedAt}${record.eventId ? ` (event ${record.eventId})` : ""}`
        : undefined,
    ],
  ];
  const lines = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(11)}${value}`);
  lines.push("history");
  for (const change of record.statusHistory) lines.push(`  ${change.at}  ${change.status}`);
  lines.push(...presenterFor(record).decisionLines(record));
  if (record.failure) {
    lines.push(
      `failure    ${inertLine(record.failure.reason)}${record.failure.step ? ` (step ${record.failure.step})` : ""}`,
    );
    for (const issue of record.failure.errors ?? []) {
      lines.push(`  error ${inertLine(issue.path)} [${issue.rule}]: ${inertLine(issue.message)}`);
    }
  }
  if (record.diagnosis) {
    lines.push("diagnosis");
    lines.push(...diagnosisLines(record.diagnosis));
  }
  return `${lines.map(inertLine).join("\n")}\n`;
}

export async function listCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      model: { type: "string" },
      queue: { type: "boolean", default: false },
      costs: { type: "boolean", default: false },
      month: { type: "string" },
      limit: { type: "string", default: "20" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${listUsage}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    io.stderr(`${listUsage}\n`);
    return EXIT.usage;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError(
      `--limit must be an integer from 1 to 1000, got '${values.limit}'`,
      EXIT.usage,
    );
  }
  if (values.month !== undefined && !values.costs) {
    throw new CliError("--month goes with --costs", EXIT.usage);
  }
  if (values.costs && values.queue) {
    throw new CliError("--costs and --queue do not go together", EXIT.usage);
  }
  let month: string | undefined;
  try {
    month = values.month === undefined ? undefined : parseMonth(values.month);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage);
  }
  targetName(values.target);
  const target = await openTarget(values, io);
  try {
    if (values.costs) return await listCosts(target, values.model, month, values.json, io);
    if (values.queue) return await listQueue(target, limit, values.json, io);
    return values.model !== undefined
      ? await listModelJobs(target, values.model, limit, values.json, io)
      : await listExecutions(target, limit, values.json, io);
  } finally {
    target.destroy();
  }
}

async function listCosts(
  target: Target,
  modelKey: string | undefined,
  month: string | undefined,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const { records, unreadable } = await target.store().listAll();
  for (const { jobName, problem } of unreadable) {
    io.stderr(`irflow: skipped record ${jobName}, which this version cannot read: ${problem}\n`);
  }
  const totals = costTotals(records, { modelKey, month });
  io.stdout(json ? `${JSON.stringify(totals, null, 2)}\n` : costTable(totals));
  return EXIT.ok;
}

async function listQueue(target: Target, limit: number, json: boolean, io: CliIo): Promise<number> {
  const state = await target.queue().read();
  const holders = Object.values(state.holders).sort((a, b) =>
    a.admittedAt.localeCompare(b.admittedAt),
  );
  const waiters = line(state).map(([, waiter]) => waiter);
  if (json) {
    io.stdout(`${JSON.stringify({ holders, waiters: waiters.slice(0, limit) }, null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = [
    ...holders.map((holder) => [
      "holds",
      holder.jobName,
      holder.since,
      `expected to end ${holder.expectedEnd}`,
    ]),
    ...waiters
      .slice(0, limit)
      .map((waiter, index) => [
        `waits #${index + 1}`,
        waiter.jobName,
        waiter.since,
        waiter.notBefore ? `returned; tries again after ${waiter.notBefore}` : "-",
      ]),
  ];
  io.stdout(
    `${holders.length} holding, ${waiters.length} waiting\n${rows.length > 0 ? `${table(["PLACE", "JOB", "QUEUED", "NOTE"], rows).join("\n")}\n` : ""}`,
  );
  return EXIT.ok;
}

async function listModelJobs(
  target: Target,
  modelKey: string,
  limit: number,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const { records, unreadable } = await target.store().listByModel(modelKey, limit);
  for (const { jobName, problem } of unreadable) {
    io.stderr(`irflow: skipped record ${jobName}, which this version cannot read: ${problem}\n`);
  }
  if (json) {
    io.stdout(`${JSON.stringify(records, null, 2)}\n`);
    return EXIT.ok;
  }
  if (records.length === 0) {
    const hint = modelKey.includes("/")
      ? ""
      : " (a model's key is model-package/<group> or model/<name>)";
    io.stdout(`no jobs for ${modelKey}${hint}\n`);
    return EXIT.ok;
  }
  // The KIND column appears once a model has a job of another kind than the classic one.
  const kinds = records.some((record) => (record.kind ?? DEFAULT_KIND) !== DEFAULT_KIND);
  const rows = records.map((record) => [
    record.createdAt,
    record.jobName,
    ...(kinds ? [record.kind ?? DEFAULT_KIND] : []),
    record.status,
    record.outcome ?? "-",
    presenterFor(record).selectedText(record) ?? "-",
  ]);
  const header = ["CREATED", "JOB", ...(kinds ? ["KIND"] : []), "STATUS", "OUTCOME", "SELECTED"];
  io.stdout(`${table(header, rows).join("\n")}\n`);
  return EXIT.ok;
}

async function listExecutions(
  target: Target,
  limit: number,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const stateMachineArn = target.stateMachineArn();
  const { executions = [] } = await target.sfn.send(
    new ListExecutionsCommand({ stateMachineArn, maxResults: limit }),
  );
  if (json) {
    io.stdout(`${JSON.stringify(executions, null, 2)}\n`);
    return EXIT.ok;
  }
  if (executions.length === 0) {
    io.stdout(`no executions of ${stateMachineArn}\n`);
    return EXIT.ok;
  }
  const rows = executions.map((execution) => [
    execution.startDate?.toISOString() ?? "-",
    execution.name ?? "-",
    execution.status ?? "-",
    execution.stopDate?.toISOString() ?? "-",
  ]);
  io.stdout(`${table(["STARTED", "EXECUTION", "STATUS", "STOPPED"], rows).join("\n")}\n`);
  return EXIT.ok;
}
