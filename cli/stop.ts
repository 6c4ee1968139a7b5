import { parseArgs } from "node:util";
import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import type { JobRecord } from "../src/workflow/record.ts";
import { type CliIo, EXIT } from "./io.ts";
import { userName } from "./start.ts";
import { describeExecution, resolveSubject } from "./subject.ts";
import { openTarget, TARGET_HELP, TARGET_OPTIONS, targetName } from "./target.ts";

export const stopUsage = `Usage: irflow stop <job | execution> [--target local|aws] [--table NAME] [--json]

Stops a running execution. Its end goes through the workflow's clean-up (the rule on the
execution's ABORTED status), as any execution that ends early does: the clean-up frees its job
slot, stops its SageMaker job if the job may still run, and publishes the outcome once. The
command waits for that outcome (at most --timeout seconds, default 60) and prints it. The job is
named by its job name, its execution's name or its execution's ARN.

  --timeout N                seconds to wait for the published outcome (0: do not wait)
  --json                     print one JSON object
${TARGET_HELP}

Exit status: 0 stopped (or already ended), 1 no such job or execution, 64 usage error,
69 no local stack running.`;

export async function stopCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...TARGET_OPTIONS,
      timeout: { type: "string", default: "60" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${stopUsage}\n`);
    return EXIT.ok;
  }
  const [name, ...extra] = positionals;
  const timeoutSeconds = Number(values.timeout);
  if (!name || extra.length > 0 || !(timeoutSeconds >= 0)) {
    io.stderr(`${stopUsage}\n`);
    return EXIT.usage;
  }
  targetName(values.target);
  const target = await openTarget(values, io);
  try {
    const subject = await resolveSubject(name, target);
    const execution =
      subject?.executionArn !== undefined
        ? await describeExecution(target, subject.executionArn)
        : undefined;
    if (!subject || !execution?.executionArn) {
      io.stderr(`irflow stop: no job or execution named ${name} (${target.name})\n`);
      return EXIT.invalid;
    }
    const report = (stopped: boolean, record: JobRecord | undefined) => {
      const summary = {
        jobName: subject.jobName,
        executionArn: execution.executionArn,
        stopped,
        ...(record?.outcome ? { outcome: record.outcome, status: record.status } : {}),
      };
      if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    };
    if (execution.status !== "RUNNING") {
      if (!values.json) {
        io.stdout(`execution ${execution.executionArn} already ended ${execution.status}\n`);
      }
      report(false, subject.record);
      return EXIT.ok;
    }
    await target.sfn.send(
      new StopExecutionCommand({
        executionArn: execution.executionArn,
        error: "irflow.Stopped",
        cause: `stopped with irflow stop by ${userName(io.env ?? process.env)}`,
      }),
    );
    if (!values.json) io.stdout(`stopped execution ${execution.executionArn}\n`);
    const record = await publishedRecord(target, subject.jobName, timeoutSeconds);
    if (!values.json) {
      io.stdout(
        record
          ? `job ${record.jobName}: outcome ${record.outcome} published (status ${record.status})\n`
          : `the clean-up has not published job ${subject.jobName}'s outcome yet; follow it with 'irflow status ${subject.jobName}'\n`,
      );
    }
    report(true, record);
    return EXIT.ok;
  } finally {
    target.destroy();
  }
}

/** The record once the clean-up has published its outcome, or undefined after the timeout. */
async function publishedRecord(
  target: Awaited<ReturnType<typeof openTarget>>,
  jobName: string,
  timeoutSeconds: number,
): Promise<JobRecord | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const record = await target.store().get(jobName);
    if (record?.phase === "published") return record;
    if (Date.now() >= deadline) return undefined;
    await new Promise((done) => setTimeout(done, target.name === "local" ? 100 : 2000));
  }
}
