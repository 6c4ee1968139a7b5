import { readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LOCAL_BUS, startLocalStack } from "../local/stack.ts";
import {
  DEFAULT_KIND,
  JOB_KINDS,
  type JobKindName,
  KINDS,
  kindNameOf,
} from "../src/kinds/index.ts";
import { CliError, type CliIo, EXIT, explainInterrupt } from "./io.ts";
import { presenterFor, presenterOfKind } from "./kinds/index.ts";
import { startSpec } from "./start.ts";
import { localTarget, type Target } from "./target.ts";

const ROOT = join(import.meta.dirname, "..");

export const demoUsage = `Usage: irflow demo [spec.json | --kind KIND] [--time-scale N] [--verbose] [--event-file FILE]

Runs the whole workflow once on a local stack started in this process: validates the spec
(default events/specs/default-slo-policy.json: a latency bound, a load, and production to
compare with), starts the state machine through the Step Functions API, follows it step by
step, and prints the decision in one sentence, every entry with its standing (selected,
frontier, rejected and why), the comparison with production and a summary of the published
outcome event. SageMaker's figures are emulated, not predictions.

  --kind KIND         run that kind's sample instead: inference-recommendation (the default) or
                      ai-recommendation (events/specs/ai/llama-3-8b-chat.json: an LLM's workload
                      config and AI recommendation job, decided at a TTFT limit and a load)
  --time-scale N      simulated seconds per real second (default 600)
  --verbose           print the whole outcome event, not only its summary
  --event-file FILE   write the whole outcome event to FILE

Exit status: 0 the workflow reached a decision (selected, unsatisfiable or measured), 1 it failed
(the execution failed, or the outcome is failed, timed-out or rejected), 130 interrupted (the
local stack and its execution end with the demo).`;

/** Outcomes that mean the run failed; the others are decisions. */
const FAILED_OUTCOMES = new Set(["failed", "timed-out", "rejected"]);

export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      "time-scale": { type: "string", default: "600" },
      kind: { type: "string" },
      verbose: { type: "boolean", default: false },
      "event-file": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${demoUsage}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) {
    io.stderr(`${demoUsage}\n`);
    return EXIT.usage;
  }
  const timeScale = Number(values["time-scale"]);
  if (!(timeScale > 0)) {
    throw new CliError(
      `--time-scale must be a positive number, got '${values["time-scale"]}'`,
      EXIT.usage,
    );
  }
  const kind = values.kind;
  if (kind !== undefined && !JOB_KINDS.some((name) => name === kind)) {
    throw new CliError(`--kind must be one of ${JOB_KINDS.join(", ")}, got '${kind}'`, EXIT.usage);
  }
  if (kind !== undefined && positionals[0] !== undefined) {
    throw new CliError(
      "give a spec or --kind, not both: --kind runs that kind's sample spec",
      EXIT.usage,
    );
  }
  const source =
    positionals[0] ??
    join(ROOT, presenterOfKind((kind as JobKindName | undefined) ?? DEFAULT_KIND).sampleSpec);
  return explainInterrupt(
    io,
    () => DEMO_INTERRUPTED,
    () => runDemo(source, timeScale, values, io),
  );
}

const DEMO_INTERRUPTED =
  "interrupted: the demo's local stack ends with this process, and its execution with it; for a run that outlives the command, start `npx irflow local stack` in one terminal and `npx irflow start <spec> --wait` in another";

async function runDemo(
  source: string,
  timeScale: number,
  values: { verbose?: boolean; "event-file"?: string },
  io: CliIo,
): Promise<number> {
  const began = performance.now();
  const seconds = () => ((performance.now() - began) / 1000).toFixed(1);

  io.stdout(`irflow demo: one ${await jobNounOf(source, io)}, end to end, on a local stack\n`);
  const stack = await startLocalStack({ timeScale, logLevel: "WARN" });
  let target: Target | undefined;
  try {
    io.stdout(
      `local stack up in ${seconds()} s on 127.0.0.1 (time scale ${timeScale}x: a minute of the job takes ${(60 / timeScale).toFixed(2)} s)\n`,
    );
    io.stdout(`  Step Functions ${stack.endpoints.stepfunctions}\n`);
    io.stdout(`  SageMaker      ${stack.endpoints.sagemaker} (emulated)\n\n`);
    io.stdout(`irflow start ${displayPath(source, io)} --wait\n`);
    const report = await startSpec(
      {
        source,
        wait: true,
        json: false,
        intervalMs: 100,
        interruptMessage: () => DEMO_INTERRUPTED,
      },
      io,
      async () => {
        target = localTarget(stack);
        return target;
      },
    );
    const record = report.record;
    if (report.exitCode !== EXIT.ok || !record || FAILED_OUTCOMES.has(record.outcome ?? "failed")) {
      io.stderr(
        `demo failed after ${seconds()} s${record?.outcome ? ` (outcome ${record.outcome})` : ""}\n`,
      );
      return EXIT.invalid;
    }

    io.stdout(`\nthe decision for ${record.model.key} (job ${record.jobName})\n`);
    const presenter = presenterFor(record);
    io.stdout(presenter.demoText(record));
    const events = stack.eventbridge.bus
      .received({ busName: LOCAL_BUS })
      .filter((event) => (event.detail as { jobName?: unknown }).jobName === record.jobName);
    for (const event of events) {
      io.stdout(`\noutcome event on ${LOCAL_BUS} (${event["detail-type"]})\n`);
      io.stdout(`${eventSummary(event).join("\n")}\n`);
      if (values.verbose) io.stdout(`${JSON.stringify(event, null, 2)}\n`);
    }
    const eventFile = values["event-file"];
    if (eventFile !== undefined) {
      await writeFile(
        resolve(io.cwd, eventFile),
        `${JSON.stringify(events.at(-1) ?? null, null, 2)}\n`,
      );
      io.stdout(`the whole event is in ${eventFile}\n`);
    } else if (!values.verbose) {
      io.stdout(`(--verbose prints the whole event, --event-file FILE writes it)\n`);
    }
    const selected = presenter.selectedText(record);
    io.stdout(`\nthe decision: ${record.outcome}${selected ? `, ${selected}` : ""}\n`);
    io.stdout(`demo finished in ${seconds()} s\n`);
    return EXIT.ok;
  } finally {
    target?.destroy();
    await stack.close();
  }
}

/** What the spec's kind calls one job, for the header; a spec that does not read says "job". */
async function jobNounOf(source: string, io: CliIo): Promise<string> {
  if (source === "-") return "job";
  try {
    const spec: unknown = JSON.parse(await readFile(resolve(io.cwd, source), "utf8"));
    const kind = kindNameOf(spec);
    return kind ? KINDS[kind].jobNoun : "job";
  } catch {
    return "job";
  }
}

/** The few fields of the outcome event a reader looks for first. */
function eventSummary(event: { id?: unknown; time?: unknown; detail?: unknown }): string[] {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const fields: [string, unknown][] = [
    ["id", event.id],
    ["time", event.time],
    ["outcome", detail.outcome],
    ["job", detail.jobName],
    ["outcome id", detail.outcomeId],
  ];
  return fields
    .filter(([, value]) => typeof value === "string" || typeof value === "number")
    .map(([label, value]) => `  ${label.padEnd(11)}${String(value)}`);
}

function displayPath(path: string, io: CliIo): string {
  const shown = relative(io.cwd, path);
  return shown.startsWith("..") ? path : shown;
}
