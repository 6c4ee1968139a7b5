import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { jobExecutionName, withRunKey } from "../src/execution/names.ts";
import { executionArnFor, startExecutionOnce } from "../src/execution/start.ts";
import { kindOfSpec } from "../src/kinds/index.ts";
import { validateAnySpec } from "../src/kinds/validate.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { configuredBudget, judgeBudget, overBudgetWarning } from "./budget.ts";
import { CliError, type CliIo, EXIT, explainInterrupt, readJsonInput } from "./io.ts";
import { presenterFor } from "./kinds/index.ts";
import { followExecution } from "./progress.ts";
import { openTarget, TARGET_HELP, TARGET_OPTIONS, type Target, targetName } from "./target.ts";
import { formatIssues } from "./validate.ts";

export const startUsage = `Usage: irflow start <spec.json | -> [--target local|aws] [--run-key KEY] [--over-budget] [--wait] [--json]

Validates the spec, then starts the irflow state machine with it. The execution is named after
the spec's job name, so starting the same spec twice starts nothing new; set a run key to run it
again. While that execution runs, Step Functions answers a second start exactly as the first, so
both report it as running.

  --run-key KEY              a name for this run (sets irflow.runKey, which changes the job name;
                             refused for a spec that sets job.JobName, whose name it cannot change)
  --over-budget              start it even if its cost estimate would take the month's tuning
                             spend over the budget (tuningBudget in config/triggers.json, or the
                             file IRFLOW_TRIGGER_CONFIG names); without it such a start is refused
  --wait                     follow the execution step by step until it ends
  --json                     print one JSON object (with --wait, progress goes to stderr)
${TARGET_HELP}

Exit status: 0 running, or already started with the same input (with --wait: SUCCEEDED),
1 invalid spec, over the tuning budget without --over-budget, execution failed or already
started with another input, 2 unreadable input,
64 usage error, 69 no local stack running, 130 interrupted while waiting (the execution goes on).`;

/** Who started it, for the trigger's detail. */
export function userName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? "unknown";
  }
}

export interface StartOptions {
  /** A spec file path (relative to io.cwd) or `-` for standard input. */
  source: string;
  runKey?: string | undefined;
  wait: boolean;
  json: boolean;
  /** Start it even when its estimate would take the month's spend over the tuning budget. */
  overBudget?: boolean | undefined;
  /** The clock that says which month's spend counts; the system's by default. */
  now?: () => Date;
  /** Time between history polls while waiting. */
  intervalMs?: number;
  /** What Ctrl-C while waiting says; by default, that the execution goes on and how to reach it. */
  interruptMessage?: (execution: { jobName: string; executionArn: string }) => string;
}

/** Ctrl-C ends only the waiting: the execution runs on in Step Functions. */
export const goesOnMessage = ({
  jobName,
  executionArn,
}: {
  jobName: string;
  executionArn: string;
}) =>
  `interrupted: the execution goes on without this command (${executionArn}); follow it with \`irflow status ${jobName}\`, stop it and its job with \`irflow stop ${jobName}\``;

export interface StartReport {
  exitCode: number;
  jobName?: string;
  executionArn?: string;
  /** The execution's final description, after --wait. */
  execution?: DescribeExecutionCommandOutput;
  record?: JobRecord;
}

/**
 * The start code path shared by `irflow start` and `irflow demo`: validate locally, connect (only
 * for a valid spec), start or find the execution, and with `wait` follow it to its end.
 */
export async function startSpec(
  options: StartOptions,
  io: CliIo,
  connect: () => Promise<Target>,
): Promise<StartReport> {
  const label = options.source === "-" ? "standard input" : options.source;
  const input = await readJsonInput(options.source, io);
  const explicitName = explicitJobName(input);
  if (options.runKey !== undefined && explicitName !== undefined) {
    throw new CliError(
      `--run-key ${options.runKey} cannot change the job name: ${label} sets job.JobName (${explicitName}), which is the job's name whatever the run key; remove job.JobName or set another one instead of --run-key`,
      EXIT.usage,
    );
  }
  const spec = withRunKey(input, options.runKey);
  const again =
    explicitName === undefined
      ? "use --run-key to run it again"
      : "set another job.JobName to run it again";
  const result = validateAnySpec(spec);
  if (!result.valid) {
    const count = result.errors.length;
    if (options.json) {
      io.stdout(
        `${JSON.stringify({ outcome: "invalid", valid: false, errors: result.errors, warnings: result.warnings }, null, 2)}\n`,
      );
    } else {
      io.stderr(`invalid: ${label} (${count} error${count === 1 ? "" : "s"}); nothing started\n`);
      io.stderr(formatIssues("error", result.errors));
      io.stderr(formatIssues("warning", result.warnings));
    }
    return { exitCode: EXIT.invalid };
  }
  if (!options.json) io.stderr(formatIssues("warning", result.warnings));

  const target = await connect();
  const stateMachineArn = target.stateMachineArn();
  const jobName = result.jobName;
  const name = jobExecutionName(jobName);
  const kind = kindOfSpec(result.spec);
  const verdict = await judgeBudget(
    {
      spec: result.spec as JobRecord["spec"],
      modelKey: kind.model(result.spec).key,
      kind: kind.name,
      jobType: kind.jobType(result.spec),
      executionArn: executionArnFor(stateMachineArn, name),
    },
    target,
    await configuredBudget(io),
    (options.now ?? (() => new Date()))(),
  );
  if (verdict.kind === "over") {
    const warning = overBudgetWarning(verdict);
    if (!options.overBudget) {
      if (options.json) {
        io.stdout(
          `${JSON.stringify({ outcome: "over-budget", jobName, month: verdict.month, spendDollars: verdict.spend, estimateDollars: verdict.estimate, budgetDollars: verdict.budget.dollars }, null, 2)}\n`,
        );
      } else {
        io.stderr(`${warning}; nothing started (pass --over-budget to start it anyway)\n`);
      }
      return { exitCode: EXIT.invalid, jobName };
    }
    io.stderr(`warning: ${warning}; starting it as --over-budget asks\n`);
  } else if (verdict.kind === "unchecked" && !options.json) {
    io.stderr(
      "(pass --table or set TABLE_NAME to check the tuning budget here; the workflow checks it)\n",
    );
  }
  const budget =
    verdict.kind === "none"
      ? {}
      : {
          budget: {
            ...verdict.budget,
            ...(verdict.kind === "over" ? { override: true } : {}),
          },
        };
  const start = await startExecutionOnce(target.sfn, {
    stateMachineArn,
    name,
    input: {
      spec,
      trigger: { type: "manual", detail: userName(io.env ?? process.env) },
      ...budget,
    },
  });
  const { executionArn } = start;
  const progress = (line: string) =>
    options.json ? io.stderr(`${line}\n`) : io.stdout(`  ${line}\n`);
  const summary = {
    outcome: start.outcome,
    jobName,
    specHash: result.specHash,
    executionArn,
    ...(start.outcome === "accepted" ? {} : { status: start.status }),
  };

  if (start.outcome === "conflict") {
    if (options.json) {
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      io.stderr(
        `already started as ${executionArn} (${start.status}) with a different input; ${again}\n`,
      );
    }
    return { exitCode: EXIT.invalid, jobName, executionArn };
  }
  if (!options.json) {
    io.stdout(
      start.outcome === "accepted"
        ? `running ${name} on ${target.name} (started now, or already running with this input)\n  execution ${executionArn}\n`
        : `already started as ${executionArn} (${start.status}); ${again}\n`,
    );
  }
  if (!options.wait) {
    if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return { exitCode: EXIT.ok, jobName, executionArn };
  }

  const interruptMessage = options.interruptMessage ?? goesOnMessage;
  const execution = await explainInterrupt(
    io,
    () => interruptMessage({ jobName, executionArn }),
    () =>
      followExecution({
        sfn: target.sfn,
        executionArn,
        onLine: progress,
        intervalMs: options.intervalMs ?? (target.name === "local" ? 200 : 5000),
      }),
  );
  const record = await readRecord(target, jobName, options.json ? undefined : io);
  // A job the budget refused ends its execution in success, yet it ran nothing: exit 1 for it.
  const refused = record?.outcome === "over-budget";
  const succeeded = execution.status === "SUCCEEDED" && !refused;
  const presenter = record && presenterFor(record);
  const selected = record && presenter?.selected(record);
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        {
          ...summary,
          status: execution.status,
          ...(execution.error ? { error: execution.error } : {}),
          ...(execution.cause ? { cause: execution.cause } : {}),
          ...(record?.outcome ? { outcome: record.outcome } : {}),
          ...(record?.kind ? { kind: record.kind } : {}),
          ...(selected !== undefined ? { selected } : {}),
          ...(record?.failure ? { failure: record.failure } : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else if (succeeded) {
    if (record && presenter) io.stdout(`${presenter.summaryLines(record).join("\n")}\n`);
  } else if (refused) {
    io.stderr(`over budget: ${record?.failure?.reason ?? "no job was created"}\n`);
  } else {
    io.stderr(
      `execution ${execution.status}: ${execution.error ?? "no error"}: ${execution.cause ?? "no cause"}\n`,
    );
    if (record?.failure) io.stderr(`failure: ${record.failure.reason}\n`);
  }
  return {
    exitCode: succeeded ? EXIT.ok : EXIT.invalid,
    jobName,
    executionArn,
    execution,
    ...(record ? { record } : {}),
  };
}

/**
 * The spec's own job name (job.JobName, or job.AIRecommendationJobName for the kind
 * ai-recommendation), when it sets one: a run key cannot rename such a job.
 */
function explicitJobName(spec: unknown): string | undefined {
  const job =
    typeof spec === "object" && spec !== null ? (spec as { job?: unknown }).job : undefined;
  const named =
    typeof job === "object" && job !== null
      ? (job as { JobName?: unknown; AIRecommendationJobName?: unknown })
      : {};
  const name = named.JobName ?? named.AIRecommendationJobName;
  return typeof name === "string" ? name : undefined;
}

/** The job record, if the target names its table; a note instead of failing otherwise. */
async function readRecord(
  target: Target,
  jobName: string,
  io: CliIo | undefined,
): Promise<JobRecord | undefined> {
  let store: ReturnType<Target["store"]>;
  try {
    store = target.store();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io?.stdout("(pass --table or set TABLE_NAME to see the job record's result here)\n");
    return undefined;
  }
  return store.get(jobName);
}

export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      "run-key": { type: "string" },
      "over-budget": { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${startUsage}\n`);
    return EXIT.ok;
  }
  const [source, ...extra] = positionals;
  if (!source || extra.length > 0) {
    io.stderr(`${startUsage}\n`);
    return EXIT.usage;
  }
  targetName(values.target);
  let target: Target | undefined;
  try {
    const report = await startSpec(
      {
        source,
        runKey: values["run-key"],
        wait: values.wait,
        json: values.json,
        overBudget: values["over-budget"],
      },
      io,
      async () => {
        target = await openTarget(values, io);
        return target;
      },
    );
    return report.exitCode;
  } finally {
    target?.destroy();
  }
}
