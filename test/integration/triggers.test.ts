import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  type CreateModelPackageInput,
  DescribeAIRecommendationJobCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  ListExecutionsCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../local/eventbridge/types.ts";
import { functionArn, type LocalStack, startLocalStack } from "../../local/stack.ts";
import {
  modelPackageStateChangeSchema,
  onModelPackageStateChange,
} from "../../src/triggers/registry.ts";
import {
  eventually,
  outcomeEvents,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package";

const triggers = {
  roleArn: ROLE,
  groups: {
    "fraud-xgboost": { job: { JobDescription: "re-tuning of the fraud model" } },
    "churn-xgboost": {
      job: { JobType: "Default", Tags: [{ Key: "team", Value: "growth" }] },
      irflow: { deadlineSeconds: 7200 },
    },
    "bare-model": { job: {} },
    "vision-resnet": { job: {} },
    "llama-chat": {
      kind: "ai-recommendation",
      job: {
        OutputConfig: { S3OutputLocation: "s3://example-models/recommendations/" },
        PerformanceTarget: { Constraints: [{ Metric: "ttft-ms" }] },
        InferenceSpecification: { Framework: "LMI" },
        ComputeSpec: { InstanceTypes: ["ml.g6e.2xlarge", "ml.g5.12xlarge"] },
      },
      workload: {
        AIWorkloadConfigs: {
          WorkloadSpec: {
            Inline:
              "benchmark:\n  type: aiperf\nparameters:\n  prompt_input_tokens_mean: 550\n  output_tokens_mean: 150\n",
          },
        },
      },
      irflow: {
        policy: {
          requestsPerSecond: 5,
          prices: { "ml.g6e.2xlarge": 2.24, "ml.g5.12xlarge": 7.09 },
        },
      },
    },
  },
  schedule: {
    window: "weekly",
    targets: [
      { group: "fraud-xgboost" },
      { group: "churn-xgboost" },
      { group: "vision-resnet" },
      { name: "sentiment", spec: sample("default-model-name.json") },
    ],
  },
};

let stack: LocalStack;
let clients: StackClients;

/** A package version with everything Inference Recommender needs, minus `without`. */
function packageInput(group: string, without: string[] = []): CreateModelPackageInput {
  const input: CreateModelPackageInput = {
    ModelPackageGroupName: group,
    ModelApprovalStatus: "PendingManualApproval",
    Domain: "MACHINE_LEARNING",
    Task: "CLASSIFICATION",
    SamplePayloadUrl: `s3://irflow-samples/${group}/payload.tar.gz`,
    InferenceSpecification: {
      Containers: [
        {
          Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
          ModelDataUrl: `s3://irflow-samples/${group}/model.tar.gz`,
          Framework: "XGBOOST",
          FrameworkVersion: "1.7",
          NearestModelName: "xgboost",
        },
      ],
      SupportedContentTypes: ["text/csv"],
      SupportedResponseMIMETypes: ["text/csv"],
      SupportedRealtimeInferenceInstanceTypes: ["ml.m5.large", "ml.m5.xlarge"],
    },
  };
  for (const field of without) delete (input as Record<string, unknown>)[field];
  return input;
}

/** A package version of an LLM whose uncompressed artifacts are in S3, as an LMI container reads them. */
async function createLlmPackage(group: string): Promise<string> {
  const created = await clients.sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: "PendingManualApproval",
      InferenceSpecification: {
        Containers: [
          {
            Image:
              "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128",
            ModelDataSource: {
              S3DataSource: {
                S3Uri: `s3://example-models/llm/${group}/`,
                S3DataType: "S3Prefix",
                CompressionType: "None",
              },
            },
          },
        ],
        SupportedContentTypes: ["application/json"],
        SupportedResponseMIMETypes: ["application/json"],
      },
    }),
  );
  return created.ModelPackageArn ?? "";
}

async function createPackage(group: string, without: string[] = []): Promise<string> {
  const created = await clients.sagemaker.send(
    new CreateModelPackageCommand(packageInput(group, without)),
  );
  return created.ModelPackageArn ?? "";
}

async function setApproval(
  arn: string,
  status: "Approved" | "Rejected" | "PendingManualApproval",
): Promise<void> {
  await clients.sagemaker.send(
    new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status }),
  );
  await stack.eventbridge.bus.settled();
}

async function executions(prefix: string): Promise<ExecutionListItem[]> {
  const listed = await clients.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, maxResults: 1000 }),
  );
  return (listed.executions ?? []).filter((execution) => execution.name?.startsWith(prefix));
}

async function finished(executionArn: string): Promise<string> {
  return eventually(async () => {
    const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status === "RUNNING" ? undefined : status;
  }, 30_000);
}

function registryEvents(packageArn: string): EventEnvelope[] {
  return stack.eventbridge.bus
    .received({ busName: "default", source: "aws.sagemaker" })
    .filter((event) => event.detail.ModelPackageArn === packageArn);
}

function redeliver(event: EventEnvelope): void {
  stack.eventbridge.bus.putServiceEvent({
    Source: event.source,
    DetailType: event["detail-type"],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
  });
}

function triggerDeliveries(packageArn: string) {
  const ids = new Set(registryEvents(packageArn).map((event) => event.id));
  return stack.eventbridge.bus
    .deliveries()
    .filter(
      (delivery) =>
        ids.has(delivery.eventId) && delivery.targetArn === functionArn("RegistryTrigger"),
    );
}

beforeAll(async () => {
  stack = await startLocalStack({ timeScale: 3000, logLevel: "ERROR", triggers });
  clients = stackClients(stack);
  for (const group of ["churn-xgboost", "bare-model", "vision-resnet", "unlisted", "llama-chat"]) {
    await clients.sagemaker.send(
      new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }),
    );
  }
}, 30_000);

afterAll(async () => {
  clients.destroy();
  await stack.close();
});

describe("model-registry trigger on the local stack", () => {
  it("starts one execution when a package version is approved, which selects a recommendation", async () => {
    // Prepare
    const arn = await createPackage("churn-xgboost");

    // Act
    await setApproval(arn, "Approved");

    // Assess
    const approvals = registryEvents(arn).filter(
      (event) => event.detail.ModelApprovalStatus === "Approved",
    );
    expect(approvals).toHaveLength(1);
    expect(triggerDeliveries(arn).map((delivery) => delivery.status)).toEqual(["delivered"]);
    const started = await executions("registry-churn-xgboost-v1-");
    expect(started).toHaveLength(1);
    const [execution] = started;
    expect(execution?.name).toMatch(/^registry-churn-xgboost-v1-[0-9a-f]{10}$/);
    expect(await finished(execution?.executionArn ?? "")).toBe("SUCCEEDED");
    const events = stack.eventbridge.bus
      .received({ busName: "irflow-local" })
      .filter((event) => (event.detail.trigger as { detail?: string }).detail === arn);
    expect(events).toHaveLength(1);
    const [outcome] = outcomeEvents(stack, String(events[0]?.detail.jobName));
    expect(outcome?.["detail-type"]).toBe("Inference Recommendation Selected");
    expect(outcome?.detail).toMatchObject({
      outcome: "selected",
      trigger: { type: "model-registry", detail: arn },
      model: { key: "model-package/churn-xgboost", packageVersion: 1, packageArn: arn },
    });
  });

  it("starts nothing new when the same approval is delivered again, while running or after", async () => {
    // Prepare
    const arn = await createPackage("churn-xgboost");
    await setApproval(arn, "Approved");
    const [approval] = registryEvents(arn).filter(
      (event) => event.detail.ModelApprovalStatus === "Approved",
    );
    const [first] = await executions("registry-churn-xgboost-v2-");

    // Act
    for (let delivery = 0; delivery < 3; delivery += 1) redeliver(approval as EventEnvelope);
    await stack.eventbridge.bus.settled();
    const whileRunning = await executions("registry-churn-xgboost-v2-");
    await finished(first?.executionArn ?? "");
    for (let delivery = 0; delivery < 3; delivery += 1) redeliver(approval as EventEnvelope);
    await stack.eventbridge.bus.settled();
    const direct = await onModelPackageStateChange(modelPackageStateChangeSchema.parse(approval), {
      sagemaker: clients.sagemaker,
      sfn: clients.sfn,
      stateMachineArn: stack.stateMachineArn,
      config: stack.triggers,
    });

    // Assess
    expect(whileRunning).toHaveLength(1);
    const after = await executions("registry-churn-xgboost-v2-");
    expect(after.map((execution) => execution.executionArn)).toEqual([first?.executionArn]);
    expect(triggerDeliveries(arn).map((delivery) => delivery.status)).toEqual(
      Array(7).fill("delivered"),
    );
    expect(direct).toEqual({
      outcome: "already-started",
      executionName: first?.name,
      executionArn: first?.executionArn,
      status: "SUCCEEDED",
      packageArn: arn,
    });
  });

  it("rejects an approved package that lacks its Domain, naming the field", async () => {
    // Prepare
    const arn = await createPackage("bare-model", ["Domain"]);

    // Act
    await setApproval(arn, "Approved");

    // Assess
    const [execution, ...more] = await executions("registry-bare-model-v1-");
    expect(more).toEqual([]);
    expect(await finished(execution?.executionArn ?? "")).toBe("FAILED");
    const { error } = await clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: execution?.executionArn }),
    );
    expect(error).toBe("SpecRejected");
    const [outcome] = outcomeEvents(stack, `rejected-${execution?.name}`);
    expect(outcome?.["detail-type"]).toBe("Inference Recommendation Rejected");
    expect(outcome?.detail).toMatchObject({
      outcome: "rejected",
      status: "REJECTED",
      trigger: { type: "model-registry", detail: arn },
      failure: {
        errors: [
          {
            path: "ModelPackage.Domain",
            rule: "required",
            message: expect.stringContaining("set it on the model package version"),
          },
        ],
      },
    });
  });

  it("turns an approval in a group of the kind ai-recommendation into an AI recommendation job", async () => {
    // Prepare
    const arn = await createLlmPackage("llama-chat");

    // Act
    await setApproval(arn, "Approved");

    // Assess
    const [execution, ...more] = await executions("registry-llama-chat-v1-");
    expect(more).toEqual([]);
    expect(await finished(execution?.executionArn ?? "")).toBe("SUCCEEDED");
    const [published] = stack.eventbridge.bus
      .received({ busName: "irflow-local" })
      .filter((event) => (event.detail.trigger as { detail?: string }).detail === arn);
    const jobName = String(published?.detail.jobName);
    const [outcome, ...others] = outcomeEvents(stack, jobName);
    expect(others).toEqual([]);
    expect(outcome?.["detail-type"]).toBe("LLM Recommendation Selected");
    expect(outcome?.detail).toMatchObject({
      kind: "ai-recommendation",
      outcome: "selected",
      trigger: { type: "model-registry", detail: arn },
      model: { kind: "model-artifacts", modelUri: "s3://example-models/llm/llama-chat/" },
      deployment: { instanceType: expect.stringMatching(/^ml\.g(5|6e)\./) },
    });
    const described = await clients.sagemaker.send(
      new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: jobName }),
    );
    expect(described.ModelSource?.S3?.S3Uri).toBe("s3://example-models/llm/llama-chat/");
    expect(described.AIRecommendationJobStatus).toBe("Completed");
  });

  it("starts nothing for rejected or pending versions, nor for unconfigured groups", async () => {
    // Prepare
    const rejected = await createPackage("vision-resnet");
    const unlisted = await createPackage("unlisted");
    const before = await executions("registry-");

    // Act
    await setApproval(rejected, "Rejected");
    await setApproval(rejected, "PendingManualApproval");
    await setApproval(unlisted, "Approved");

    // Assess
    expect(registryEvents(rejected).map((event) => event.detail.ModelApprovalStatus)).toEqual([
      "PendingManualApproval",
      "Rejected",
      "PendingManualApproval",
    ]);
    expect(registryEvents(unlisted)).toHaveLength(2);
    expect(triggerDeliveries(rejected)).toEqual([]);
    expect(triggerDeliveries(unlisted)).toEqual([]);
    expect(await executions("registry-")).toHaveLength(before.length);
  });
});

describe("schedule trigger on the local stack", () => {
  it("starts one execution per target and window, and nothing new for a repeated tick", async () => {
    // Prepare: churn-xgboost has an approved version (approving one again starts nothing new).
    const churn = await createPackage("churn-xgboost");
    await setApproval(churn, "Approved");
    const fraud = `${PACKAGE}/fraud-xgboost/7`;

    // Act
    const first = await stack.tickSchedule(new Date("2026-11-23T06:00:00Z"));
    const repeated = await stack.tickSchedule(new Date("2026-11-26T18:30:00Z"));
    const next = await stack.tickSchedule(new Date("2026-11-30T06:00:00Z"));

    // Assess
    expect(first.window).toBe("2026-W48");
    expect(first.targets).toEqual([
      {
        target: "fraud-xgboost",
        kind: "group",
        status: "accepted",
        packageArn: fraud,
        executionName: "schedule-fraud-xgboost-2026-W48",
        executionArn: expect.any(String),
      },
      {
        target: "churn-xgboost",
        kind: "group",
        status: "accepted",
        packageArn: churn,
        executionName: "schedule-churn-xgboost-2026-W48",
        executionArn: expect.any(String),
      },
      {
        target: "vision-resnet",
        kind: "group",
        status: "skipped",
        reason: "vision-resnet has no approved version",
      },
      {
        target: "sentiment",
        kind: "spec",
        status: "accepted",
        executionName: "schedule-sentiment-2026-W48",
        executionArn: expect.any(String),
      },
    ]);
    expect(repeated.window).toBe("2026-W48");
    // A window's execution still running is accepted again, a finished one adopted: the same one.
    expect(
      repeated.targets.map((target) =>
        target.status === "accepted" || target.status === "already-started"
          ? "same"
          : target.status,
      ),
    ).toEqual(["same", "same", "skipped", "same"]);
    expect(repeated.targets.map((target) => target.executionArn)).toEqual(
      first.targets.map((target) => target.executionArn),
    );
    expect(next.window).toBe("2026-W49");
    expect(next.targets.map((target) => target.status)).toEqual([
      "accepted",
      "accepted",
      "skipped",
      "accepted",
    ]);
    const scheduled = await executions("schedule-");
    expect(scheduled.map((execution) => execution.name).sort()).toEqual([
      "schedule-churn-xgboost-2026-W48",
      "schedule-churn-xgboost-2026-W49",
      "schedule-fraud-xgboost-2026-W48",
      "schedule-fraud-xgboost-2026-W49",
      "schedule-sentiment-2026-W48",
      "schedule-sentiment-2026-W49",
    ]);
    for (const execution of scheduled) {
      expect(await finished(execution.executionArn ?? "")).toBe("SUCCEEDED");
    }
    const jobs = stack.eventbridge.bus
      .received({ busName: "irflow-local" })
      .filter((event) => (event.detail.trigger as { type: string }).type === "schedule");
    expect(jobs).toHaveLength(6);
    expect(new Set(jobs.map((event) => event.detail.jobName)).size).toBe(6);
    expect(jobs.map((event) => (event.detail.trigger as { detail: string }).detail).sort()).toEqual(
      ["2026-W48", "2026-W48", "2026-W48", "2026-W49", "2026-W49", "2026-W49"],
    );
  });
});
