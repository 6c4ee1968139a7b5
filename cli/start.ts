import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { canonicalJson } from "../src/spec/canonical.ts";
import { validateSpec } from "../src/spec/validate.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { recommendationLine } from "./format.ts";
import { CliError, type CliIo, EXIT, readJsonInput } from "./io.ts";
import { followExecution } from "./progress.ts";
import { openTarget, TARGET_HELP, TARGET_OPTIONS, type Target, targetName } from "./target.ts";
import { formatIssues } from "./validate.ts";

export const startUsage = `Usage: irflow start <spec.json | -> [--target local|aws] [--run-key KEY] [--wait] [--json]

Validates the spec, then starts the irflow state machine with it. The execution is named after
the spec's job name, so starting the same spec twice starts nothing new; set a run key to run it
again.

  --run-key KEY              a name for this run (sets irflow.runKey, which changes the job name)
  --wait                     follow the execution step by step until it ends
  --json                     print one JSON object (with --wait, progress goes to stderr)
${TARGET_HELP}

Exit status: 0 started (or already started with the same input; with --wait: SUCCEEDED),
1 invalid spec, execution failed or already started with another input, 2 unreadable input,
64 usage error, 69 no local stack running.`;

const MAX_EXECUTION_NAME = 80;

/** Step Functions execution names: 1 to 80 characters, no whitespace or special characters. */
export function executionNameFor(jobName: string): string {
  const name = jobName.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, MAX_EXECUTION_NAME);
  return name.length > 0 ? name : "irflow-job";
}

/** The spec with `irflow.runKey` set; anything but an object is left for validation to reject. */
export function withRunKey(spec: unknown, runKey: string | undefined): unknown {
  if (runKey === undefined || typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return spec;
  }
  const current = (spec as { irflow?: unknown }).irflow;
  const irflow = typeof current === "object" && current !== null ? current : {};
  return { ...spec, irflow: { ...irflow, runKey } };
}

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
  /** Time between history polls while waiting. */
  intervalMs?: number;
}

export interface StartReport {
  exitCode: number;
  jobName?: string;
  executionArn?: string;
  /** The execution's final description, after --wait. */
  execution?: DescribeExecutionCommandOutput;
  record?: JobRecord;
}

export type ExecutionStart =
  | { started: true; executionArn: string }
  | { started: false; executionArn: string; sameInput: boolean; status: string };

/**
 * Starts the execution unless one of that name exists. StartExecution alone cannot tell: for a
 * running execution with the same input it returns that execution, as if it had started it.
 */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: string,
): Promise<ExecutionStart> {
  const executionArn = executionArnFor(stateMachineArn, name);
  const existing = await describeIfExists(sfn, executionArn);
  if (existing) return alreadyStarted(existing, executionArn, input);
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    return { started: true, executionArn: started.executionArn ?? executionArn };
  } catch (error) {
    if ((error as Error).name !== "ExecutionAlreadyExists") throw error;
    const raced = await describeIfExists(sfn, executionArn);
    if (!raced) throw error;
    return alreadyStarted(raced, executionArn, input);
  }
}

function executionArnFor(stateMachineArn: string, name: string): string {
  const arn = stateMachineArn.replace(":stateMachine:", ":execution:");
  if (arn === stateMachineArn) {
    throw new CliError(`'${stateMachineArn}' is not a state machine ARN`, EXIT.usage);
  }
  return `${arn}:${name}`;
}

async function describeIfExists(
  sfn: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}

function alreadyStarted(
  existing: DescribeExecutionCommandOutput,
  executionArn: string,
  input: string,
): ExecutionStart {
  return {
    started: false,
    executionArn: existing.executionArn ?? executionArn,
    sameInput: existing.input !== undefined && sameJson(existing.input, input),
    status: existing.status ?? "UNKNOWN",
  };
}

function sameJson(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
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
  const spec = withRunKey(await readJsonInput(options.source, io), options.runKey);
  const result = validateSpec(spec);
  if (!result.valid) {
    const count = result.errors.length;
    if (options.json) {
      io.stdout(
        `${JSON.stringify({ started: false, valid: false, errors: result.errors, warnings: result.warnings }, null, 2)}\n`,
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
  const name = executionNameFor(jobName);
  const input = JSON.stringify({
    spec,
    trigger: { type: "manual", detail: userName(io.env ?? process.env) },
  });
  const start = await startExecution(target.sfn, stateMachineArn, name, input);
  const { executionArn } = start;
  const progress = (line: string) =>
    options.json ? io.stderr(`${line}\n`) : io.stdout(`  ${line}\n`);

  if (!start.started && !start.sameInput) {
    const message = `already started as ${executionArn} (${start.status}) with a different input; use --run-key to run it again`;
    if (options.json) {
      io.stdout(
        `${JSON.stringify({ started: false, sameInput: false, jobName, executionArn, status: start.status }, null, 2)}\n`,
      );
    } else {
      io.stderr(`${message}\n`);
    }
    return { exitCode: EXIT.invalid, jobName, executionArn };
  }
  if (!options.json) {
    io.stdout(
      start.started
        ? `started ${name} on ${target.name}\n  execution ${executionArn}\n`
        : `already started as ${executionArn} (${start.status}); use --run-key to run it again\n`,
    );
  }
  const summary = { started: start.started, jobName, specHash: result.specHash, executionArn };
  if (!options.wait) {
    if (options.json) {
      const status = start.started ? {} : { status: start.status };
      io.stdout(`${JSON.stringify({ ...summary, ...status }, null, 2)}\n`);
    }
    return { exitCode: EXIT.ok, jobName, executionArn };
  }

  const execution = await followExecution({
    sfn: target.sfn,
    executionArn,
    onLine: progress,
    intervalMs: options.intervalMs ?? (target.name === "local" ? 200 : 5000),
  });
  const record = await readRecord(target, jobName, options.json ? undefined : io);
  const succeeded = execution.status === "SUCCEEDED";
  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        {
          ...summary,
          status: execution.status,
          ...(execution.error ? { error: execution.error } : {}),
          ...(execution.cause ? { cause: execution.cause } : {}),
          ...(record?.outcome ? { outcome: record.outcome } : {}),
          ...(record?.selected ? { selected: record.selected } : {}),
          ...(record?.failure ? { failure: record.failure } : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else if (succeeded) {
    if (record?.selected) io.stdout(`selected ${recommendationLine(record.selected)}\n`);
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
      { source, runKey: values["run-key"], wait: values.wait, json: values.json },
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
