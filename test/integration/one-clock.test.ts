/**
 * A local run keeps one time: the execution's dates (DescribeExecution, ListExecutions, its
 * history), the job record's stamps and the outcome event's `time` all come from the stack's
 * simulated clock, in the order things happened.
 */
import { GetExecutionHistoryCommand, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  closeTestStack,
  openTestStack,
  outcomeEvents,
  record,
  runWorkflow,
  type StackClients,
  sample,
} from "../support/stack.ts";

let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  ({ stack, clients } = await openTestStack({ timeScale: 3000, logLevel: "ERROR" }));
});

afterAll(async () => {
  await closeTestStack(stack, clients);
});

const seconds = (time: string | Date | undefined) =>
  Math.floor(new Date(time ?? Number.NaN).getTime() / 1000);

describe("one clock in a local run", () => {
  it("dates the execution, its history, the record and the event on the stack's clock, in order", async () => {
    // Prepare
    const spec = sample("default-model-name.json", "one-clock");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "one-clock");
    const job = await record(clients, jobName);
    const [event] = outcomeEvents(stack, jobName);
    const { executions = [] } = await clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn }),
    );
    const history = (reverseOrder: boolean) =>
      clients.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: execution.executionArn,
          reverseOrder,
          maxResults: 1,
        }),
      );
    const [first] = (await history(false)).events ?? [];
    const [last] = (await history(true)).events ?? [];

    // Assess: the job ran simulated minutes, so only the stack's clock spans them.
    const started = seconds(execution.startDate);
    const stopped = seconds(execution.stopDate);
    expect(stopped - started).toBeGreaterThanOrEqual(
      seconds(job.jobCompletedAt) - seconds(job.jobStartedAt),
    );
    expect(seconds(job.jobCompletedAt) - seconds(job.jobStartedAt)).toBeGreaterThan(60);
    expect(started).toBeLessThanOrEqual(seconds(job.createdAt));
    expect(seconds(job.createdAt)).toBeLessThanOrEqual(seconds(job.completedAt));
    expect(seconds(job.completedAt)).toBeLessThanOrEqual(seconds(event?.time));
    expect(seconds(event?.time)).toBeLessThanOrEqual(stopped);
    const listed = executions.find((item) => item.executionArn === execution.executionArn);
    expect(seconds(listed?.startDate)).toBe(started);
    expect(seconds(first?.timestamp)).toBe(started);
    expect(seconds(last?.timestamp)).toBe(stopped);
  });
});
