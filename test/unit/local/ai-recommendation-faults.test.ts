/**
 * The emulated AI recommendation API under the faults of local/sagemaker/faults.ts: the same
 * configuration, and the same draws, as the Inference Recommender operations meet.
 */
import {
  CreateAIRecommendationJobCommand,
  type CreateAIRecommendationJobCommandInput,
  CreateAIWorkloadConfigCommand,
  DescribeAIWorkloadConfigCommand,
  ListAIRecommendationJobsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  StopAIRecommendationJobCommand,
} from "@aws-sdk/client-sagemaker";
import { afterEach, describe, expect, it } from "vitest";
import {
  AI_DEPLOY_SECONDS,
  AI_MAX_RUN_SECONDS,
  AI_STOPPING_SECONDS,
} from "../../../local/sagemaker/ai-recommendations.ts";
import type { FaultConfigInput } from "../../../local/sagemaker/faults.ts";
import { categorize } from "../../../src/decision/diagnose.ts";
import { AccountJobLimitError, TransientAwsError } from "../../../src/errors.ts";
import { AiRecommendationGateway } from "../../../src/kinds/ai-recommendation/gateway.ts";
import { describeAiJob, type LocalAi, rejection, startLocalAi } from "../../support/local-ai.ts";

const INLINE_SPEC = JSON.stringify({ parameters: { prompt_input_tokens_mean: 550 } });

let local: LocalAi | undefined;

/** The emulator under these faults, closed after the test. */
async function startFaultyAi(faults: FaultConfigInput, maxAttempts = 1): Promise<LocalAi> {
  local = await startLocalAi({ faults, maxAttempts });
  return local;
}

afterEach(async () => {
  await local?.close();
  local = undefined;
});

function createWorkload(target: LocalAi, name = "chat-550") {
  return target.client.send(
    new CreateAIWorkloadConfigCommand({
      AIWorkloadConfigName: name,
      AIWorkloadConfigs: { WorkloadSpec: { Inline: INLINE_SPEC } },
    }),
  );
}

function jobRequest(name: string, instanceTypes?: string[]): CreateAIRecommendationJobCommandInput {
  return {
    AIRecommendationJobName: name,
    ModelSource: { S3: { S3Uri: "s3://example-models/llm/llama-3-8b-chat/" } },
    OutputConfig: { S3OutputLocation: "s3://example-models/recommendations/" },
    AIWorkloadConfigIdentifier: "chat-550",
    PerformanceTarget: { Constraints: [{ Metric: "ttft-ms" }] },
    RoleArn: "arn:aws:iam::111122223333:role/irflow-sagemaker",
    ...(instanceTypes
      ? {
          ComputeSpec: {
            InstanceTypes: instanceTypes as NonNullable<
              CreateAIRecommendationJobCommandInput["ComputeSpec"]
            >["InstanceTypes"],
          },
        }
      : {}),
  };
}

/** The request as the gateway takes it, which the spec's schema has checked. */
function gatewayRequest(name: string): Parameters<AiRecommendationGateway["createJob"]>[0] {
  return jobRequest(name) as Parameters<AiRecommendationGateway["createJob"]>[0];
}

function createJob(target: LocalAi, name: string, instanceTypes?: string[]) {
  return target.client.send(new CreateAIRecommendationJobCommand(jobRequest(name, instanceTypes)));
}

describe("local AI recommendation API under faults", () => {
  it("throttles and fails AI operations as it does the classic ones, from the same draws", async () => {
    // Prepare
    const target = await startFaultyAi({
      seed: "ai-calls",
      throttleRate: 0.3,
      serverErrorRate: 0.3,
    });

    // Act
    const names: string[] = [];
    for (let call = 0; call < 40; call += 1) {
      const error = await target.client.send(new ListAIRecommendationJobsCommand({})).then(
        () => undefined,
        (caught: Error) => caught,
      );
      names.push(error?.name ?? "ok");
    }

    // Assess
    const { injected } = target.server.service.faults;
    expect(new Set(names)).toEqual(
      new Set(["ok", "ThrottlingException", "InternalFailure", "ServiceUnavailable"]),
    );
    expect(injected.throttled).toBe(names.filter((name) => name === "ThrottlingException").length);
    expect(injected.serverErrors).toBe(
      names.filter((name) => name === "InternalFailure" || name === "ServiceUnavailable").length,
    );
  });

  it("refuses a job past aiJobLimit in flight with ResourceLimitExceeded, and takes it once one ends", async () => {
    // Prepare
    const target = await startFaultyAi({ aiJobLimit: 2, accountJobLimit: 1 });
    await createWorkload(target);
    await createJob(target, "llm-1");
    await createJob(target, "llm-2");

    // Act
    const refused = await rejection(createJob(target, "llm-3"));
    await target.client.send(
      new StopAIRecommendationJobCommand({ AIRecommendationJobName: "llm-1" }),
    );
    const whileStopping = await rejection(createJob(target, "llm-3"));
    target.advance(AI_STOPPING_SECONDS);
    const taken = await createJob(target, "llm-3");

    // Assess
    expect(refused).toBeInstanceOf(ResourceLimitExceeded);
    expect(refused.message).toContain("is 2 jobs, with current utilization of 2 jobs");
    expect(whileStopping).toBeInstanceOf(ResourceLimitExceeded);
    expect(taken.AIRecommendationJobArn).toContain("ai-recommendation-job/llm-3");
    expect(target.server.service.ai.refusedCreates).toBe(2);
    expect(target.server.service.refusedCreates).toBe(0);
  });

  it("gives the gateway AccountJobLimitError for the limit, and TransientAwsError for a 5xx", async () => {
    // Prepare
    const target = await startFaultyAi({ aiJobLimit: 1 });
    await createWorkload(target);
    const gateway = new AiRecommendationGateway(target.client);
    await gateway.createJob(gatewayRequest("llm-1"));

    // Act
    const limited = await rejection(gateway.createJob(gatewayRequest("llm-2")));
    target.server.service.faults.configure({ aiJobLimit: 1, serverErrorRate: 1 });
    const failing = await rejection(gateway.describeJob("llm-1"));

    // Assess
    expect(limited).toBeInstanceOf(AccountJobLimitError);
    expect(failing).toBeInstanceOf(TransientAwsError);
  });

  it("refuses a workload config past aiWorkloadConfigLimit with ResourceLimitExceeded", async () => {
    // Prepare
    const target = await startFaultyAi({ aiWorkloadConfigLimit: 1 });
    await createWorkload(target, "chat-a");

    // Act
    const refused = await rejection(createWorkload(target, "chat-b"));

    // Assess
    expect(refused).toBeInstanceOf(ResourceLimitExceeded);
    expect(refused.message).toContain("'Number of AI workload configs' is 1 configs");
  });

  it("fails a job a jobs entry fails after its first deployment, with a reason the diagnosis reads", async () => {
    // Prepare
    const target = await startFaultyAi({
      jobs: [
        { match: "^capacity-", fate: "fail", reason: "capacity" },
        { match: "^model-", fate: "fail", reason: "model-error" },
        { match: "^quota-", fate: "fail", reason: "quota" },
      ],
    });
    await createWorkload(target);
    for (const name of ["capacity-1", "model-1", "quota-1"]) {
      await createJob(target, name, ["ml.g6e.2xlarge"]);
    }

    // Act
    const early = await describeAiJob(target, "capacity-1");
    target.advance(AI_DEPLOY_SECONDS);
    const failed = await Promise.all(
      ["capacity-1", "model-1", "quota-1"].map((name) => describeAiJob(target, name)),
    );

    // Assess
    expect(early.AIRecommendationJobStatus).toBe("InProgress");
    expect(failed.map((job) => job.AIRecommendationJobStatus)).toEqual([
      "Failed",
      "Failed",
      "Failed",
    ]);
    expect(failed.map((job) => categorize(job.FailureReason ?? ""))).toEqual([
      "capacity",
      "model-error",
      "quota",
    ]);
    expect(failed[0]?.FailureReason).toContain("ml.g6e.2xlarge");
    expect(failed[0]?.EndTime?.getTime()).toBe(
      (failed[0]?.CreationTime?.getTime() ?? 0) + AI_DEPLOY_SECONDS * 1000,
    );
    expect(failed[0]?.Recommendations).toBeUndefined();
  });

  it("keeps a stuck job InProgress until it is stopped, and a job runs the runSeconds an entry sets", async () => {
    // Prepare
    const target = await startFaultyAi({
      jobs: [
        { match: "^stuck-", fate: "stuck" },
        { match: "^quick-", runSeconds: 120 },
      ],
    });
    await createWorkload(target);
    await createJob(target, "stuck-1");
    await createJob(target, "quick-1");

    // Act
    target.advance(120);
    const quick = await describeAiJob(target, "quick-1");
    target.advance(10 * AI_MAX_RUN_SECONDS);
    const stuck = await describeAiJob(target, "stuck-1");
    await target.client.send(
      new StopAIRecommendationJobCommand({ AIRecommendationJobName: "stuck-1" }),
    );
    target.advance(AI_STOPPING_SECONDS);
    const stopped = await describeAiJob(target, "stuck-1");

    // Assess
    expect(quick.AIRecommendationJobStatus).toBe("Completed");
    expect(stuck.AIRecommendationJobStatus).toBe("InProgress");
    expect(stopped.AIRecommendationJobStatus).toBe("Stopped");
  });

  it("drops the recommendation of an instance type whose benchmark fails, and fails the job when none is left", async () => {
    // Prepare
    const target = await startFaultyAi({
      benchmarks: [{ instanceType: "ml.g5.12xlarge", reason: "capacity" }],
    });
    await createWorkload(target);
    await createJob(target, "mixed-1", ["ml.g6e.2xlarge", "ml.g5.12xlarge"]);
    await createJob(target, "only-g5-1", ["ml.g5.12xlarge"]);

    // Act
    target.advance(AI_MAX_RUN_SECONDS);
    const mixed = await describeAiJob(target, "mixed-1");
    const onlyG5 = await describeAiJob(target, "only-g5-1");

    // Assess
    expect(mixed.AIRecommendationJobStatus).toBe("Completed");
    expect(
      mixed.Recommendations?.map((entry) => entry.ModelDetails?.InstanceDetails?.[0]?.InstanceType),
    ).toEqual(["ml.g6e.2xlarge"]);
    expect(onlyG5.AIRecommendationJobStatus).toBe("Failed");
    expect(categorize(onlyG5.FailureReason ?? "")).toBe("capacity");
  });

  it("loses the create answers of a job and its workload config after creating them; a retry finds them", async () => {
    // Prepare
    const target = await startFaultyAi(
      { jobs: [{ match: "^lost-", loseCreateResponse: true }] },
      3,
    );

    // Act
    const config = await rejection(createWorkload(target, "lost-config"));
    const described = await target.client.send(
      new DescribeAIWorkloadConfigCommand({ AIWorkloadConfigName: "lost-config" }),
    );
    await createWorkload(target);
    const job = await rejection(createJob(target, "lost-job"));
    const gateway = new AiRecommendationGateway(target.client);
    const again = await gateway.createJob(gatewayRequest("lost-job"));

    // Assess: the SDK retried the 500 and met the resource it had created.
    const { faults } = target.server.service;
    expect(config).toBeInstanceOf(ResourceInUse);
    expect(described.AIWorkloadConfigName).toBe("lost-config");
    expect(job).toBeInstanceOf(ResourceInUse);
    expect(again).toEqual({ created: false, exists: true });
    expect((await describeAiJob(target, "lost-job")).AIRecommendationJobStatus).toBe("InProgress");
    expect(faults.lostCreateResponses()).toEqual(["lost-job"]);
    expect(faults.lostWorkloadConfigResponses()).toEqual(["lost-config"]);
    expect(faults.injected.lostWorkloadConfigResponses).toBe(1);
  });
});
