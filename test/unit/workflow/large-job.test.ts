import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobStepsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertRequestLimits } from "../../../local/eventbridge/entries.ts";
import { createJobsTable, LOCAL_TABLE, startDynalite } from "../../../local/stack.ts";
import { SageMakerGateway } from "../../../src/aws/sagemaker-gateway.ts";
import { SpendStore } from "../../../src/budget/spend.ts";
import { diagnoseFailure, RECORD_MAX_BYTES } from "../../../src/decision/index.ts";
import { MAX_POLICY_FAMILIES } from "../../../src/decision/policy.ts";
import { queueStoresOn } from "../../../src/queue/store.ts";
import { created, diagnosed, polled } from "../../../src/workflow/lifecycle.ts";
import { publishRecord } from "../../../src/workflow/steps/publish-outcome.ts";
import { selectRecommendation } from "../../../src/workflow/steps/select-recommendation.ts";
import { validateJobSpec } from "../../../src/workflow/steps/validate-spec.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { runningRecord } from "../../support/records.ts";
import { sampleSpec } from "../../support/specs.ts";

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
let dynamo: { endpoint: string; close: () => Promise<void> };
let documents: DynamoDBDocumentClient;

/** 1,000 recommendations: 10 instance types, each with 100 environment parameter settings. */
function recommendations() {
  return Array.from({ length: 1000 }, (_, index) => ({
    RecommendationId: `rec-${String(index).padStart(4, "0")}`,
    EndpointConfiguration: {
      EndpointName: `sm-epc-${index}`,
      VariantName: "AllTraffic",
      InstanceType: `ml.c5.${["large", "xlarge", "2xlarge", "4xlarge", "9xlarge"][index % 5]}`,
      InitialInstanceCount: 1,
    },
    ModelConfiguration: {
      EnvironmentParameters: [
        { Key: "OMP_NUM_THREADS", ValueType: "String", Value: String((index % 8) + 1) },
        { Key: "BATCH_SIZE", ValueType: "String", Value: String(2 ** (index % 7)) },
      ],
    },
    Metrics: {
      CostPerHour: 0.1 + (index % 37) / 10,
      CostPerInference: 0.000001 + (index % 53) / 1e6,
      MaxInvocations: 500 + (index % 41) * 25,
      ModelLatency: 8000 + (index % 29) * 1500,
      CpuUtilization: 40,
      MemoryUtilization: 30,
    },
  }));
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await createJobsTable(dynamo.endpoint);
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "l", secretAccessKey: "l" },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(() => {
  sagemaker.reset();
  events.reset();
});

/** Most bytes of an execution input StartExecution accepts (256 KiB). */
const MAX_EXECUTION_INPUT_BYTES = 262_144;

/**
 * The largest valid spec StartExecution takes: full policy lists and content types of 256
 * characters up to 256 KiB of execution input.
 */
function largestExecutionInput(runKey: string) {
  const spec = sampleSpec("default-model-name.json") as {
    job: {
      InputConfig: { ContainerConfig: { PayloadConfig: { SupportedContentTypes: string[] } } };
    };
    irflow?: unknown;
  };
  spec.irflow = {
    runKey,
    policy: {
      requestsPerMinute: 1000,
      instanceFamilies: [
        "ml.c5",
        ...Array.from({ length: MAX_POLICY_FAMILIES - 1 }, (_, i) => `ml.c${i}-${"f".repeat(40)}`),
      ],
      excludeInstanceFamilies: Array.from(
        { length: MAX_POLICY_FAMILIES },
        (_, i) => `ml.x${i}-${"e".repeat(40)}`,
      ),
    },
  };
  const types = spec.job.InputConfig.ContainerConfig.PayloadConfig.SupportedContentTypes;
  const input = { spec, trigger: { type: "manual" as const, detail: "d".repeat(5000) } };
  const padding = (i: number) => `${String(i).padStart(6, "0")}/${"t".repeat(249)}`;
  while (Buffer.byteLength(JSON.stringify(input)) + 260 <= MAX_EXECUTION_INPUT_BYTES) {
    types.push(padding(types.length));
  }
  return input;
}

/** The record JSON's size, after DynamoDB took it (dynalite refuses an item over 400 KB). */
async function recordBytes(store: JobStore, jobName: string) {
  return Buffer.byteLength(JSON.stringify(await store.require(jobName)));
}

/** The PutEvents entry as published, checked against the local bus's 256 KB limit. */
function publishedEntry() {
  const [entry] = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
  if (!entry) throw new Error("no event was put");
  assertRequestLimits([entry as never]);
  return entry;
}

describe("a job with 1,000 recommendations", () => {
  it("is decided, recorded within DynamoDB's item limit and published within EventBridge's", async () => {
    // Prepare
    const store = new JobStore(documents, LOCAL_TABLE);
    const now = new Date("2026-11-23T12:00:00.000Z");
    await store.create(
      runningRecord("large-job", {
        jobType: "Advanced",
        status: "COMPLETED",
        completedAt: now.toISOString(),
      }),
    );
    sagemaker.on(DescribeInferenceRecommendationsJobCommand).resolves({
      JobName: "large-job",
      JobType: "Advanced",
      Status: "COMPLETED",
      InferenceRecommendations: recommendations(),
    } as never);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    // Act
    const decided = await selectRecommendation(
      { jobName: "large-job" },
      {
        store,
        sagemaker: new SageMakerGateway(new SageMakerClient({ region: "us-east-1" })),
        now: () => now,
      },
    );
    const publication = await publishRecord("large-job", {
      store,
      spend: new SpendStore(documents, LOCAL_TABLE),
      queues: queueStoresOn(documents, LOCAL_TABLE),
      events: new EventBridgeClient({ region: "us-east-1" }),
      publish: { busName: "irflow", source: "irflow" },
      retentionDays: 1,
      now: () => now,
      sleep: async () => undefined,
    });

    // Assess
    expect(decided.outcome).toBe("selected");
    expect(publication).toMatchObject({ outcome: "selected", recorded: true });
    const record = await store.require("large-job");
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(400_000);
    const [entry] = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(Buffer.byteLength(entry?.Detail ?? "")).toBeLessThan(256_000);
    expect(JSON.parse(entry?.Detail ?? "{}")).toMatchObject({ outcome: "selected" });
  });
});

describe("the largest spec StartExecution accepts", () => {
  const now = new Date("2026-11-23T12:00:00.000Z");
  const store = () => new JobStore(documents, LOCAL_TABLE);
  const publish = (jobName: string) =>
    publishRecord(jobName, {
      store: store(),
      spend: new SpendStore(documents, LOCAL_TABLE),
      queues: queueStoresOn(documents, LOCAL_TABLE),
      events: new EventBridgeClient({ region: "us-east-1" }),
      publish: { busName: "irflow", source: "irflow" },
      retentionDays: 1,
      now: () => now,
      sleep: async () => undefined,
    });

  /** Validated and running, with a listing of 1,000 benchmark steps in the record. */
  async function runningLargest(runKey: string) {
    const request = largestExecutionInput(runKey);
    expect(Buffer.byteLength(JSON.stringify(request))).toBeGreaterThan(
      MAX_EXECUTION_INPUT_BYTES - 1000,
    );
    expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThanOrEqual(
      MAX_EXECUTION_INPUT_BYTES,
    );
    const validated = await validateJobSpec(
      {
        request,
        executionArn: `arn:aws:states:us-east-1:1:execution:sm:${runKey}`,
        executionName: runKey,
      },
      { store: store(), now: () => now },
    );
    if (!validated.valid)
      throw new Error(`the largest spec is not valid: ${JSON.stringify(validated)}`);
    const { jobName } = validated;
    await store().mutate(jobName, (record) =>
      created(record, { jobArn: `arn:job/${jobName}`, historySeconds: [] }, now),
    );
    const steps = {
      observedAtSeconds: 600,
      steps: Array.from({ length: 1000 }, (_, i) => ({
        status: "COMPLETED",
        startSeconds: 100 + i * 1.123456789,
        endSeconds: 200 + i * 1.987654321,
      })),
    };
    await store().mutate(
      jobName,
      (record) => polled(record, { status: "COMPLETED", completedAt: now, steps }, now).change,
    );
    return jobName;
  }

  /** SageMaker's answer for the job: completed, with 1,000 recommendations. */
  function completesWithThousandEntries(jobName: string): void {
    sagemaker.on(DescribeInferenceRecommendationsJobCommand).resolves({
      JobName: jobName,
      JobType: "Default",
      Status: "COMPLETED",
      InferenceRecommendations: recommendations(),
    } as never);
  }

  const select = (jobName: string) =>
    selectRecommendation(
      { jobName },
      {
        store: store(),
        sagemaker: new SageMakerGateway(new SageMakerClient({ region: "us-east-1" })),
        now: () => now,
      },
    );

  it("with 1,000 entries keeps its record within DynamoDB's limit and its event within EventBridge's", async () => {
    // Prepare
    const jobName = await runningLargest("largest-selected");
    completesWithThousandEntries(jobName);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });

    // Act
    const decided = await select(jobName);
    const publication = await publish(jobName);

    // Assess
    expect(decided.outcome).toBe("selected");
    expect(publication).toMatchObject({ outcome: "selected", recorded: true });
    const record = await store().require(jobName);
    expect(Buffer.byteLength(JSON.stringify(record.spec))).toBeGreaterThan(250_000);
    const bytes = await recordBytes(store(), jobName);
    console.info(
      `1,000 entries: record ${bytes} B, event ${Buffer.byteLength(publishedEntry().Detail ?? "")} B`,
    );
    expect(bytes).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    expect(record.decision?.totals.entries).toBe(1000);
    expect((record.decision?.ranked.length ?? 0) + (record.decision?.omitted.ranked ?? 0)).toBe(
      record.decision?.totals.feasible,
    );
    const entry = publishedEntry();
    expect(Buffer.byteLength(entry.Detail ?? "")).toBeLessThan(256_000);
    const detail = JSON.parse(entry.Detail ?? "{}");
    expect(detail.totals.entries).toBe(1000);
    expect(detail.ranked.length + detail.omitted.ranked).toBe(detail.totals.feasible);
  });

  it("completed with 1,000 entries and 300 failed benchmarks of 1 KB keeps both within their limits", async () => {
    // Prepare
    const jobName = await runningLargest("largest-partly-failed");
    completesWithThousandEntries(jobName);
    sagemaker.on(ListInferenceRecommendationsJobStepsCommand).resolves({
      Steps: Array.from({ length: 300 }, (_, i) => ({
        StepType: "BENCHMARK",
        JobName: jobName,
        Status: "FAILED",
        InferenceBenchmark: {
          FailureReason: `ModelError on benchmark ${i}: ${"r".repeat(1000)}`,
          EndpointConfiguration: { EndpointName: `endpoint-${i}`, InstanceType: "ml.c5.xlarge" },
        },
      })),
    } as never);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-3" }] });

    // Act
    const decided = await select(jobName);
    const publication = await publish(jobName);

    // Assess
    expect(decided.outcome).toBe("selected");
    expect(publication).toMatchObject({ outcome: "selected", recorded: true });
    const bytes = await recordBytes(store(), jobName);
    const eventBytes = Buffer.byteLength(publishedEntry().Detail ?? "");
    console.info(
      `completed, 1,000 entries and 300 failed benchmarks: record ${bytes} B, event ${eventBytes} B`,
    );
    expect(bytes).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    expect(eventBytes).toBeLessThan(256_000);
    const record = await store().require(jobName);
    const kept = record.diagnosis?.failedBenchmarks.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(kept + (record.diagnosis?.omittedFailedBenchmarks ?? 0)).toBe(300);
    expect(record.decision?.totals.entries).toBe(1000);
  });

  it("with 300 benchmark failures of 1 KB keeps its record and its event within their limits", async () => {
    // Prepare
    const jobName = await runningLargest("largest-failed");
    const steps = Array.from({ length: 300 }, (_, i) => ({
      Status: "FAILED",
      InferenceBenchmark: {
        FailureReason: `ModelError on benchmark ${i}: ${"r".repeat(1000)}`,
        EndpointConfiguration: { EndpointName: `endpoint-${i}`, InstanceType: "ml.c5.xlarge" },
      },
    }));
    const diagnosis = diagnoseFailure({ jobName, status: "FAILED", steps, region: "us-east-1" });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-2" }] });

    // Act
    await store().mutate(jobName, (record) => diagnosed(record, { diagnosis }, now));
    const publication = await publish(jobName);

    // Assess
    expect(publication).toMatchObject({ outcome: "failed", recorded: true });
    const bytes = await recordBytes(store(), jobName);
    console.info(
      `300 failures of 1 KB: record ${bytes} B, event ${Buffer.byteLength(publishedEntry().Detail ?? "")} B`,
    );
    expect(bytes).toBeLessThanOrEqual(RECORD_MAX_BYTES);
    const record = await store().require(jobName);
    const kept = record.diagnosis?.failedBenchmarks.length ?? 0;
    expect(kept).toBeGreaterThan(0);
    expect(kept + (record.diagnosis?.omittedFailedBenchmarks ?? 0)).toBe(300);
    expect(record.failure?.reason).toMatch(/\.\.\. and \d+ more \(model-error; logs:/);
    const entry = publishedEntry();
    expect(Buffer.byteLength(entry.Detail ?? "")).toBeLessThan(256_000);
    const detail = JSON.parse(entry.Detail ?? "{}");
    expect(
      detail.diagnosis.failedBenchmarks.length + detail.diagnosis.omittedFailedBenchmarks,
    ).toBe(300);
  });
});
