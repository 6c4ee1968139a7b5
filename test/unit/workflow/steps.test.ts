import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateInferenceRecommendationsJobCommand,
  DescribeInferenceRecommendationsJobCommand,
  ListInferenceRecommendationsJobStepsCommand,
  ListTagsCommand,
  ResourceInUse,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createJobsTable, LOCAL_TABLE, startDynalite } from "../../../local/stack.ts";
import { SageMakerGateway } from "../../../src/aws/sagemaker-gateway.ts";
import { JobNameTakenError } from "../../../src/errors.ts";
import type { JobSpec } from "../../../src/spec/schema.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { createJob } from "../../../src/workflow/steps/create-job.ts";
import { describeJob } from "../../../src/workflow/steps/describe-job.ts";
import { diagnoseFailure } from "../../../src/workflow/steps/diagnose-failure.ts";
import { stopJob } from "../../../src/workflow/steps/stop-job.ts";
import { JobStore } from "../../../src/workflow/store.ts";
import {
  validatedRecord as fixture,
  TEST_ROLE as ROLE,
  TEST_EXECUTION,
} from "../../support/records.ts";

/** irflow's tags for the test execution, on the default stack. */
const OWN_TAGS = [
  { Key: "irflow:stack", Value: "irflow" },
  { Key: "irflow:execution", Value: TEST_EXECUTION.slice(TEST_EXECUTION.lastIndexOf(":") + 1) },
];

const sagemaker = mockClient(SageMakerClient);
let dynamo: { endpoint: string; close: () => Promise<void> };
let context: { store: JobStore; sagemaker: SageMakerGateway; now: () => Date; stackName: string };
let store: JobStore;
let document: DynamoDBDocumentClient;
let now: Date;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createJobsTable(dynamo.endpoint);
  document = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "l", secretAccessKey: "l" },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  store = new JobStore(document, LOCAL_TABLE);
  context = {
    store,
    sagemaker: new SageMakerGateway(new SageMakerClient({ region: "us-east-1" })),
    now: () => now,
    stackName: "irflow",
  };
});

afterAll(async () => {
  await dynamo.close();
});

beforeEach(() => {
  sagemaker.reset();
  now = new Date("2026-11-23T10:00:00.000Z");
});

function validatedRecord(jobName: string, overrides: Partial<JobRecord> = {}): Promise<JobRecord> {
  return store.create(fixture(jobName, overrides, now));
}

describe("createJob", () => {
  it("adopts a job of its own name created by an earlier attempt of the step", async () => {
    // Prepare
    await validatedRecord("adopt-own");
    sagemaker
      .on(CreateInferenceRecommendationsJobCommand)
      .rejects(new ResourceInUse({ message: "exists", $metadata: {} }));
    sagemaker.on(DescribeInferenceRecommendationsJobCommand).resolves({
      JobArn: "arn:job/adopt-own",
      RoleArn: ROLE,
      CreationTime: new Date(now.getTime() + 1000),
    } as never);
    sagemaker.on(ListTagsCommand).resolves({ Tags: OWN_TAGS });

    // Act
    const output = await createJob({ jobName: "adopt-own" }, context);

    // Assess
    expect(output).toMatchObject({
      jobArn: "arn:job/adopt-own",
      status: "PENDING",
      deadlinePassed: false,
      pollCount: 0,
    });
    // The first look at the job waits for the schedule: never right after CreateJob.
    expect(output.waitSeconds).toBeGreaterThan(60);
    expect(await store.get("adopt-own")).toMatchObject({
      phase: "running",
      jobArn: "arn:job/adopt-own",
    });
  });

  it("tags the job with the stack and the execution, after the spec's own tags", async () => {
    // Prepare
    const spec = fixture("tagged", {}, now).spec as JobSpec;
    await validatedRecord("tagged", {
      spec: { ...spec, job: { ...spec.job, Tags: [{ Key: "team", Value: "fraud" }] } },
    });
    sagemaker.on(CreateInferenceRecommendationsJobCommand).resolves({ JobArn: "arn:job/tagged" });

    // Act
    await createJob({ jobName: "tagged" }, context);

    // Assess
    const [call] = sagemaker.commandCalls(CreateInferenceRecommendationsJobCommand);
    expect(call?.args[0].input.Tags).toEqual([{ Key: "team", Value: "fraud" }, ...OWN_TAGS]);
    expect((await store.get("tagged"))?.createRequestedAt).toBe(now.toISOString());
  });

  it("skips a record of the model it cannot read, says so and counts it, and creates the job", async () => {
    // Prepare: an earlier job of the model whose record no longer parses.
    const model = { key: "model/history-gap", kind: "model" as const, modelName: "m" };
    await validatedRecord("unreadable-earlier", { model });
    await document.send(
      new UpdateCommand({
        TableName: LOCAL_TABLE,
        Key: { jobName: "unreadable-earlier" },
        UpdateExpression: "SET statusHistory = :none",
        ExpressionAttributeValues: { ":none": [] },
      }),
    );
    await validatedRecord("after-gap", { model });
    sagemaker
      .on(CreateInferenceRecommendationsJobCommand)
      .resolves({ JobArn: "arn:job/after-gap" });
    const warnings: unknown[][] = [];
    const metrics = new Metrics({ namespace: "test", serviceName: "test" });
    const counted = vi.spyOn(metrics, "addMetric");

    // Act
    const output = await createJob(
      { jobName: "after-gap" },
      { ...context, logger: { warn: (...args: unknown[]) => warnings.push(args) }, metrics },
    );

    // Assess
    expect(output.jobArn).toBe("arn:job/after-gap");
    expect(counted).toHaveBeenCalledWith("UnreadableRecords", "Count", 1);
    expect(warnings).toEqual([
      [
        expect.stringContaining("unreadable"),
        {
          modelKey: "model/history-gap",
          unreadable: [
            { jobName: "unreadable-earlier", problem: expect.stringContaining("statusHistory") },
          ],
        },
      ],
    ]);
  });

  it("refuses a job of the same name that carries no tags of this execution", async () => {
    // Prepare
    await validatedRecord("not-ours");
    sagemaker
      .on(CreateInferenceRecommendationsJobCommand)
      .rejects(new ResourceInUse({ message: "exists", $metadata: {} }));
    // Created after the record and with the same role: only the tags tell it apart.
    sagemaker.on(DescribeInferenceRecommendationsJobCommand).resolves({
      JobArn: "arn:job/not-ours",
      RoleArn: ROLE,
      CreationTime: new Date(now.getTime() + 1000),
    } as never);
    sagemaker.on(ListTagsCommand).resolves({
      Tags: [
        { Key: "irflow:stack", Value: "irflow" },
        { Key: "irflow:execution", Value: "another" },
      ],
    });

    // Act
    const error = await createJob({ jobName: "not-ours" }, context).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(JobNameTakenError);
    expect((await store.get("not-ours"))?.jobArn).toBeUndefined();
  });
});

describe("describeJob", () => {
  it("counts the deadline from the job's creation, not from validation", async () => {
    // Prepare
    await validatedRecord("late-start", {
      phase: "running",
      jobArn: "arn:job/late-start",
      jobStartedAt: "2026-11-23T13:00:00.000Z",
      status: "PENDING",
    });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ Status: "IN_PROGRESS" } as never);
    now = new Date("2026-11-23T13:30:00.000Z");

    // Act
    const output = await describeJob({ jobName: "late-start", pollsSeen: 0 }, context);

    // Assess
    expect(output.deadlinePassed).toBe(false);
    expect(output.waitSeconds).toBeGreaterThan(0);
  });

  it("returns a retried poll's recorded result instead of counting it twice", async () => {
    // Prepare
    await validatedRecord("retried-poll", {
      phase: "running",
      jobArn: "arn:job/retried-poll",
      jobStartedAt: now.toISOString(),
      status: "PENDING",
    });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ Status: "IN_PROGRESS" } as never);
    const first = await describeJob({ jobName: "retried-poll", pollsSeen: 0 }, context);

    // Act
    const retry = await describeJob({ jobName: "retried-poll", pollsSeen: 0 }, context);

    // Assess
    expect(retry).toEqual(first);
    expect(await store.get("retried-poll")).toMatchObject({
      pollCount: 1,
      waitedSeconds: first.waitSeconds,
    });
  });
});

describe("describeJob's progress check", () => {
  it("lists the steps when the schedule asks, and spares the Describe while work is left", async () => {
    // Prepare
    await validatedRecord("listed", {
      phase: "running",
      jobArn: "arn:job/listed",
      jobStartedAt: now.toISOString(),
      status: "IN_PROGRESS",
      lastPoll: {
        status: "IN_PROGRESS",
        waitSeconds: 600,
        deadlinePassed: false,
        pollCount: 0,
        wantSteps: true,
      },
    });
    sagemaker.on(ListInferenceRecommendationsJobStepsCommand).resolves({
      Steps: [
        { StepType: "BENCHMARK", JobName: "listed", Status: "COMPLETED" },
        { StepType: "BENCHMARK", JobName: "listed", Status: "IN_PROGRESS" },
      ],
    } as never);
    now = new Date(now.getTime() + 600_000);

    // Act
    const output = await describeJob({ jobName: "listed", pollsSeen: 0 }, context);

    // Assess
    expect(output).toMatchObject({ status: "IN_PROGRESS", pollCount: 1 });
    expect(sagemaker.commandCalls(DescribeInferenceRecommendationsJobCommand)).toHaveLength(0);
    expect((await store.get("listed"))?.jobSteps?.steps).toHaveLength(2);
  });
});

describe("stopJob", () => {
  it("stops a job by name when a step failed before its ARN was recorded", async () => {
    // Prepare
    await validatedRecord("orphan", { createRequestedAt: now.toISOString() });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ JobArn: "arn:job/orphan" } as never);
    sagemaker.on(ListTagsCommand).resolves({ Tags: OWN_TAGS });
    sagemaker.on(StopInferenceRecommendationsJobCommand).resolves({});

    // Act
    const output = await stopJob(
      {
        jobName: "orphan",
        reason: "error",
        error: { Error: "TransientAwsError", Cause: "timed out" },
      },
      context,
    );

    // Assess
    expect(output.outcome).toBe("failed");
    expect(sagemaker.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(1);
    expect((await store.get("orphan"))?.status).toBe("STOPPING");
  });

  it("never stops a running job of its name that does not carry this execution's tags", async () => {
    // Prepare
    await validatedRecord("lookalike", {
      phase: "running",
      jobArn: "arn:job/lookalike",
      jobStartedAt: now.toISOString(),
      status: "IN_PROGRESS",
    });
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: "team", Value: "other" }] });

    // Act
    const output = await stopJob({ jobName: "lookalike", reason: "deadline" }, context);

    // Assess
    expect(output.outcome).toBe("timed-out");
    expect(sagemaker.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(0);
    expect((await store.get("lookalike"))?.failure?.reason).toContain(
      "job lookalike was left alone: it does not carry irflow's tags for this execution",
    );
  });

  it("never stops a job of its name when its tags cannot be read", async () => {
    // Prepare
    await validatedRecord("unreadable", { createRequestedAt: now.toISOString() });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ JobArn: "arn:job/unreadable" } as never);
    sagemaker
      .on(ListTagsCommand)
      .rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException" }));

    // Act
    await stopJob(
      { jobName: "unreadable", reason: "error", error: { Error: "TransientAwsError", Cause: "x" } },
      context,
    );

    // Assess
    expect(sagemaker.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(0);
    expect((await store.get("unreadable"))?.failure?.reason).toContain(
      "its tags could not be read (AccessDeniedException",
    );
  });

  it("asks SageMaker nothing when the execution never asked for a job", async () => {
    // Prepare
    await validatedRecord("never-created");

    // Act
    await stopJob(
      {
        jobName: "never-created",
        reason: "error",
        error: { Error: "TransientAwsError", Cause: "x" },
      },
      context,
    );

    // Assess
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it("never stops a job of the same name that irflow did not create", async () => {
    // Prepare
    await validatedRecord("someone-elses");

    // Act
    const output = await stopJob(
      {
        jobName: "someone-elses",
        reason: "error",
        error: { Error: "JobNameTakenError", Cause: "exists" },
      },
      context,
    );

    // Assess
    expect(output.outcome).toBe("failed");
    expect(sagemaker.commandCalls(StopInferenceRecommendationsJobCommand)).toHaveLength(0);
  });

  it("records what a job it stopped at its deadline cost, a running benchmark counted to the stop", async () => {
    // Prepare
    await validatedRecord("stuck", {
      phase: "running",
      jobArn: "arn:job/stuck",
      jobStartedAt: now.toISOString(),
      status: "IN_PROGRESS",
    });
    sagemaker.on(ListTagsCommand).resolves({ Tags: OWN_TAGS });
    sagemaker.on(StopInferenceRecommendationsJobCommand).resolves({});
    sagemaker.on(ListInferenceRecommendationsJobStepsCommand).resolves({
      Steps: [
        benchmarkStep("ml.c5.xlarge", "2026-11-23T09:00:00Z", "2026-11-23T09:30:00Z"),
        benchmarkStep("ml.m5.xlarge", "2026-11-23T09:40:00Z"),
      ],
    } as never);

    // Act
    const output = await stopJob({ jobName: "stuck", reason: "deadline" }, context);

    // Assess: 1,800 s + 420 s at the list price of ml.c5.xlarge ($0.204/h); 1,200 s to the stop
    // at 10:00 + 420 s at ml.m5.xlarge's ($0.23/h).
    expect(output.outcome).toBe("timed-out");
    const cost = (await store.get("stuck"))?.tuningCost;
    expect(cost?.parts.map((part) => [part.seconds, part.priceSource, part.dollars])).toEqual([
      [2220, "list", 0.1258],
      [1620, "list", 0.1035],
    ]);
    expect(cost).toMatchObject({ dollars: 0.2293, unpriced: 0, benchmarks: 2 });
  });

  it("stops the job all the same when its benchmarks cannot be listed for the cost", async () => {
    // Prepare
    await validatedRecord("throttled-steps", {
      phase: "running",
      jobArn: "arn:job/throttled-steps",
      jobStartedAt: now.toISOString(),
      status: "IN_PROGRESS",
    });
    sagemaker.on(ListTagsCommand).resolves({ Tags: OWN_TAGS });
    sagemaker.on(StopInferenceRecommendationsJobCommand).resolves({});
    sagemaker
      .on(ListInferenceRecommendationsJobStepsCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));

    // Act
    const output = await stopJob({ jobName: "throttled-steps", reason: "deadline" }, context);

    // Assess
    expect(output.outcome).toBe("timed-out");
    const record = await store.get("throttled-steps");
    expect(record?.status).toBe("STOPPING");
    expect(record?.tuningCost).toBeUndefined();
  });

  it("records a spec SageMaker refused as rejected", async () => {
    // Prepare
    await validatedRecord("refused");

    // Act
    const output = await stopJob(
      {
        jobName: "refused",
        reason: "error",
        error: { Error: "JobRejectedError", Cause: "no such package" },
      },
      context,
    );

    // Assess
    expect(output.outcome).toBe("rejected");
    expect(await store.get("refused")).toMatchObject({ status: "REJECTED", outcome: "rejected" });
  });
});

/** A BENCHMARK step of ListInferenceRecommendationsJobSteps; without an end, still running. */
function benchmarkStep(instanceType: string, start: string, end?: string) {
  return {
    StepType: "BENCHMARK",
    JobName: "job",
    Status: end ? "COMPLETED" : "IN_PROGRESS",
    InferenceBenchmark: {
      EndpointConfiguration: {
        EndpointName: `e-${instanceType}`,
        VariantName: "v",
        InstanceType: instanceType,
        InitialInstanceCount: 1,
      },
      InvocationStartTime: new Date(start),
      ...(end ? { InvocationEndTime: new Date(end) } : {}),
    },
  };
}

describe("diagnoseFailure", () => {
  it("prices a failed job's benchmarks at the list price, as the job gives none", async () => {
    // Prepare
    await validatedRecord("failed-priced", {
      phase: "running",
      jobArn: "arn:job/failed-priced",
      jobStartedAt: now.toISOString(),
      status: "FAILED",
    });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ Status: "FAILED", FailureReason: "the model did not start" } as never);
    sagemaker.on(ListInferenceRecommendationsJobStepsCommand).resolves({
      Steps: [
        benchmarkStep("ml.c5.xlarge", "2026-11-23T09:00:00Z", "2026-11-23T09:10:00Z"),
        benchmarkStep("ml.x9.unlisted", "2026-11-23T09:00:00Z", "2026-11-23T09:10:00Z"),
      ],
    } as never);

    // Act
    await diagnoseFailure({ jobName: "failed-priced" }, context);

    // Assess: (600 + 420) s at $0.204/h; the unlisted type stays unpriced.
    expect((await store.get("failed-priced"))?.tuningCost).toMatchObject({
      dollars: 0.0578,
      unpriced: 1,
      parts: [
        { instanceType: "ml.c5.xlarge", priceSource: "list", dollars: 0.0578 },
        { instanceType: "ml.x9.unlisted" },
      ],
    });
  });

  it("keeps the job's own failure reason when its benchmarks cannot be listed", async () => {
    // Prepare
    await validatedRecord("denied-steps", {
      phase: "running",
      jobArn: "arn:job/denied-steps",
      jobStartedAt: now.toISOString(),
      status: "FAILED",
    });
    sagemaker
      .on(DescribeInferenceRecommendationsJobCommand)
      .resolves({ Status: "FAILED", FailureReason: "the model did not start" } as never);
    sagemaker
      .on(ListInferenceRecommendationsJobStepsCommand)
      .rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException" }));

    // Act
    const output = await diagnoseFailure({ jobName: "denied-steps" }, context);

    // Assess
    expect(output.outcome).toBe("failed");
    const reason = (await store.get("denied-steps"))?.failure?.reason;
    expect(reason).toContain("the model did not start");
    expect(reason).toContain("benchmark details unavailable (AccessDeniedException)");
  });
});
