import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateAIRecommendationJobCommand,
  type CreateAIRecommendationJobCommandInput,
  CreateAIWorkloadConfigCommand,
  DeleteAIWorkloadConfigCommand,
  DescribeAIWorkloadConfigCommand,
  ListAIRecommendationJobsCommand,
  ListAIWorkloadConfigsCommand,
  StopAIRecommendationJobCommand,
} from "@aws-sdk/client-sagemaker";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AI_MAX_RUN_SECONDS,
  AI_MIN_RUN_SECONDS,
  AI_NOT_ENABLED_REASON,
  AI_STOPPING_SECONDS,
} from "../../../local/sagemaker/ai-recommendations.ts";
import {
  aiRecommendationJobSchema,
  decideAiRecommendation,
} from "../../../src/kinds/ai-recommendation/decide.ts";
import { AiRecommendationGateway } from "../../../src/kinds/ai-recommendation/gateway.ts";
import { llmPolicySchema } from "../../../src/kinds/ai-recommendation/policy.ts";
import { validateAiSpec } from "../../../src/kinds/ai-recommendation/validate.ts";
import { describeAiJob, type LocalAi, rejection, startLocalAi } from "../../support/local-ai.ts";

const ROLE_ARN = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const INLINE_SPEC = JSON.stringify({
  benchmark: { type: "aiperf" },
  parameters: { prompt_input_tokens_mean: 550, output_tokens_mean: 150 },
});

let local: LocalAi;

beforeEach(async () => {
  local = await startLocalAi();
});

afterEach(async () => {
  await local.close();
});

async function createWorkload(target: LocalAi, name = "chat-550") {
  return target.client.send(
    new CreateAIWorkloadConfigCommand({
      AIWorkloadConfigName: name,
      AIWorkloadConfigs: { WorkloadSpec: { Inline: INLINE_SPEC } },
      Tags: [{ Key: "team", Value: "ml" }],
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
    RoleArn: ROLE_ARN,
    InferenceSpecification: { Framework: "LMI" },
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

describe("local AI workload configs", () => {
  it("describes a created workload config with its inline spec, tags and creation time", async () => {
    // Prepare
    const created = await createWorkload(local);

    // Act
    const described = await local.client.send(
      new DescribeAIWorkloadConfigCommand({ AIWorkloadConfigName: "chat-550" }),
    );
    const listed = await local.client.send(new ListAIWorkloadConfigsCommand({}));

    // Assess
    expect(created.AIWorkloadConfigArn).toBe(
      "arn:aws:sagemaker:us-east-1:111122223333:ai-workload-config/chat-550",
    );
    expect(described.AIWorkloadConfigName).toBe("chat-550");
    expect(described.AIWorkloadConfigArn).toBe(created.AIWorkloadConfigArn);
    expect(described.AIWorkloadConfigs?.WorkloadSpec?.Inline).toBe(INLINE_SPEC);
    expect(described.Tags).toEqual([{ Key: "team", Value: "ml" }]);
    expect(described.CreationTime).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(listed.AIWorkloadConfigs?.map((config) => config.AIWorkloadConfigName)).toEqual([
      "chat-550",
    ]);
  });

  it("refuses a second workload config of the same name with ResourceInUse", async () => {
    // Prepare
    await createWorkload(local);

    // Act
    const error = await rejection(createWorkload(local));

    // Assess
    expect(error.name).toBe("ResourceInUse");
  });

  it("refuses a workload config name outside botocore's pattern, naming the member", async () => {
    // Prepare
    const name = "bad_name";

    // Act
    const error = await rejection(createWorkload(local, name));

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("AIWorkloadConfigName");
  });

  it("deletes a workload config, after which describing it is ResourceNotFound", async () => {
    // Prepare
    await createWorkload(local);

    // Act
    const deleted = await local.client.send(
      new DeleteAIWorkloadConfigCommand({ AIWorkloadConfigName: "chat-550" }),
    );
    const error = await rejection(
      local.client.send(new DescribeAIWorkloadConfigCommand({ AIWorkloadConfigName: "chat-550" })),
    );

    // Assess
    expect(deleted.AIWorkloadConfigArn).toContain(":ai-workload-config/chat-550");
    expect(error.name).toBe("ResourceNotFound");
  });
});

describe("local AI recommendation jobs", () => {
  it("runs InProgress for 20 to 40 simulated minutes, then Completed with one recommendation per instance type", async () => {
    // Prepare
    await createWorkload(local);
    const types = ["ml.g6e.2xlarge", "ml.g5.12xlarge", "ml.g6.12xlarge"];
    const created = await local.client.send(
      new CreateAIRecommendationJobCommand(jobRequest("llama-3-8b-chat", types)),
    );

    // Act
    const started = await describeAiJob(local, "llama-3-8b-chat");
    local.advance(AI_MIN_RUN_SECONDS - 1);
    const running = await describeAiJob(local, "llama-3-8b-chat");
    local.advance(AI_MAX_RUN_SECONDS - AI_MIN_RUN_SECONDS + 1);
    const completed = await describeAiJob(local, "llama-3-8b-chat");

    // Assess
    expect(created.AIRecommendationJobArn).toBe(
      "arn:aws:sagemaker:us-east-1:111122223333:ai-recommendation-job/llama-3-8b-chat",
    );
    expect(started.AIRecommendationJobStatus).toBe("InProgress");
    expect(started.Recommendations).toBeUndefined();
    expect(started.StartTime).toEqual(started.CreationTime);
    expect(running.AIRecommendationJobStatus).toBe("InProgress");
    expect(completed.AIRecommendationJobStatus).toBe("Completed");
    const ranSeconds =
      ((completed.EndTime?.getTime() ?? 0) - (completed.CreationTime?.getTime() ?? 0)) / 1000;
    expect(ranSeconds).toBeGreaterThanOrEqual(AI_MIN_RUN_SECONDS);
    expect(ranSeconds).toBeLessThanOrEqual(AI_MAX_RUN_SECONDS);
    const recommendations = completed.Recommendations ?? [];
    expect(recommendations.map((r) => r.DeploymentConfiguration?.InstanceType)).toEqual(types);
    for (const recommendation of recommendations) {
      const deployment = recommendation.DeploymentConfiguration;
      expect(deployment?.InstanceCount).toBe(1);
      expect(deployment?.CopyCountPerInstance).toBeGreaterThanOrEqual(1);
      expect(deployment?.ImageUri).toMatch(/dkr\.ecr\.us-east-1\.amazonaws\.com/);
      expect(deployment?.EnvironmentVariables?.OPTION_TENSOR_PARALLEL_DEGREE).toMatch(/^\d+$/);
      expect(recommendation.ModelDetails?.InstanceDetails).toEqual([
        {
          InstanceType: deployment?.InstanceType,
          InstanceCount: 1,
          CopyCountPerInstance: deployment?.CopyCountPerInstance,
        },
      ]);
      const rows = recommendation.ExpectedPerformance ?? [];
      expect(rows.map((row) => `${row.Metric} ${row.Stat} ${row.Unit}`)).toEqual([
        "TimeToFirstToken p50 ms",
        "TimeToFirstToken p90 ms",
        "TimeToFirstToken p99 ms",
        "InterTokenLatency p50 ms",
        "InterTokenLatency p90 ms",
        "RequestLatency p90 ms",
        "RequestThroughput avg requests/s",
        "OutputTokenThroughput avg tokens/s",
      ]);
      for (const row of rows) {
        expect(Number.isFinite(Number(row.Value)), `${row.Metric} ${row.Value}`).toBe(true);
        expect(Number(row.Value)).toBeGreaterThan(0);
      }
    }
    // The 4-GPU g5.12xlarge holds 4 copies, and out-serves the 1-GPU g6e.2xlarge.
    const throughput = (index: number) =>
      Number(
        recommendations[index]?.ExpectedPerformance?.find(
          (row) => row.Metric === "RequestThroughput",
        )?.Value,
      );
    expect(recommendations[1]?.DeploymentConfiguration?.CopyCountPerInstance).toBe(4);
    expect(throughput(1)).toBeGreaterThan(throughput(0));
  });

  it("recommends two default GPU instance types when the request names none", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("defaults")));

    // Act
    local.advance(AI_MAX_RUN_SECONDS);
    const completed = await describeAiJob(local, "defaults");

    // Assess
    expect(completed.AIRecommendationJobStatus).toBe("Completed");
    expect(completed.Recommendations).toHaveLength(2);
  });

  it("refuses four instance types with a ValidationException naming ComputeSpec.InstanceTypes", async () => {
    // Prepare
    await createWorkload(local);
    const request = jobRequest("too-many", [
      "ml.g5.xlarge",
      "ml.g6.xlarge",
      "ml.g6e.xlarge",
      "ml.p5.4xlarge",
    ]);

    // Act
    const error = await rejection(local.client.send(new CreateAIRecommendationJobCommand(request)));

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("ComputeSpec.InstanceTypes");
  });

  it("refuses an instance type outside botocore's enum, naming its member", async () => {
    // Prepare
    await createWorkload(local);

    // Act
    const error = await rejection(
      local.client.send(new CreateAIRecommendationJobCommand(jobRequest("cpu", ["ml.c5.xlarge"]))),
    );

    // Assess
    expect(error.name).toBe("ValidationException");
    expect(error.message).toContain("ComputeSpec.InstanceTypes.1");
  });

  it("refuses a job whose workload config does not exist with ResourceNotFound", async () => {
    // Prepare
    const request = jobRequest("no-workload");

    // Act
    const error = await rejection(local.client.send(new CreateAIRecommendationJobCommand(request)));

    // Assess
    expect(error.name).toBe("ResourceNotFound");
  });

  it("refuses a second job of the same name with ResourceInUse", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("twice")));

    // Act
    const error = await rejection(
      local.client.send(new CreateAIRecommendationJobCommand(jobRequest("twice"))),
    );

    // Assess
    expect(error.name).toBe("ResourceInUse");
  });

  it("goes Stopping, then Stopped a minute after StopAIRecommendationJob, with no recommendations", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("stop-me")));
    local.advance(60);

    // Act
    const stop = await local.client.send(
      new StopAIRecommendationJobCommand({ AIRecommendationJobName: "stop-me" }),
    );
    const stopping = await describeAiJob(local, "stop-me");
    local.advance(AI_STOPPING_SECONDS);
    const stopped = await describeAiJob(local, "stop-me");
    local.advance(AI_MAX_RUN_SECONDS);
    const later = await describeAiJob(local, "stop-me");

    // Assess
    expect(stop.AIRecommendationJobArn).toContain(":ai-recommendation-job/stop-me");
    expect(stopping.AIRecommendationJobStatus).toBe("Stopping");
    expect(stopping.EndTime).toBeUndefined();
    expect(stopped.AIRecommendationJobStatus).toBe("Stopped");
    expect(stopped.EndTime?.getTime()).toBe(
      (stopped.CreationTime?.getTime() ?? 0) + (60 + AI_STOPPING_SECONDS) * 1000,
    );
    expect(later.AIRecommendationJobStatus).toBe("Stopped");
    expect(later.Recommendations).toBeUndefined();
  });

  it("fails a job whose name contains not-enabled with the feature-not-enabled reason", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("llama-not-enabled")));

    // Act
    const failed = await describeAiJob(local, "llama-not-enabled");

    // Assess
    expect(failed.AIRecommendationJobStatus).toBe("Failed");
    expect(failed.FailureReason).toBe(AI_NOT_ENABLED_REASON);
    expect(failed.Recommendations).toBeUndefined();
  });

  it("lists the jobs newest first, with name, ARN, status and creation time", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("first")));
    local.advance(60);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("second-not-enabled")));

    // Act
    const listed = await local.client.send(new ListAIRecommendationJobsCommand({}));
    const failed = await local.client.send(
      new ListAIRecommendationJobsCommand({ StatusEquals: "Failed" }),
    );

    // Assess
    expect(
      listed.AIRecommendationJobs?.map((job) => [
        job.AIRecommendationJobName,
        job.AIRecommendationJobStatus,
      ]),
    ).toEqual([
      ["second-not-enabled", "Failed"],
      ["first", "InProgress"],
    ]);
    expect(listed.AIRecommendationJobs?.[1]?.AIRecommendationJobArn).toContain(
      ":ai-recommendation-job/first",
    );
    expect(listed.AIRecommendationJobs?.[1]?.CreationTime).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(failed.AIRecommendationJobs?.map((job) => job.AIRecommendationJobName)).toEqual([
      "second-not-enabled",
    ]);
  });

  it("refuses to delete a workload config an in-progress job uses with ResourceInUse", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(new CreateAIRecommendationJobCommand(jobRequest("user")));

    // Act
    const error = await rejection(
      local.client.send(new DeleteAIWorkloadConfigCommand({ AIWorkloadConfigName: "chat-550" })),
    );

    // Assess
    expect(error.name).toBe("ResourceInUse");
  });

  it("gives a longer time to first token for the longer prompts of a YAML workload spec", async () => {
    // Prepare
    await createWorkload(local);
    await local.client.send(
      new CreateAIWorkloadConfigCommand({
        AIWorkloadConfigName: "long-prompts",
        AIWorkloadConfigs: {
          WorkloadSpec: {
            Inline: "benchmark:\n  type: aiperf\nparameters:\n  prompt_input_tokens_mean: 4000\n",
          },
        },
      }),
    );
    await local.client.send(
      new CreateAIRecommendationJobCommand(jobRequest("short", ["ml.g6e.2xlarge"])),
    );
    await local.client.send(
      new CreateAIRecommendationJobCommand({
        ...jobRequest("long", ["ml.g6e.2xlarge"]),
        AIWorkloadConfigIdentifier:
          "arn:aws:sagemaker:us-east-1:111122223333:ai-workload-config/long-prompts",
      }),
    );
    local.advance(AI_MAX_RUN_SECONDS);

    // Act
    const ttftOf = async (name: string) =>
      Number(
        (await describeAiJob(local, name)).Recommendations?.[0]?.ExpectedPerformance?.find(
          (row) => row.Metric === "TimeToFirstToken" && row.Stat === "p50",
        )?.Value,
      );
    const short = await ttftOf("short");
    const long = await ttftOf("long");

    // Assess
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short * 2);
  });

  it("gives the same recommendations on two servers for the same request", async () => {
    // Prepare
    const other = await startLocalAi();
    const types = ["ml.g6e.2xlarge", "ml.p4d.24xlarge"];
    const results = [];

    // Act
    try {
      for (const target of [local, other]) {
        await createWorkload(target);
        await target.client.send(
          new CreateAIRecommendationJobCommand(jobRequest("same-request", types)),
        );
        target.advance(AI_MAX_RUN_SECONDS);
        results.push(await describeAiJob(target, "same-request"));
      }
    } finally {
      await other.close();
    }

    // Assess
    const [first, second] = results;
    expect(first?.AIRecommendationJobStatus).toBe("Completed");
    expect(first?.EndTime).toEqual(second?.EndTime);
    expect(first?.Recommendations).toHaveLength(2);
    expect(second?.Recommendations).toEqual(first?.Recommendations);
  });
});

describe("irflow's ai-recommendation kind against the emulator", () => {
  it("creates the sample spec's workload and job through the gateway and decides on the results", async () => {
    // Prepare
    const spec = validateAiSpec(
      JSON.parse(
        readFileSync(
          join(import.meta.dirname, "../../../events/specs/ai/llama-3-8b-chat.json"),
          "utf8",
        ),
      ),
    );
    if (!spec.valid || !spec.workloadName) throw new Error("the sample spec is invalid");
    const gateway = new AiRecommendationGateway(local.client);
    const workload = { ...spec.spec.workload, AIWorkloadConfigName: spec.workloadName };

    // Act
    const first = await gateway.ensureWorkloadConfig(workload);
    const again = await gateway.ensureWorkloadConfig(workload);
    const created = await gateway.createJob({
      ...spec.spec.job,
      AIRecommendationJobName: spec.jobName,
      AIWorkloadConfigIdentifier: spec.workloadName,
    });
    local.advance(AI_MAX_RUN_SECONDS + 60);
    const response = await gateway.describeJob(spec.jobName);
    const decision = decideAiRecommendation(
      aiRecommendationJobSchema.parse(response),
      llmPolicySchema.parse(spec.spec.irflow?.policy ?? {}),
    );

    // Assess
    expect(first.adopted).toBe(false);
    expect(again).toEqual({ arn: first.arn, adopted: true });
    expect(created.created).toBe(true);
    expect(response.AIRecommendationJobStatus).toBe("Completed");
    expect(decision.ranked.length + decision.rejected.length).toBe(3);
    for (const entry of [...decision.ranked, ...decision.rejected.map((item) => item.entry)]) {
      expect(entry.notes).toEqual([]);
      expect(entry.metrics.ttftMs).toBeGreaterThan(0);
      expect(entry.metrics.outputTokensPerSecond).toBeGreaterThan(0);
    }
  });
});
