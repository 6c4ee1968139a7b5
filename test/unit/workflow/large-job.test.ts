import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  DescribeInferenceRecommendationsJobCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobsTable, LOCAL_TABLE, startDynalite } from "../../../local/stack.ts";
import { SageMakerGateway } from "../../../src/aws/sagemaker-gateway.ts";
import { QueueStore } from "../../../src/queue/store.ts";
import { publishRecord } from "../../../src/workflow/steps/publish-outcome.ts";
import { selectRecommendation } from "../../../src/workflow/steps/select-recommendation.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import { runningRecord } from "../../support/records.ts";

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
      queue: new QueueStore(documents, LOCAL_TABLE),
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
