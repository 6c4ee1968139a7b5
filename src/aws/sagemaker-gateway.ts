/**
 * The SageMaker calls the workflow makes, each translated into what the workflow routes on:
 * SageMaker's modeled exceptions are told apart by the SDK's exported classes; throttling and 5xx
 * become TransientAwsError. ValidationException is not modeled by the SageMaker SDK, so it alone
 * is recognised by name.
 */
import {
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  DescribeInferenceRecommendationsJobCommand,
  type DescribeInferenceRecommendationsJobCommandOutput,
  ListInferenceRecommendationsJobStepsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  ResourceNotFound,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
} from "@aws-sdk/client-sagemaker";
import {
  AccountJobLimitError,
  classifyAwsError,
  JobRejectedError,
  TransientAwsError,
} from "../errors.ts";
import { awsClient, type Runtime } from "../runtime.ts";
import type { JobRequest } from "../spec/schema.ts";

const isValidationException = (error: unknown) =>
  error instanceof Error && error.name === "ValidationException";

export type CreateResult = { created: true; jobArn: string } | { created: false; exists: true };

export type JobDescription = DescribeInferenceRecommendationsJobCommandOutput;

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
   * The failure reasons of the job's failed benchmarks. A refusal other than throttling (access
   * denied, say) must not hide the job's own failure reason: it becomes a note instead.
   */
  async failedBenchmarkReasons(jobName: string): Promise<string[]> {
    try {
      const steps = await this.client.send(
        new ListInferenceRecommendationsJobStepsCommand({
          JobName: jobName,
          Status: "FAILED",
          StepType: "BENCHMARK",
        }),
      );
      return (steps.Steps ?? [])
        .map((step) => step.InferenceBenchmark?.FailureReason)
        .filter((reason): reason is string => typeof reason === "string" && reason.length > 0);
    } catch (error) {
      const classified = classifyAwsError(error, "list the job's failed benchmarks");
      if (classified instanceof TransientAwsError) throw classified;
      return [`benchmark details unavailable (${(error as Error).name})`];
    }
  }
}
