/**
 * `npm run bench -- workflow [--json]`: one job per job type on the local stack: state
 * transitions, Lambda invocations, polls and handler time, and what that costs on AWS at public
 * us-east-1 prices.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { type LocalStack, startLocalStack } from "../local/stack.ts";
import { runWorkflow, stackClients } from "../test/support/stack.ts";
import { parseOptions } from "./args.ts";
import { ASSUMED_AWS_MS_PER_INVOCATION, LAMBDA_MEMORY_GB, PRICES } from "./pricing.ts";

const ROOT = join(import.meta.dirname, "..");
const TIME_SCALE = 3000;

interface JobCounts {
  job: string;
  transitions: number;
  invocations: number;
  polls: number;
  handlerMs: number;
  wallMs: number;
  costPerJob: number;
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
  const transitions = entered.length;
  const invocations = entered.filter((event) => event.type === "TaskStateEntered").length;
  return {
    job: name,
    transitions,
    invocations,
    polls: entered.filter((event) => event.stateEnteredEventDetails?.name === "DescribeJob").length,
    handlerMs,
    wallMs: Math.round(wallMs),
    costPerJob: awsCost(transitions, invocations),
  };
}

function awsCost(transitions: number, invocations: number): number {
  const lambdaSeconds = (invocations * ASSUMED_AWS_MS_PER_INVOCATION) / 1000;
  return (
    transitions * PRICES.stepFunctionsPerTransition +
    invocations * PRICES.lambdaPerRequest +
    lambdaSeconds * LAMBDA_MEMORY_GB * PRICES.lambdaArmPerGbSecond +
    // About two record writes (under 1 KB each) and one read per step.
    invocations * 2 * PRICES.dynamoWritePerUnit +
    invocations * PRICES.dynamoReadPerUnit +
    PRICES.eventBridgePerEvent
  );
}

export async function workflowBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv, { values: [], flags: ["json"] }, "workflow");
  const stack = await startLocalStack({ timeScale: TIME_SCALE, logLevel: "ERROR" });
  const results: JobCounts[] = [];
  try {
    for (const [job, file] of [
      ["bench-default", "default-model-package.json"],
      ["bench-advanced", "advanced-phases.json"],
    ] as const) {
      results.push(await countJob(stack, file, job));
    }
  } finally {
    await stack.close();
  }
  if (options.flags.has("json")) {
    console.log(JSON.stringify({ jobs: results }));
    return;
  }
  for (const counts of results) {
    console.log(
      `${counts.job}: ${counts.transitions} state transitions, ${counts.invocations} Lambda invocations (${counts.polls} polls), ` +
        `handlers ${counts.handlerMs} ms locally, run ${(counts.wallMs / 1000).toFixed(1)} s at ${TIME_SCALE}x; ` +
        `AWS cost per job ~ $${counts.costPerJob.toFixed(5)} (assuming ${ASSUMED_AWS_MS_PER_INVOCATION} ms per invocation at 256 MB)`,
    );
  }
}
