import {
  CreateAIRecommendationJobCommand,
  CreateAIWorkloadConfigCommand,
  DescribeAIWorkloadConfigCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  ResourceNotFound,
  SageMakerClient,
  StopAIRecommendationJobCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AccountJobLimitError, JobRejectedError } from "../../../src/errors.ts";
import { AiRecommendationGateway } from "../../../src/kinds/ai-recommendation/gateway.ts";

const sagemaker = mockClient(SageMakerClient);
const gateway = new AiRecommendationGateway(new SageMakerClient({ region: "us-east-1" }));
const WORKLOAD = {
  AIWorkloadConfigName: "llama-workload",
  AIWorkloadConfigs: { WorkloadSpec: { Inline: '{"benchmark":{"type":"aiperf"}}' } },
};
const inUse = () => new ResourceInUse({ message: "exists", $metadata: {} });

beforeEach(() => sagemaker.reset());

describe("the AI recommendation gateway", () => {
  it("creates the workload config, or adopts one of its name with the same content", async () => {
    // Prepare
    sagemaker.on(CreateAIWorkloadConfigCommand).rejects(inUse());
    sagemaker.on(DescribeAIWorkloadConfigCommand).resolves({
      AIWorkloadConfigArn: "arn:workload/llama-workload",
      AIWorkloadConfigName: "llama-workload",
      AIWorkloadConfigs: WORKLOAD.AIWorkloadConfigs,
    });

    // Act
    const adopted = await gateway.ensureWorkloadConfig(WORKLOAD);

    // Assess
    expect(adopted).toEqual({ arn: "arn:workload/llama-workload", adopted: true });
  });

  it("takes a quota on workload configs for the account's limit, which returns it to the queue", async () => {
    // Prepare
    sagemaker
      .on(CreateAIWorkloadConfigCommand)
      .rejects(new ResourceLimitExceeded({ message: "too many workload configs", $metadata: {} }));

    // Act
    const error = await gateway.ensureWorkloadConfig(WORKLOAD).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(AccountJobLimitError);
    expect((error as Error).message).toContain("too many workload configs");
  });

  it("refuses a workload config of its name with other content, naming both", async () => {
    // Prepare
    sagemaker.on(CreateAIWorkloadConfigCommand).rejects(inUse());
    sagemaker.on(DescribeAIWorkloadConfigCommand).resolves({
      AIWorkloadConfigName: "llama-workload",
      AIWorkloadConfigs: { WorkloadSpec: { Inline: '{"benchmark":{"type":"other"}}' } },
    });

    // Act
    const error = await gateway.ensureWorkloadConfig(WORKLOAD).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(JobRejectedError);
    expect((error as Error).message).toContain("exists with other content");
    expect((error as Error).message).toContain('\\"other\\"');
    expect((error as Error).message).toContain('\\"aiperf\\"');
  });

  it("reports a job of its name as existing, the account's limit as AccountJobLimitError", async () => {
    // Prepare
    const request = {
      AIRecommendationJobName: "llama-job",
      ModelSource: { S3: { S3Uri: "s3://models/llama/" } },
      OutputConfig: {},
      AIWorkloadConfigIdentifier: "llama-workload",
      PerformanceTarget: { Constraints: [{ Metric: "ttft-ms" as const }] },
      RoleArn: "arn:aws:iam::111122223333:role/irflow-sagemaker",
    };
    sagemaker
      .on(CreateAIRecommendationJobCommand)
      .rejectsOnce(inUse())
      .rejectsOnce(new ResourceLimitExceeded({ message: "limit", $metadata: {} }));

    // Act
    const existing = await gateway.createJob(request);
    const limited = await gateway.createJob(request).catch((caught: unknown) => caught);

    // Assess
    expect(existing).toEqual({ created: false, exists: true });
    expect(limited).toBeInstanceOf(AccountJobLimitError);
  });

  it("answers false for stopping a job that is gone", async () => {
    // Prepare
    sagemaker
      .on(StopAIRecommendationJobCommand)
      .rejects(new ResourceNotFound({ message: "gone", $metadata: {} }));

    // Act
    const stopped = await gateway.stopJob("llama-job");

    // Assess
    expect(stopped).toBe(false);
  });
});
