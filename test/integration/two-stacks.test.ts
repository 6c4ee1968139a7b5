import { ListInferenceRecommendationsJobsCommand } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/stack.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

interface Running {
  stack: LocalStack;
  clients: StackClients;
}

let first: Running;
let second: Running;

async function start(): Promise<Running> {
  const stack = await startLocalStack({ timeScale: 3000, logLevel: "ERROR" });
  return { stack, clients: stackClients(stack) };
}

async function jobNames({ clients }: Running): Promise<string[]> {
  const { InferenceRecommendationsJobs = [] } = await clients.sagemaker.send(
    new ListInferenceRecommendationsJobsCommand({}),
  );
  return InferenceRecommendationsJobs.map((job) => job.JobName ?? "");
}

beforeAll(async () => {
  first = await start();
  second = await start();
});

afterAll(async () => {
  for (const { stack, clients } of [first, second]) {
    clients.destroy();
    await stack.close();
  }
});

describe("two local stacks in one process", () => {
  it("each run their own jobs, records and events", async () => {
    // Prepare
    const specOne = sample("default-model-package.json", "stack-one");
    const specTwo = sample("default-model-name.json", "stack-two");
    const [nameOne, nameTwo] = [jobNameOf(specOne), jobNameOf(specTwo)];

    // Act
    const [runOne, runTwo] = await Promise.all([
      runWorkflow(first.stack, first.clients, specOne, "stack-one"),
      runWorkflow(second.stack, second.clients, specTwo, "stack-two"),
    ]);

    // Assess
    expect([runOne.status, runTwo.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(await jobNames(first)).toEqual([nameOne]);
    expect(await jobNames(second)).toEqual([nameTwo]);
    expect((await first.clients.store.get(nameOne))?.outcome).toBe("selected");
    expect(await first.clients.store.get(nameTwo)).toBeUndefined();
    expect((await second.clients.store.get(nameTwo))?.outcome).toBe("selected");
    expect(await second.clients.store.get(nameOne)).toBeUndefined();
    expect(outcomeEvents(first.stack, nameOne)).toHaveLength(1);
    expect(outcomeEvents(first.stack, nameTwo)).toHaveLength(0);
    expect(outcomeEvents(second.stack, nameTwo)).toHaveLength(1);
    expect(outcomeEvents(second.stack, nameOne)).toHaveLength(0);
  });

  it("leave the process's environment as they found it", () => {
    expect(process.env.TABLE_NAME).toBeUndefined();
    expect(process.env.STATE_MACHINE_ARN).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_SAGEMAKER).toBeUndefined();
  });
});
