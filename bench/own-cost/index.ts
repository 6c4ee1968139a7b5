/**
 * `npm run bench -- own-cost [--jobs N] [--json]`: what irflow itself costs on AWS per job, from
 * the local stack's meters (local/usage.ts) and each execution's history, at us-east-1 prices
 * (prices.ts); beside it, the same jobs polled by a fixed 60 s loop.
 *
 * N Default and N Advanced jobs run one at a time through the real state machine, so every
 * DynamoDB request, event and SageMaker call is laid at the door of the one invocation running.
 * The fixed-polling column is computed from the same run: the poll loop's share (the DescribeJob
 * invocations, the WaitForJob, DescribeJob and following CheckJobStatus transitions, and
 * DescribeJob's DynamoDB, EventBridge and SageMaker calls) divided by irflow's polls, times one
 * poll per started 60 s of the job's run time as the emulated SageMaker reports it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStack,
  startLocalStack,
} from "../../local/stack.ts";
import type { UsageSnapshot } from "../../local/usage.ts";
import { runWorkflow, stackClients } from "../../test/support/stack.ts";
import { integerOption, parseOptions } from "../args.ts";
import { OWN_COST_PRICES as PRICES } from "./prices.ts";

const ROOT = join(import.meta.dirname, "../..");
const TIME_SCALE = 3000;
const FIXED_INTERVAL_SECONDS = 60;
const POLL_FUNCTION = "DescribeJob";
const JOB_KINDS = [
  ["default", "default-model-package.json"],
  ["advanced", "advanced-phases.json"],
] as const;

/** Billed quantities of one job, or of a share of it. */
export interface OwnUsage {
  transitions: number;
  invocations: number;
  gbSeconds: number;
  writeUnits: number;
  readUnits: number;
  dynamoDbRequests: number;
  events: number;
  sageMakerCalls: number;
}

export interface OwnCost {
  stepFunctions: number;
  lambda: number;
  dynamoDb: number;
  eventBridge: number;
  sageMaker: number;
  total: number;
}

export interface JobOwnCost {
  job: string;
  status: string;
  runSeconds: number;
  irflow: { polls: number; usage: OwnUsage; cost: OwnCost };
  fixed: { polls: number; usage: OwnUsage; cost: OwnCost };
}

const ZERO: OwnUsage = {
  transitions: 0,
  invocations: 0,
  gbSeconds: 0,
  writeUnits: 0,
  readUnits: 0,
  dynamoDbRequests: 0,
  events: 0,
  sageMakerCalls: 0,
};
const FIELDS = Object.keys(ZERO) as (keyof OwnUsage)[];

export function costOf(usage: OwnUsage): OwnCost {
  const stepFunctions = usage.transitions * PRICES.stepFunctionsPerTransition;
  const lambda =
    usage.invocations * PRICES.lambdaPerRequest + usage.gbSeconds * PRICES.lambdaPerGbSecond;
  const dynamoDb =
    usage.writeUnits * PRICES.dynamoDbPerWriteUnit + usage.readUnits * PRICES.dynamoDbPerReadUnit;
  const eventBridge = usage.events * PRICES.eventBridgePerEvent;
  const sageMaker = usage.sageMakerCalls * PRICES.sageMakerPerCall;
  return {
    stepFunctions,
    lambda,
    dynamoDb,
    eventBridge,
    sageMaker,
    total: stepFunctions + lambda + dynamoDb + eventBridge + sageMaker,
  };
}

/** The metered usage, of every function or only of `fn`. */
export function meteredUsage(snapshot: UsageSnapshot, fn?: string): Omit<OwnUsage, "transitions"> {
  const usage = { ...ZERO };
  for (const invocation of snapshot.invocations) {
    if (fn !== undefined && invocation.function !== fn) continue;
    usage.invocations += 1;
    usage.gbSeconds += (invocation.memoryMb / 1024) * (invocation.billedMs / 1000);
  }
  for (const call of snapshot.calls) {
    if (fn !== undefined && call.function !== fn) continue;
    if (call.service === "dynamodb") {
      usage.dynamoDbRequests += 1;
      if (call.read) usage.readUnits += call.units;
      else usage.writeUnits += call.units;
    } else if (call.service === "eventbridge") {
      usage.events += call.units;
    } else {
      usage.sageMakerCalls += 1;
    }
  }
  return usage;
}

/**
 * State transitions from an execution's history: every state entered, and every retry of a Task
 * (a Lambda scheduled again without the state entered again). `loop` counts the poll loop's.
 */
export function transitionsOf(events: readonly HistoryEvent[]): {
  total: number;
  loop: number;
  polls: number;
} {
  let total = 0;
  let loop = 0;
  let polls = 0;
  let state = "";
  let previous = "";
  let scheduledInState = 0;
  for (const event of events) {
    const type = event.type ?? "";
    if (type.endsWith("StateEntered")) {
      previous = state;
      state = event.stateEnteredEventDetails?.name ?? "";
      scheduledInState = 0;
      total += 1;
      if (state === POLL_FUNCTION) polls += 1;
      if (
        state === "WaitForJob" ||
        state === POLL_FUNCTION ||
        (state === "CheckJobStatus" && previous === POLL_FUNCTION)
      ) {
        loop += 1;
      }
    } else if (type === "LambdaFunctionScheduled" || type === "TaskScheduled") {
      scheduledInState += 1;
      if (scheduledInState > 1) {
        total += 1;
        if (state === POLL_FUNCTION) loop += 1;
      }
    }
  }
  return { total, loop, polls };
}

/** Fixed polling: one poll per started interval of the job's run time, at least one. */
export function fixedPolls(runSeconds: number, intervalSeconds = FIXED_INTERVAL_SECONDS): number {
  return Math.max(1, Math.ceil(runSeconds / intervalSeconds));
}

/** The same job with its poll loop replaced by `polls` polls at the loop's cost per poll. */
export function withPolls(
  total: OwnUsage,
  loop: OwnUsage,
  measuredPolls: number,
  polls: number,
): OwnUsage {
  const result = { ...total };
  if (measuredPolls === 0) return result;
  for (const field of FIELDS) {
    result[field] = total[field] - loop[field] + (loop[field] / measuredPolls) * polls;
  }
  return result;
}

async function history(stack: LocalStack, executionArn: string): Promise<HistoryEvent[]> {
  const sfn = new SFNClient({
    endpoint: stack.endpoints.stepfunctions,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    sfn.destroy();
  }
  return events;
}

interface JobRow {
  JobName: string;
  CreationTime: Date;
  CompletionTime?: Date;
}

/** The emulator's jobs, read in process so that the bench's reads are not metered. */
function recommenderJobs(stack: LocalStack): JobRow[] {
  const list = stack.sagemaker.service.operations().ListInferenceRecommendationsJobs;
  const answer = list?.({ MaxResults: 100 }) as { InferenceRecommendationsJobs?: JobRow[] };
  return answer.InferenceRecommendationsJobs ?? [];
}

async function runJob(stack: LocalStack, file: string, name: string): Promise<JobOwnCost> {
  const spec = JSON.parse(readFileSync(join(ROOT, "events/specs", file), "utf8")) as Record<
    string,
    unknown
  >;
  spec.irflow = { ...(spec.irflow as object | undefined), runKey: name };
  const jobsBefore = new Set(recommenderJobs(stack).map((job) => job.JobName));
  const before = stack.usage.snapshot();
  const clients = stackClients(stack);
  let execution: Awaited<ReturnType<typeof runWorkflow>>;
  try {
    execution = await runWorkflow(stack, clients, spec, name, 120_000);
  } finally {
    clients.destroy();
  }
  await stack.eventbridge.bus.settled();
  const snapshot = stack.usage.snapshot(before);
  const executionArn = execution.executionArn ?? "";
  const transitions = transitionsOf(await history(stack, executionArn));
  const job = recommenderJobs(stack).find((each) => !jobsBefore.has(each.JobName));
  const runSeconds =
    job?.CompletionTime === undefined
      ? 0
      : (new Date(job.CompletionTime).getTime() - new Date(job.CreationTime).getTime()) / 1000;
  const total: OwnUsage = { ...meteredUsage(snapshot), transitions: transitions.total };
  const loop: OwnUsage = {
    ...meteredUsage(snapshot, POLL_FUNCTION),
    transitions: transitions.loop,
  };
  const polls = fixedPolls(runSeconds);
  const fixed = withPolls(total, loop, transitions.polls, polls);
  return {
    job: name,
    status: execution.status ?? "",
    runSeconds,
    irflow: { polls: transitions.polls, usage: total, cost: costOf(total) },
    fixed: { polls, usage: fixed, cost: costOf(fixed) },
  };
}

export async function ownCostRun(jobsPerKind: number): Promise<JobOwnCost[]> {
  const stack = await startLocalStack({ timeScale: TIME_SCALE, logLevel: "ERROR" });
  const results: JobOwnCost[] = [];
  try {
    for (const [kind, file] of JOB_KINDS) {
      for (let index = 1; index <= jobsPerKind; index += 1) {
        results.push(await runJob(stack, file, `own-cost-${kind}-${index}`));
      }
    }
  } finally {
    await stack.close();
  }
  return results;
}

const dollars = (value: number) => `$${value.toFixed(6)}`;
const round = (value: number, digits = 1) => Number(value.toFixed(digits)).toString();

function rows(result: JobOwnCost): string[][] {
  return (["irflow", "fixed 60 s"] as const).map((variant) => {
    const side = variant === "irflow" ? result.irflow : result.fixed;
    const { usage, cost } = side;
    return [
      variant === "irflow" ? result.job : "",
      variant,
      String(side.polls),
      round(usage.transitions),
      round(usage.invocations),
      usage.gbSeconds.toFixed(4),
      `${round(usage.writeUnits)}/${round(usage.readUnits)}`,
      round(usage.events),
      round(usage.sageMakerCalls),
      dollars(cost.stepFunctions),
      dollars(cost.lambda),
      dollars(cost.dynamoDb),
      dollars(cost.eventBridge),
      dollars(cost.total),
      variant === "irflow"
        ? ""
        : `${(result.fixed.cost.total / result.irflow.cost.total).toFixed(1)}x`,
    ];
  });
}

export function ownCostTable(results: readonly JobOwnCost[]): string {
  const header = [
    "job",
    "polling",
    "polls",
    "transitions",
    "Lambda",
    "GB-s",
    "WRU/RRU",
    "events",
    "SageMaker",
    "Step Fns",
    "Lambda $",
    "DynamoDB",
    "EventBridge",
    "total",
    "fixed/irflow",
  ];
  const body = results.flatMap(rows);
  const mean = (pick: (result: JobOwnCost) => number) =>
    results.reduce((sum, result) => sum + pick(result), 0) / Math.max(1, results.length);
  const irflowMean = mean((result) => result.irflow.cost.total);
  const fixedMean = mean((result) => result.fixed.cost.total);
  const table = [header, ...body];
  const widths = header.map((_, column) =>
    Math.max(...table.map((row) => (row[column] ?? "").length)),
  );
  const lines = table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  lines.push(
    "",
    `mean per job: irflow ${dollars(irflowMean)}, fixed 60 s polling ${dollars(fixedMean)} (${(fixedMean / irflowMean).toFixed(1)}x); ` +
      `per 1,000 jobs $${(irflowMean * 1000).toFixed(2)} against $${(fixedMean * 1000).toFixed(2)}`,
    `job run times (simulated): ${results.map((result) => `${result.job} ${round(result.runSeconds / 60)} min`).join(", ")}`,
    "GB-s: handler time measured on this machine against the local stack, at 256 MB; SageMaker calls are free.",
  );
  return lines.join("\n");
}

export async function ownCostBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv, { values: ["jobs"], flags: ["json"] }, "own-cost");
  const results = await ownCostRun(integerOption(options, "jobs", 3, { min: 1, max: 20 }));
  if (options.flags.has("json")) {
    console.log(JSON.stringify({ prices: PRICES, jobs: results }, null, 2));
    return;
  }
  console.log(ownCostTable(results));
}
