/**
 * The SageMaker calls the workflow makes, each translated into what the workflow routes on:
 * SageMaker's modeled exceptions are told apart by the SDK's exported classes; throttling and 5xx
 * become TransientAwsError. ValidationException is not modeled by the SageMaker SDK, so it alone
 * is recognised by name.
 */
import {
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceRecommendationsJobCommand,
  type DescribeInferenceRecommendationsJobCommandOutput,
  GetScalingConfigurationRecommendationCommand,
  type GetScalingConfigurationRecommendationCommandOutput,
  type InferenceRecommendationsJobStep,
  ListInferenceRecommendationsJobStepsCommand,
  ListTagsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  ResourceNotFound,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import { capText, type ScalingRequest } from "../decision/index.ts";
import {
  AccountJobLimitError,
  classifyAwsError,
  JobRejectedError,
  TransientAwsError,
} from "../errors.ts";
import { awsClient, type Runtime } from "../runtime.ts";
import type { JobRequest, JobTag } from "../spec/schema.ts";

const isValidationException = (error: unknown) =>
  error instanceof Error && error.name === "ValidationException";

export type CreateResult = { created: true; jobArn: string } | { created: false; exists: true };

export type JobDescription = DescribeInferenceRecommendationsJobCommandOutput;

/** A live endpoint's production variant: what production runs on. */
export interface ProductionVariant {
  endpointName: string;
  instanceType: string;
  instanceCount: number;
}

/** What could be read, or, when a refusal other than throttling stopped it, a note saying so. */
export type ReadResult<T> = { value: T; note?: undefined } | { value?: undefined; note: string };

/** A job's tags as read now: none when no job has the name, a note when they cannot be read. */
export type JobTags =
  | { found: false }
  | { found: true; jobArn: string; tags: JobTag[]; note?: undefined }
  | { found: true; jobArn?: string | undefined; tags?: undefined; note: string };

export type ScalingRecommendation = GetScalingConfigurationRecommendationCommandOutput;

/** The most characters of an AWS error message a note quotes. */
const MAX_NOTE_MESSAGE_CHARS = 500;

/** Pages of benchmark steps read at most, 100 steps each. */
const MAX_STEP_PAGES = 10;

/** The gateway, reached with the runtime's SageMaker settings. */
export function sagemakerGateway(runtime: Runtime): SageMakerGateway {
  return new SageMakerGateway(
    awsClient(runtime, "sagemaker", (settings) => new SageMakerClient(settings)),
  );
}

export class SageMakerGateway {
  constructor(private readonly client: SageMakerClient) {}

  /** Creates the job; a job of that name that exists already is reported, not thrown. */
  async createJob(request: JobRequest & { JobName: string }): Promise<CreateResult> {
    try {
      // The SDK's list of instance types lags the service; the spec has checked their form.
      const input = request as CreateInferenceRecommendationsJobCommandInput;
      const created = await this.client.send(new CreateInferenceRecommendationsJobCommand(input));
      return { created: true, jobArn: created.JobArn ?? "" };
    } catch (error) {
      if (error instanceof ResourceInUse) return { created: false, exists: true };
      if (error instanceof ResourceLimitExceeded) {
        throw new AccountJobLimitError(
          `SageMaker refused job ${request.JobName}: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      if (isValidationException(error)) {
        throw new JobRejectedError(
          `SageMaker rejected job ${request.JobName}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw classifyAwsError(error, "create the Inference Recommender job");
    }
  }

  async describeJob(jobName: string): Promise<JobDescription> {
    try {
      return await this.client.send(
        new DescribeInferenceRecommendationsJobCommand({ JobName: jobName }),
      );
    } catch (error) {
      throw classifyAwsError(error, "describe the Inference Recommender job");
    }
  }

  /**
   * The tags of the job of this name (ListTags on its ARN, described first when not known). A
   * refusal other than throttling becomes a note: tags that cannot be read prove nothing.
   */
  async jobTags(jobName: string, knownArn?: string): Promise<JobTags> {
    let jobArn = knownArn;
    try {
      jobArn ??= (
        await this.client.send(new DescribeInferenceRecommendationsJobCommand({ JobName: jobName }))
      ).JobArn;
      if (!jobArn) return { found: false };
      const tags: JobTag[] = [];
      let NextToken: string | undefined;
      // A job has at most 50 tags: one page, or two at most.
      for (let page = 0; page < 3; page += 1) {
        const response = await this.client.send(
          new ListTagsCommand({
            ResourceArn: jobArn,
            MaxResults: 100,
            ...(NextToken ? { NextToken } : {}),
          }),
        );
        for (const tag of response.Tags ?? []) {
          if (tag.Key !== undefined) tags.push({ Key: tag.Key, Value: tag.Value ?? "" });
        }
        NextToken = response.NextToken;
        if (!NextToken) break;
      }
      return { found: true, jobArn, tags };
    } catch (error) {
      if (error instanceof ResourceNotFound) return { found: false };
      const classified = classifyAwsError(error, "read the job's tags");
      if (classified instanceof TransientAwsError) throw classified;
      return {
        found: true,
        jobArn,
        note: `${(error as Error).name}: ${(error as Error).message}`,
      };
    }
  }

  /** Stops the job; false when it had already finished or does not exist. */
  async stopJob(jobName: string): Promise<boolean> {
    try {
      await this.client.send(new StopInferenceRecommendationsJobCommand({ JobName: jobName }));
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFound || isValidationException(error)) return false;
      throw classifyAwsError(error, "stop the Inference Recommender job");
    }
  }

  /**
   * Every benchmark of a job that has ended (ListInferenceRecommendationsJobSteps), read once for
   * its failures and its cost. A refusal other than throttling (access denied, say) must not hide
   * the job's own failure reason: it becomes a note.
   */
  async endedJobBenchmarks(
    jobName: string,
  ): Promise<ReadResult<InferenceRecommendationsJobStep[]>> {
    try {
      return { value: await this.benchmarkSteps(jobName) };
    } catch (error) {
      const classified = classifyAwsError(error, "list the job's benchmarks");
      if (classified instanceof TransientAwsError) throw classified;
      return { note: `benchmark details unavailable (${(error as Error).name})` };
    }
  }

  /** Every benchmark step of the job as listed now: how far the job has got. */
  async listBenchmarkSteps(jobName: string): Promise<InferenceRecommendationsJobStep[]> {
    try {
      return await this.benchmarkSteps(jobName);
    } catch (error) {
      throw classifyAwsError(error, "list the job's benchmark steps");
    }
  }

  private async benchmarkSteps(jobName: string): Promise<InferenceRecommendationsJobStep[]> {
    const steps: InferenceRecommendationsJobStep[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_STEP_PAGES; page += 1) {
      const response = await this.client.send(
        new ListInferenceRecommendationsJobStepsCommand({
          JobName: jobName,
          StepType: "BENCHMARK",
          MaxResults: 100,
          ...(NextToken ? { NextToken } : {}),
        }),
      );
      steps.push(...(response.Steps ?? []));
      NextToken = response.NextToken;
      if (!NextToken) break;
    }
    return steps;
  }

  /**
   * The production variant of a live endpoint (DescribeEndpoint, then its endpoint config): the
   * variant with the most traffic, its instance type and its current instance count. An endpoint
   * that does not exist, is serverless or cannot be read gives a note instead.
   */
  async productionVariant(endpointName: string): Promise<ReadResult<ProductionVariant>> {
    try {
      const endpoint = await this.client.send(
        new DescribeEndpointCommand({ EndpointName: endpointName }),
      );
      const config = await this.client.send(
        new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }),
      );
      const live = [...(endpoint.ProductionVariants ?? [])].sort(
        (a, b) => (b.CurrentWeight ?? 0) - (a.CurrentWeight ?? 0),
      )[0];
      const variants = config.ProductionVariants ?? [];
      const configured =
        variants.find((variant) => variant.VariantName === live?.VariantName) ?? variants[0];
      const instanceType = configured?.InstanceType;
      const instanceCount = live?.CurrentInstanceCount ?? configured?.InitialInstanceCount;
      if (!instanceType || !instanceCount) {
        return {
          note: `endpoint ${endpointName} has no instance-based production variant (serverless, or still creating)`,
        };
      }
      return { value: { endpointName, instanceType, instanceCount } };
    } catch (error) {
      const classified = classifyAwsError(error, `describe endpoint ${endpointName}`);
      if (classified instanceof TransientAwsError) throw classified;
      return {
        note: `endpoint ${endpointName} could not be read (${(error as Error).name}: ${(error as Error).message})`,
      };
    }
  }

  /**
   * AWS's autoscaling configuration for one recommendation of a completed job, for the traffic
   * given (GetScalingConfigurationRecommendation). It only sits beside irflow's own proposal, so
   * any refusal, throttling included, becomes a note rather than fail the step.
   */
  async scalingRecommendation(
    jobName: string,
    request: ScalingRequest,
  ): Promise<ReadResult<ScalingRecommendation>> {
    try {
      const response = await this.client.send(
        new GetScalingConfigurationRecommendationCommand({
          InferenceRecommendationsJobName: jobName,
          RecommendationId: request.recommendationId,
          ...(request.targetCpuUtilizationPerCore !== undefined
            ? { TargetCpuUtilizationPerCore: request.targetCpuUtilizationPerCore }
            : {}),
          ScalingPolicyObjective: {
            MinInvocationsPerMinute: request.minInvocationsPerMinute,
            MaxInvocationsPerMinute: request.maxInvocationsPerMinute,
          },
        }),
      );
      return { value: response };
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      const message = error instanceof Error ? error.message : String(error);
      return {
        note: `AWS's scaling recommendation unavailable (${name}: ${capText(message, MAX_NOTE_MESSAGE_CHARS)})`,
      };
    }
  }
}
