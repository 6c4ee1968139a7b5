/**
 * Benchmarks: figures, printed, never asserted. `npm run bench`.
 *
 * 1. Spec validation: specs per second and heap growth over many validations.
 * 2. Selection: time to rank many recommendations.
 * 3. One job on the local stack per job type: state transitions, Lambda invocations and handler
 *    time, and what that costs on AWS at public us-east-1 prices.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { type LocalStack, startLocalStack } from "../local/stack.ts";
import { type Candidate, selectRecommendation } from "../src/selection.ts";
import { validateSpec } from "../src/spec/validate.ts";
import { runWorkflow, stackClients } from "../test/support/stack.ts";

const ROOT = join(import.meta.dirname, "..");

/** us-east-1 list prices used for the estimate (checked 2026-11; see docs/deploy.md). */
export const PRICES = {
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoWritePerUnit: 0.625 / 1_000_000,
  dynamoReadPerUnit: 0.125 / 1_000_000,
  eventBridgePerEvent: 1 / 1_000_000,
};
const LAMBDA_MEMORY_GB = 0.25;
/** A warm invocation on AWS is dominated by one or two SDK calls; an assumption, not a reading. */
const ASSUMED_AWS_MS_PER_INVOCATION = 150;

function specsPerSecond(): void {
  const samples = [
    "default-model-package.json",
    "advanced-phases.json",
    "existing-endpoint.json",
  ].map((file) => JSON.parse(readFileSync(join(ROOT, "events/specs", file), "utf8")) as unknown);
  const rounds = 20_000;
  for (let i = 0; i < 500; i += 1) validateSpec(samples[i % samples.length]);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) validateSpec(samples[i % samples.length]);
  const seconds = (performance.now() - start) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `spec validation: ${Math.round(rounds / seconds).toLocaleString("en-US")} specs/s (${rounds} specs in ${seconds.toFixed(2)} s), heap grew ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`,
  );
}

function selectionSpeed(): void {
  const candidates: Candidate[] = Array.from({ length: 10_000 }, (_, index) => ({
    recommendationId: `r${index}`,
    endpointType: "RealTime",
    instanceType: "ml.m5.large",
    instanceCount: 1,
    metrics: {
      costPerHour: 0.1 + (index % 97) / 100,
      costPerInference: index % 13 === 0 ? Number.NaN : ((index * 7919) % 10_007) / 1e9,
      maxInvocations: 1000 + (index % 500),
      modelLatencyMs: 5 + (index % 40),
    },
  }));
  const start = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i += 1) selectRecommendation(candidates);
  console.log(
    `selection: ${((performance.now() - start) / rounds).toFixed(1)} ms to rank 10,000 recommendations`,
  );
}

interface JobCounts {
  transitions: number;
  invocations: number;
  polls: number;
  handlerMs: number;
  wallMs: number;
}

async function countJob(stack: LocalStack, file: string, name: string): Promise<JobCounts> {
  const clients = stackClients(stack);
  const spec = JSON.parse(readFileSync(join(ROOT, "events/specs", file), "utf8")) as Record<
    string,
    unknown
  >;
  spec.irflow = { ...(spec.irflow as object | undefined), runKey: name };
  const start = performance.now();
  const execution = await runWorkflow(stack, clients, spec, name, 120_000);
  const wallMs = performance.now() - start;
  const sfn = new SFNClient({
    endpoint: stack.endpoints.stepfunctions,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
  });
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  sfn.destroy();
  clients.destroy();
  const entered = events.filter((event) => event.type?.endsWith("StateEntered"));
  const taskEvents = events.filter(
    (event) => event.type === "TaskStateEntered" || event.type === "TaskStateExited",
  );
  let handlerMs = 0;
  for (let i = 0; i + 1 < taskEvents.length; i += 2) {
    handlerMs +=
      (taskEvents[i + 1]?.timestamp?.getTime() ?? 0) - (taskEvents[i]?.timestamp?.getTime() ?? 0);
  }
  return {
    transitions: entered.length,
    invocations: entered.filter((event) => event.type === "TaskStateEntered").length,
    polls: entered.filter((event) => event.stateEnteredEventDetails?.name === "DescribeJob").length,
    handlerMs,
    wallMs,
  };
}

function awsCost(counts: JobCounts): number {
  const lambdaSeconds = (counts.invocations * ASSUMED_AWS_MS_PER_INVOCATION) / 1000;
  return (
    counts.transitions * PRICES.stepFunctionsPerTransition +
    counts.invocations * PRICES.lambdaPerRequest +
    lambdaSeconds * LAMBDA_MEMORY_GB * PRICES.lambdaArmPerGbSecond +
    // About two record writes (under 1 KB each) and one read per step.
    counts.invocations * 2 * PRICES.dynamoWritePerUnit +
    counts.invocations * PRICES.dynamoReadPerUnit +
    PRICES.eventBridgePerEvent
  );
}

async function workflowCounts(): Promise<void> {
  const stack = await startLocalStack({ timeScale: 3000, logLevel: "ERROR" });
  try {
    for (const [label, file] of [
      ["Default job", "default-model-package.json"],
      ["Advanced job", "advanced-phases.json"],
    ] as const) {
      const counts = await countJob(stack, file, `bench-${label.split(" ")[0]?.toLowerCase()}`);
      console.log(
        `${label}: ${counts.transitions} state transitions, ${counts.invocations} Lambda invocations (${counts.polls} polls), ` +
          `handlers ${counts.handlerMs} ms locally, run ${(counts.wallMs / 1000).toFixed(1)} s at 3000x; ` +
          `AWS cost per job ~ $${awsCost(counts).toFixed(5)} (assuming ${ASSUMED_AWS_MS_PER_INVOCATION} ms per invocation at 256 MB)`,
      );
    }
  } finally {
    await stack.close();
  }
}

specsPerSecond();
selectionSpeed();
await workflowCounts();
