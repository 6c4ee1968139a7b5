/**
 * The SageMaker calls of the kind ai-recommendation, translated into what the workflow routes on,
 * as the classic gateway (src/aws/sagemaker-gateway.ts) does: the account's limit is
 * AccountJobLimitError, a refused request JobRejectedError, throttling and 5xx TransientAwsError.
 * The workload config is created idempotently: one of the same name and content is adopted, one
 * of the same name and other content is refused naming both.
 */
import {
  CreateAIRecommendationJobCommand,
  type CreateAIRecommendationJobCommandInput,
  CreateAIWorkloadConfigCommand,
  type CreateAIWorkloadConfigCommandInput,
  DescribeAIRecommendationJobCommand,
  type DescribeAIRecommendationJobCommandOutput,
  DescribeAIWorkloadConfigCommand,
  type DescribeAIWorkloadConfigCommandOutput,
  ResourceInUse,
  ResourceLimitExceeded,
  ResourceNotFound,
  SageMakerClient,
  StopAIRecommendationJobCommand,
} from "@aws-sdk/client-sagemaker";
import { AccountJobLimitError, classifyAwsError, JobRejectedError } from "../../errors.ts";
import { awsClient, type Runtime } from "../../runtime.ts";
import { canonicalJson } from "../../spec/canonical.ts";
import type { AiJobRequest, AiWorkloadRequest } from "./spec.ts";

const isValidationException = (error: unknown) =>
  error instanceof Error && error.name === "ValidationException";

export type AiCreateResult = { created: true; jobArn: string } | { created: false; exists: true };

/** What makes two workload configs the same: what they benchmark with, not their tags. */
const workloadContent = (config: { AIWorkloadConfigs?: unknown; DatasetConfig?: unknown }) =>
  canonicalJson({
    AIWorkloadConfigs: config.AIWorkloadConfigs ?? null,
    DatasetConfig: config.DatasetConfig ?? null,
  });

export function aiRecommendationGateway(runtime: Runtime): AiRecommendationGateway {
  return new AiRecommendationGateway(
    awsClient(runtime, "sagemaker", (settings) => new SageMakerClient(settings)),
  );
}

export class AiRecommendationGateway {
  constructor(private readonly client: SageMakerClient) {}

  /** Creates the workload config, or adopts the one of its name when its content is the same. */
  async ensureWorkloadConfig(
    request: AiWorkloadRequest & { AIWorkloadConfigName: string },
  ): Promise<{ arn: string; adopted: boolean }> {
    try {
      // The spec has checked the request against the service model; the SDK's types are unions.
      const input = request as CreateAIWorkloadConfigCommandInput;
      const created = await this.client.send(new CreateAIWorkloadConfigCommand(input));
      return { arn: created.AIWorkloadConfigArn ?? "", adopted: false };
    } catch (error) {
      if (!(error instanceof ResourceInUse)) {
        // A quota on workload configs is the account's limit, as one on jobs is: back to the queue.
        if (error instanceof ResourceLimitExceeded) {
          throw new AccountJobLimitError(
            `SageMaker refused workload config ${request.AIWorkloadConfigName}: ${error.message}`,
            { cause: error },
          );
        }
        if (isValidationException(error)) {
          throw new JobRejectedError(
            `SageMaker rejected workload config ${request.AIWorkloadConfigName}: ${(error as Error).message}`,
            { cause: error },
          );
        }
        throw classifyAwsError(error, "create the AI workload config");
      }
    }
    let existing: DescribeAIWorkloadConfigCommandOutput;
    try {
      existing = await this.client.send(
        new DescribeAIWorkloadConfigCommand({ AIWorkloadConfigName: request.AIWorkloadConfigName }),
      );
    } catch (error) {
      throw classifyAwsError(error, "describe the AI workload config");
    }
    if (workloadContent(existing) !== workloadContent(request)) {
      throw new JobRejectedError(
        `the workload config ${request.AIWorkloadConfigName} exists with other content (${workloadContent(existing)}) than the spec's (${workloadContent(request)}); give the spec another workload.AIWorkloadConfigName or name the existing one in job.AIWorkloadConfigIdentifier`,
      );
    }
    return { arn: existing.AIWorkloadConfigArn ?? "", adopted: true };
  }

  /** Creates the job; a job of that name that exists already is reported, not thrown. */
  async createJob(
    request: AiJobRequest & { AIRecommendationJobName: string; AIWorkloadConfigIdentifier: string },
  ): Promise<AiCreateResult> {
    try {
      // The SDK's list of instance types lags the service; the spec has checked them.
      const input = request as CreateAIRecommendationJobCommandInput;
      const created = await this.client.send(new CreateAIRecommendationJobCommand(input));
      return { created: true, jobArn: created.AIRecommendationJobArn ?? "" };
    } catch (error) {
      if (error instanceof ResourceInUse) return { created: false, exists: true };
      if (error instanceof ResourceLimitExceeded) {
        throw new AccountJobLimitError(
          `SageMaker refused AI recommendation job ${request.AIRecommendationJobName}: ${error.message}`,
          { cause: error },
        );
      }
      if (isValidationException(error)) {
        throw new JobRejectedError(
          `SageMaker rejected AI recommendation job ${request.AIRecommendationJobName}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "create the AI recommendation job");
    }
  }

  async describeJob(jobName: string): Promise<DescribeAIRecommendationJobCommandOutput> {
    try {
      return await this.client.send(
        new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: jobName }),
      );
    } catch (error) {
      throw classifyAwsError(error, "describe the AI recommendation job");
    }
  }

  /** The job, or undefined when SageMaker has none of that name. */
  async describeJobIfAny(
    jobName: string,
  ): Promise<DescribeAIRecommendationJobCommandOutput | undefined> {
    try {
      return await this.client.send(
        new DescribeAIRecommendationJobCommand({ AIRecommendationJobName: jobName }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFound) return undefined;
      throw classifyAwsError(error, "describe the AI recommendation job");
    }
  }

  /** Stops the job; false when it had already finished or does not exist. */
  async stopJob(jobName: string): Promise<boolean> {
    try {
      await this.client.send(
        new StopAIRecommendationJobCommand({ AIRecommendationJobName: jobName }),
      );
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFound || isValidationException(error)) return false;
      throw classifyAwsError(error, "stop the AI recommendation job");
    }
  }
}
