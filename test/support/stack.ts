import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { EventEnvelope } from "../../local/eventbridge/types.ts";
import {
  LOCAL_TABLE,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from "../../local/stack.ts";
import type { JobKindName } from "../../src/kinds/kind.ts";
import { DETAIL_KEYS, detailKeyOf, detailTypeOf } from "../../src/outcome.ts";
import type { JobRecord, Outcome } from "../../src/workflow/record.ts";
import { JobStore } from "../../src/workflow/store.ts";

const ROOT = join(import.meta.dirname, "../..");
const credentials = { accessKeyId: "local", secretAccessKey: "local" };

export interface StackClients {
  sfn: SFNClient;
  sagemaker: SageMakerClient;
  store: JobStore;
  documents: DynamoDBDocumentClient;
  destroy(): void;
}

export function stackClients(stack: LocalStack): StackClients {
  const sfn = new SFNClient({
    endpoint: stack.endpoints.stepfunctions,
    region: "us-east-1",
    credentials,
  });
  const sagemaker = new SageMakerClient({
    endpoint: stack.endpoints.sagemaker,
    region: "us-east-1",
    credentials,
  });
  // Straight to dynalite: what a test reads or seeds meets none of the faults the handlers meet.
  const dynamo = new DynamoDBClient({
    endpoint: stack.dynamodb.target,
    region: "us-east-1",
    credentials,
  });
  return {
    sfn,
    sagemaker,
    store: new JobStore(DynamoDBDocumentClient.from(dynamo), LOCAL_TABLE),
    documents: DynamoDBDocumentClient.from(dynamo),
    destroy: () => {
      sfn.destroy();
      sagemaker.destroy();
      dynamo.destroy();
    },
  };
}

/** A stack for one test file, at a time scale most tests use, with the clients they read it through. */
export async function openTestStack(
  options: LocalStackOptions = { timeScale: 3000, logLevel: "ERROR" },
): Promise<{ stack: LocalStack; clients: StackClients }> {
  const stack = await startLocalStack(options);
  return { stack, clients: stackClients(stack) };
}

export async function closeTestStack(stack: LocalStack, clients: StackClients): Promise<void> {
  clients.destroy();
  await stack.close();
}

export function sample(name: string, runKey?: string): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(join(ROOT, "events/specs", name), "utf8")) as Record<
    string,
    unknown
  >;
  if (runKey) spec.irflow = { ...(spec.irflow as object | undefined), runKey };
  return spec;
}

/** Starts an execution with the spec and waits until it is no longer running. */
export async function runWorkflow(
  stack: LocalStack,
  clients: StackClients,
  spec: unknown,
  name: string,
  timeoutMs = 30_000,
): Promise<DescribeExecutionCommandOutput> {
  const { executionArn } = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachineArn,
      name,
      input: JSON.stringify({ spec, trigger: { type: "manual", detail: "test" } }),
    }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    if (Date.now() > deadline)
      throw new Error(`execution ${name} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat(
  "date-time",
  (text: string) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)),
);
const validators = Object.fromEntries(
  DETAIL_KEYS.map((key) => [
    key,
    ajv.compile(
      JSON.parse(readFileSync(join(ROOT, `events/schemas/outcome-${key}.schema.json`), "utf8")),
    ),
  ]),
) as Record<string, ValidateFunction>;

/** The outcome events published for a job, each checked against its committed JSON Schema. */
export function outcomeEvents(stack: LocalStack, jobName: string): EventEnvelope[] {
  const events = stack.eventbridge.bus
    .received({ busName: "irflow-local" })
    .filter((event) => (event.detail as { jobName?: string }).jobName === jobName);
  for (const event of events) {
    const detail = event.detail as { outcome: Outcome; kind?: JobKindName };
    const validate = validators[detailKeyOf(detail)];
    if (!validate) throw new Error(`no schema for the ${detailKeyOf(detail)} event`);
    if (!validate(detail)) {
      throw new Error(`event does not match its schema: ${ajv.errorsText(validate.errors)}`);
    }
    if (event["detail-type"] !== detailTypeOf(detail)) {
      throw new Error(
        `detail-type ${event["detail-type"]} does not match outcome ${detail.outcome}`,
      );
    }
  }
  return events;
}

export async function record(clients: StackClients, jobName: string): Promise<JobRecord> {
  return clients.store.require(jobName);
}
