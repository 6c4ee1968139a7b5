import {
  ListInferenceRecommendationsJobsCommand,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.ts";
import { decisionSentence } from "../../src/decision/index.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  closeTestStack,
  eventually,
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
  ({ stack, clients } = await openTestStack());
});

afterAll(() => closeTestStack(stack, clients));

beforeEach(() => {
  stack.sagemaker.service.faults.configure({});
  stack.eventbridge.bus.injectFaults({ failEntryRate: 0 });
});

describe("workflow on the local stack", () => {
  it("completes a Default job and publishes the decision on its recommendations", async () => {
    // Prepare
    const spec = sample("default-model-package.json", "default-happy");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "default-happy");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    const job = await record(clients, jobName);
    expect(job.outcome).toBe("selected");
    expect(job.statusHistory.map((change) => change.status)).toEqual([
      "VALIDATED",
      "QUEUED",
      "PENDING",
      "IN_PROGRESS",
      "COMPLETED",
    ]);
    expect(job.pollCount).toBeGreaterThanOrEqual(1);
    const decision = job.decision;
    expect(decision?.outcome).toBe("selected");
    expect(decision?.selected).toEqual(decision?.ranked[0]);
    expect(decision?.latencyUnit).toMatchObject({ unit: "us", source: "auto" });
    const [event, ...more] = outcomeEvents(stack, jobName);
    expect(more).toEqual([]);
    expect(event?.["detail-type"]).toBe("Inference Recommendation Selected");
    expect(event?.detail).toMatchObject({
      outcome: "selected",
      jobName,
      status: "COMPLETED",
      model: { key: "model-package/fraud-xgboost", packageVersion: 7 },
      selected: decision?.selected,
      sentence: decision ? decisionSentence(decision) : "",
      totals: decision?.totals,
      trigger: { type: "manual" },
    });
    expect(job.publishedAt).toBeDefined();
    expect(job.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it("completes an Advanced load test over its endpoint configurations", async () => {
    // Prepare
    const spec = sample("advanced-phases.json", "advanced-happy");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "advanced-happy");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    const job = await record(clients, jobName);
    const types = new Set(
      [
        ...(job.decision?.ranked ?? []),
        ...(job.decision?.rejected ?? []).map((rejection) => rejection.entry),
      ].map((entry) => entry.instanceType),
    );
    expect(types).toEqual(new Set(["ml.c5.xlarge", "ml.m5.xlarge", "ml.c6i.xlarge"]));
    expect(job.jobType).toBe("Advanced");
    expect(outcomeEvents(stack, jobName)).toHaveLength(1);
  });

  it("reports what a job measured on an existing endpoint", async () => {
    // Prepare
    const spec = sample("existing-endpoint.json", "endpoint-benchmark");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "endpoint-benchmark");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    const job = await record(clients, jobName);
    expect(job.outcome).toBe("measured");
    expect(job.decision?.measured).toEqual([
      {
        endpointName: "fraud-xgboost-prod",
        maxInvocations: expect.any(Number),
        latencyMs: expect.any(Number),
      },
    ]);
    // The live endpoint's production variant, read through DescribeEndpoint and its config.
    expect(job.comparison?.current).toMatchObject({
      source: "endpoint",
      endpointName: "fraud-xgboost-prod",
      instanceType: "ml.m5.xlarge",
      instanceCount: 4,
      latencySource: "endpoint-performance",
    });
    const [event] = outcomeEvents(stack, jobName);
    expect(event?.["detail-type"]).toBe("Inference Endpoint Measured");
    expect(event?.detail).toMatchObject({
      outcome: "measured",
      measured: job.decision?.measured,
      comparison: { worthActing: false },
    });
  });

  it("publishes a failed outcome with the reason when the job fails", async () => {
    // Prepare
    stack.sagemaker.service.faults.configure({
      jobs: [{ match: "-failing$", fate: "fail", reason: "payload-error" }],
    });
    const spec = sample("default-model-package.json", "failing");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "failing");

    // Assess
    expect(execution.status).toBe("FAILED");
    expect(execution.error).toBe("JobFailed");
    const job = await record(clients, jobName);
    expect(job.status).toBe("FAILED");
    expect(job.failure?.step).toBe("DiagnoseFailure");
    expect(job.failure?.reason).toContain("sample payload");
    const [event] = outcomeEvents(stack, jobName);
    expect(event?.detail).toMatchObject({
      outcome: "failed",
      status: "FAILED",
      failure: { reason: job.failure?.reason },
    });
  });

  it("reports a job stopped outside irflow as failed", async () => {
    // Prepare
    stack.sagemaker.service.faults.configure({
      jobs: [{ match: "-stopped-outside$", fate: "stuck" }],
    });
    const spec = sample("default-model-package.json", "stopped-outside");
    const jobName = jobNameOf(spec);
    const running = runWorkflow(stack, clients, spec, "stopped-outside");
    await eventually(async () =>
      (await clients.store.get(jobName))?.status === "IN_PROGRESS" ? true : undefined,
    );

    // Act
    await clients.sagemaker.send(new StopInferenceRecommendationsJobCommand({ JobName: jobName }));
    const execution = await running;

    // Assess
    expect(execution.error).toBe("JobFailed");
    const job = await record(clients, jobName);
    expect(job.status).toBe("STOPPED");
    expect(job.failure?.reason).toContain("stopped outside irflow");
    expect(outcomeEvents(stack, jobName)[0]?.detail).toMatchObject({
      outcome: "failed",
      status: "STOPPED",
    });
  });

  it("stops a job that is still running at its deadline and reports a time-out", async () => {
    // Prepare
    stack.sagemaker.service.faults.configure({ jobs: [{ match: "-stuck$", fate: "stuck" }] });
    const spec = sample("default-model-package.json", "stuck");
    spec.irflow = { ...(spec.irflow as object), deadlineSeconds: 1800 };
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "stuck");

    // Assess
    expect(execution.error).toBe("JobTimedOut");
    const job = await record(clients, jobName);
    expect(job.outcome).toBe("timed-out");
    expect(job.statusHistory.at(-1)?.status).toBe("STOPPING");
    // The deadline counts from the job's creation, on the stack's (simulated) clock.
    const ranFor = Date.parse(job.completedAt ?? "") - Date.parse(job.jobStartedAt ?? "");
    expect(ranFor).toBeGreaterThanOrEqual(1800 * 1000);
    const sagemakerJob = await stack.sagemaker.service.describeJob({ JobName: jobName });
    expect(["STOPPING", "STOPPED"]).toContain(sagemakerJob.Status);
    expect(outcomeEvents(stack, jobName)[0]?.detail).toMatchObject({
      outcome: "timed-out",
      failure: { step: "StopJobAtDeadline" },
    });
  });

  it("rejects an invalid spec without creating a job", async () => {
    // Prepare
    const spec = sample("advanced-phases.json", "rejected");
    (spec.job as { InputConfig: { ResourceLimit: unknown } }).InputConfig.ResourceLimit = {
      MaxNumberOfTests: 2,
      MaxParallelOfTests: 5,
    };
    const jobsBefore = await clients.sagemaker.send(
      new ListInferenceRecommendationsJobsCommand({}),
    );

    // Act
    const execution = await runWorkflow(stack, clients, spec, "rejected-spec");

    // Assess
    expect(execution.error).toBe("SpecRejected");
    const jobsAfter = await clients.sagemaker.send(new ListInferenceRecommendationsJobsCommand({}));
    expect(jobsAfter.InferenceRecommendationsJobs).toHaveLength(
      jobsBefore.InferenceRecommendationsJobs?.length ?? 0,
    );
    const job = await record(clients, "rejected-rejected-spec");
    expect(job.status).toBe("REJECTED");
    expect(job.failure?.errors).toEqual([
      {
        path: "job.InputConfig.ResourceLimit.MaxParallelOfTests",
        rule: "parallel-tests",
        message: expect.any(String),
      },
    ]);
    expect(outcomeEvents(stack, "rejected-rejected-spec")[0]?.detail).toMatchObject({
      outcome: "rejected",
      status: "REJECTED",
      failure: { errors: job.failure?.errors },
    });
  });

  it("reports a spec that SageMaker itself refuses as rejected", async () => {
    // Prepare
    const spec = sample("default-model-package.json", "unregistered");
    (spec.job as { InputConfig: Record<string, unknown> }).InputConfig.ModelPackageVersionArn =
      "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud-xgboost/99";
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "unregistered");

    // Assess
    expect(execution.error).toBe("SpecRejected");
    const job = await record(clients, jobName);
    expect(job.failure?.reason).toContain("JobRejectedError");
    expect(job.failure?.reason).toContain("fraud-xgboost/99 does not exist");
    expect(outcomeEvents(stack, jobName)[0]?.detail).toMatchObject({ outcome: "rejected" });
  });

  it("retries throttled SageMaker calls to success", async () => {
    // Prepare
    stack.sagemaker.service.faults.configure({ throttleRate: 0.4, seed: "workflow-throttling" });
    const spec = sample("default-model-package.json", "throttled");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "throttled");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(stack.sagemaker.service.faults.injected.throttled).toBeGreaterThan(0);
    expect((await record(clients, jobName)).outcome).toBe("selected");
  });

  it("retries outcome events that EventBridge does not accept", async () => {
    // Prepare
    stack.eventbridge.bus.injectFaults({ failEntryRate: 0.6, seed: "partial-failures" });
    const spec = sample("default-model-package.json", "partial-publish");
    const jobName = jobNameOf(spec);

    // Act
    const execution = await runWorkflow(stack, clients, spec, "partial-publish");

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(outcomeEvents(stack, jobName)).toHaveLength(1);
    expect((await record(clients, jobName)).eventId).toBe(outcomeEvents(stack, jobName)[0]?.id);
  });

  it("lists a model's jobs newest first", async () => {
    // Prepare
    const first = sample("default-model-name.json", "history-1");
    const second = sample("default-model-name.json", "history-2");
    await runWorkflow(stack, clients, first, "history-1");
    await runWorkflow(stack, clients, second, "history-2");

    // Act
    const history = await clients.store.listByModel("model/sentiment-bert-base");

    // Assess
    expect(history.records.map((job) => job.jobName)).toEqual([
      jobNameOf(second),
      jobNameOf(first),
    ]);
  });
});
