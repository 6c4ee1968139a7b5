import {
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobsCommand,
} from "@aws-sdk/client-sagemaker";
import { StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { QueueStore } from "../../src/queue/store.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  eventually,
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

const LIMIT = 3;
let stack: LocalStack;
let clients: StackClients;
let queue: QueueStore;

beforeAll(async () => {
  stack = await startLocalStack({
    // Handlers run on the simulated clock too: a lower scale keeps their own time small in it.
    timeScale: 2000,
    queueDeadlineSeconds: 259_200,
    logLevel: "ERROR",
    jobLimit: LIMIT,
    faults: { sagemaker: { accountJobLimit: LIMIT, jobs: [{ match: "^stuck-", fate: "stuck" }] } },
  });
  clients = stackClients(stack);
  queue = new QueueStore(clients.documents, "irflow-local-jobs");
});

afterAll(async () => {
  clients.destroy();
  await stack.close();
});

/** The most jobs that ran at once, from SageMaker's own creation and completion times. */
async function peakConcurrentJobs(): Promise<number> {
  const { InferenceRecommendationsJobs = [] } = await clients.sagemaker.send(
    new ListInferenceRecommendationsJobsCommand({ MaxResults: 100 }),
  );
  const moments = InferenceRecommendationsJobs.flatMap((job) => [
    { at: job.CreationTime?.getTime() ?? 0, change: 1 },
    { at: job.CompletionTime?.getTime() ?? Number.POSITIVE_INFINITY, change: -1 },
  ]).sort((a, b) => a.at - b.at || a.change - b.change);
  let running = 0;
  let peak = 0;
  for (const moment of moments) {
    running += moment.change;
    peak = Math.max(peak, running);
  }
  return peak;
}

describe("the queue for the account's job limit", () => {
  it("runs 30 executions at a limit of 3 to completion, never more than 3 jobs at once", async () => {
    // Prepare
    const specs = Array.from({ length: 30 }, (_, index) =>
      sample("default-model-name.json", `fleet-${index}`),
    );

    // Act: 30 jobs through 3 slots take about a minute; a loaded machine makes that slower, not wrong.
    const executions = await Promise.all(
      specs.map((spec, index) => runWorkflow(stack, clients, spec, `fleet-${index}`, 300_000)),
    );

    // Assess
    expect(executions.map((execution) => execution.status)).toEqual(specs.map(() => "SUCCEEDED"));
    expect(await peakConcurrentJobs()).toBeLessThanOrEqual(LIMIT);
    const state = await queue.read();
    expect(Object.keys(state.holders)).toEqual([]);
    expect(Object.keys(state.waiters)).toEqual([]);
    const records = await Promise.all(specs.map((spec) => clients.store.require(jobNameOf(spec))));
    expect(records.every((record) => record.queuedAt && record.admittedAt)).toBe(true);
  }, 330_000);

  it("frees the slot, stops the job and publishes one failed outcome when an execution is aborted", async () => {
    // Prepare
    const spec = sample("default-model-name.json");
    (spec.job as { JobName?: string }).JobName = "stuck-aborted";
    const { executionArn } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: "aborted",
        input: JSON.stringify({ spec, trigger: { type: "manual" } }),
      }),
    );
    await eventually(async () =>
      (await clients.store.get("stuck-aborted"))?.jobArn ? true : undefined,
    );

    // Act
    await clients.sfn.send(new StopExecutionCommand({ executionArn, cause: "operator" }));

    // Assess
    const record = await eventually(async () => {
      const current = await clients.store.get("stuck-aborted");
      return current?.phase === "published" ? current : undefined;
    });
    expect(record).toMatchObject({ outcome: "failed", status: "STOPPING" });
    expect(record.failure?.reason).toContain("Execution.ABORTED");
    const job = await clients.sagemaker.send(
      new DescribeInferenceRecommendationsJobCommand({ JobName: "stuck-aborted" }),
    );
    expect(["STOPPING", "STOPPED"]).toContain(job.Status);
    expect(outcomeEvents(stack, "stuck-aborted")).toHaveLength(1);
    expect(Object.keys((await queue.read()).holders)).toEqual([]);
  });

  it("leaves an execution that ended normally as it was", async () => {
    // Prepare
    const spec = sample("default-model-name.json", "normal-end");
    (spec.job as Record<string, unknown>).JobType = "Sometimes";

    // Act
    const execution = await runWorkflow(stack, clients, spec, "normal-end");
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(execution.status).toBe("FAILED");
    expect(outcomeEvents(stack, "rejected-normal-end")).toHaveLength(1);
    expect((await clients.store.get("rejected-normal-end"))?.outcome).toBe("rejected");
  });
});
