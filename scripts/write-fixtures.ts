/**
 * Writes the golden fixtures of this release's records and events: test/fixtures/records/v<record
 * schema>/ (one record per phase, and per outcome for the decided ones) and
 * test/fixtures/events/v<event schema>/ (one event per outcome). Each comes from a real run of the
 * workflow on the local stack, every record version as DynamoDB stored it. Jobs of the kind
 * ai-recommendation add theirs under names starting `llm-`: a record of each phase of a selected
 * job, and the records and events of its selected, unsatisfiable and failed outcomes.
 *
 * A release's fixtures are written once and kept: every later release's tests read them
 * (test/unit/workflow/fixtures.test.ts). The script refuses to replace a folder that exists;
 * `--force` replaces it, for a release that has not shipped yet; `--add` writes only the files a
 * folder lacks, for an outcome added to the current layout, and keeps every file it has.
 *
 *   npm run fixtures [-- --force | --add]
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { FaultConfigInput } from "../local/sagemaker/faults.ts";
import { LOCAL_TABLE, startLocalStack } from "../local/stack.ts";
import { OUTCOME_SCHEMA_VERSION } from "../src/outcome.ts";
import { OUTCOMES, type Outcome, RECORD_SCHEMA_VERSION } from "../src/workflow/record.ts";
import { outcomeEvents, runWorkflow, sample, stackClients } from "../test/support/stack.ts";

const ROOT = join(import.meta.dirname, "..");
export const RECORD_FIXTURES = join(ROOT, "test/fixtures/records", `v${RECORD_SCHEMA_VERSION}`);
export const EVENT_FIXTURES = join(ROOT, "test/fixtures/events", `v${OUTCOME_SCHEMA_VERSION}`);

/** A spec for each outcome, with the fault that brings it about. */
type JobFate = NonNullable<FaultConfigInput["jobs"]>[number];

const RUNS: { outcome: Outcome; spec: () => Record<string, unknown>; fate?: JobFate }[] = [
  { outcome: "selected", spec: () => sample("default-slo-policy.json", "golden-selected") },
  {
    outcome: "unsatisfiable",
    spec: () => {
      const spec = sample("default-slo-policy.json", "golden-unsat");
      const irflow = spec.irflow as { policy: object };
      return { ...spec, irflow: { ...irflow, policy: { ...irflow.policy, maxLatencyMs: 1 } } };
    },
  },
  { outcome: "measured", spec: () => sample("existing-endpoint.json", "golden-measured") },
  {
    outcome: "failed",
    spec: () => sample("default-model-package.json", "golden-failing"),
    fate: { match: "-golden-failing$", fate: "fail", reason: "payload-error" },
  },
  {
    outcome: "rejected",
    spec: () => {
      const spec = sample("advanced-phases.json", "golden-rejected");
      const job = spec.job as { InputConfig: Record<string, unknown> };
      job.InputConfig.ResourceLimit = { MaxNumberOfTests: 2, MaxParallelOfTests: 5 };
      return spec;
    },
  },
];

/** The kind ai-recommendation's runs: fixture names start `llm-`. */
const LLM_RUNS: { outcome: Outcome; spec: () => Record<string, unknown> }[] = [
  { outcome: "selected", spec: () => sample("ai/llama-3-8b-chat.json", "golden-llm-selected") },
  {
    outcome: "unsatisfiable",
    spec: () => {
      const spec = sample("ai/llama-3-8b-chat.json", "golden-llm-unsat");
      const irflow = spec.irflow as { policy: object };
      return { ...spec, irflow: { ...irflow, policy: { ...irflow.policy, maxTtftMs: 1 } } };
    },
  },
  {
    outcome: "failed",
    // The emulator fails a job whose name says the account lacks the feature.
    spec: () => {
      const spec = sample("ai/llama-3-8b-chat.json");
      return {
        ...spec,
        job: { ...(spec.job as object), AIRecommendationJobName: "golden-llm-not-enabled" },
      };
    },
  },
];

async function main(force: boolean, add: boolean): Promise<void> {
  for (const folder of [RECORD_FIXTURES, EVENT_FIXTURES]) {
    if (existsSync(folder) && !force && !add) {
      throw new Error(
        `${folder} exists: a shipped release's fixtures are kept; pass --force to replace them`,
      );
    }
  }
  // One slot, a queue deadline shorter than the stuck job's: the job behind it times out waiting.
  const stack = await startLocalStack({
    timeScale: 3000,
    logLevel: "ERROR",
    jobLimit: 1,
    queueDeadlineSeconds: 600,
  });
  const clients = stackClients(stack);
  const versions = new Map<string, Record<string, unknown>[]>();
  stack.dynamodb.observe(({ operation, request, answer }) => {
    if (request?.TableName !== LOCAL_TABLE) return;
    const stored =
      operation === "PutItem"
        ? request.Item
        : operation === "UpdateItem"
          ? answer?.Attributes
          : undefined;
    if (!stored) return;
    const record = unmarshall(stored as Parameters<typeof unmarshall>[0]);
    const name = String(record.jobName);
    versions.set(name, [...(versions.get(name) ?? []), record]);
  });
  try {
    stack.sagemaker.service.faults.configure({
      jobs: [
        ...RUNS.flatMap((run) => (run.fate ? [run.fate] : [])),
        { match: "-golden-stuck$", fate: "stuck" },
      ],
    });
    const names = new Map<Outcome, string>();
    for (const run of RUNS) {
      const execution = await runWorkflow(
        stack,
        clients,
        run.spec(),
        `golden-${run.outcome}`,
        60_000,
      );
      names.set(run.outcome, jobOf(versions, execution.executionArn ?? ""));
    }
    // A job of the selected one's model, under a budget that job's cost already went over.
    const overBudget = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: "golden-over-budget",
        input: JSON.stringify({
          spec: sample("default-slo-policy.json", "golden-over-budget"),
          trigger: { type: "schedule", detail: "2026-W48" },
          budget: { dollars: 0.0001 },
        }),
      }),
    );
    await finished(clients, overBudget.executionArn ?? "");
    names.set("over-budget", jobOf(versions, overBudget.executionArn ?? ""));
    // The stuck job holds the only slot until its deadline; the next one waits out the queue's.
    const stuck = sample("default-model-package.json", "golden-stuck");
    stuck.irflow = { ...(stuck.irflow as object), deadlineSeconds: 1800 };
    const waiting = sample("default-model-name.json", "golden-queued");
    const [timedOut, queueTimedOut] = await Promise.all([
      runWorkflow(stack, clients, stuck, "golden-timed-out", 120_000),
      delay(300).then(() =>
        runWorkflow(stack, clients, waiting, "golden-queue-timed-out", 120_000),
      ),
    ]);
    names.set("timed-out", jobOf(versions, timedOut.executionArn ?? ""));
    names.set("queue-timed-out", jobOf(versions, queueTimedOut.executionArn ?? ""));

    const records: Record<string, unknown> = {};
    for (const outcome of OUTCOMES) {
      const history = versions.get(names.get(outcome) ?? "") ?? [];
      for (const record of history) {
        const key =
          record.outcome === undefined ? String(record.phase) : `${record.phase}-${outcome}`;
        records[key] ??= record;
      }
    }
    const events: Record<string, unknown> = Object.fromEntries(
      OUTCOMES.map((outcome) => {
        const [event] = outcomeEvents(stack, names.get(outcome) ?? "");
        if (!event) throw new Error(`no outcome event for the ${outcome} run`);
        return [outcome, event];
      }),
    );
    for (const run of LLM_RUNS) {
      const execution = await runWorkflow(stack, clients, run.spec(), `golden-llm-${run.outcome}`);
      const name = jobOf(versions, execution.executionArn ?? "");
      for (const record of versions.get(name) ?? []) {
        const phase = String(record.phase);
        const key = record.outcome === undefined ? `llm-${phase}` : `llm-${phase}-${run.outcome}`;
        records[key] ??= record;
      }
      const [event] = outcomeEvents(stack, name);
      if (!event) throw new Error(`no outcome event for the llm ${run.outcome} run`);
      events[`llm-${run.outcome}`] = event;
    }
    await writeFolder(RECORD_FIXTURES, records, add);
    await writeFolder(EVENT_FIXTURES, events, add);
    process.stdout.write(
      `wrote ${Object.keys(records).length} records to ${RECORD_FIXTURES} and ${Object.keys(events).length} events to ${EVENT_FIXTURES}\n`,
    );
  } finally {
    clients.destroy();
    await stack.close();
  }
}

/** The job name of the record an execution wrote. */
function jobOf(versions: Map<string, Record<string, unknown>[]>, executionArn: string): string {
  for (const [name, history] of versions) {
    if (history.some((record) => record.executionArn === executionArn)) return name;
  }
  throw new Error(`no record was written for ${executionArn}`);
}

async function writeFolder(
  folder: string,
  files: Record<string, unknown>,
  add: boolean,
): Promise<void> {
  if (!add) await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, `${name}.json`);
    if (add && existsSync(path)) continue;
    await writeFile(path, `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** Waits until the execution is no longer running. */
async function finished(clients: ReturnType<typeof stackClients>, executionArn: string) {
  for (;;) {
    const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== "RUNNING") return status;
    await delay(50);
  }
}

const delay = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

await main(process.argv.includes("--force"), process.argv.includes("--add"));
