import {
  CreateInferenceRecommendationsJobCommand,
  DescribeInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import {
  eventually,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

/** A stuck job stays in these: never STOPPING or STOPPED unless someone stops it. */
const RUNNING = ["PENDING", "IN_PROGRESS"];

let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  stack = await startLocalStack({
    timeScale: 2000,
    logLevel: "ERROR",
    // One slot: an execution behind a running one waits in the queue, before any CreateJob.
    jobLimit: 1,
    faults: { sagemaker: { jobs: [{ match: "^(victim|stuck)-", fate: "stuck" }] } },
  });
  clients = stackClients(stack);
});

afterAll(async () => {
  clients.destroy();
  await stack.close();
});

/** Another team's job, created outside irflow and running. */
async function victimJob(name: string): Promise<string | undefined> {
  const spec = sample("default-model-name.json", name);
  await clients.sagemaker.send(
    new CreateInferenceRecommendationsJobCommand({
      ...(spec.job as object),
      JobName: name,
      Tags: [{ Key: "team", Value: "other" }],
    } as never),
  );
  return statusOf(name);
}

async function statusOf(name: string): Promise<string | undefined> {
  const job = await clients.sagemaker.send(
    new DescribeInferenceRecommendationsJobCommand({ JobName: name }),
  );
  return job.Status;
}

describe("jobs that are not irflow's", () => {
  it("leaves another's running job alone when a spec naming it fails at CreateJob", async () => {
    // Prepare
    const before = await victimJob("victim-failing");
    const spec = sample("default-model-name.json");
    (spec.job as { JobName?: string }).JobName = "victim-failing";

    // Act
    const execution = await runWorkflow(stack, clients, spec, "names-a-victim", 120_000);

    // Assess
    expect(execution.status).toBe("FAILED");
    expect(RUNNING).toContain(before);
    expect(RUNNING).toContain(await statusOf("victim-failing"));
    const record = await clients.store.require("victim-failing");
    expect(record.failure?.reason).toContain("JobNameTakenError");
    expect(record.jobArn).toBeUndefined();
  }, 150_000);

  it("leaves another's running job alone when a spec naming it is aborted before CreateJob", async () => {
    // Prepare
    const before = await victimJob("victim-aborted");
    const blocker = sample("default-model-name.json");
    (blocker.job as { JobName?: string }).JobName = "stuck-blocker";
    await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: "blocker",
        input: JSON.stringify({ spec: blocker, trigger: { type: "manual" } }),
      }),
    );
    await eventually(async () =>
      (await clients.store.get("stuck-blocker"))?.jobArn ? true : undefined,
    );
    const spec = sample("default-model-name.json");
    (spec.job as { JobName?: string }).JobName = "victim-aborted";
    const { executionArn } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: "aborts-a-victim",
        input: JSON.stringify({ spec, trigger: { type: "manual" } }),
      }),
    );
    await eventually(async () =>
      (await clients.store.get("victim-aborted"))?.status === "QUEUED" ? true : undefined,
    );

    // Act
    await clients.sfn.send(new StopExecutionCommand({ executionArn, cause: "operator" }));

    // Assess
    const record = await eventually(async () => {
      const current = await clients.store.get("victim-aborted");
      return current?.phase === "published" ? current : undefined;
    });
    expect(record.outcome).toBe("failed");
    expect(record.failure?.reason).toContain("Execution.ABORTED");
    expect(record.failure?.reason).not.toContain("the job was stopped");
    expect(RUNNING).toContain(before);
    expect(RUNNING).toContain(await statusOf("victim-aborted"));
  }, 150_000);
});
