/**
 * The classic kind's calls: CreateInferenceRecommendationsJob and its Describe, List steps and
 * Stop, through the SageMaker gateway.
 */

import type { ProductionVariant, SageMakerGateway } from "../../aws/sagemaker-gateway.ts";
import {
  type AwsScaling,
  compareWithProduction,
  DEFAULT_POLICY,
  type Diagnosis,
  decide,
  diagnoseFailure,
  type JobStep,
  type NormalizedJob,
  type Policy,
  parseDescribeResponse,
  readAwsScaling,
  scalingRequestFor,
} from "../../decision/index.ts";
import { JobNameTakenError, TransientAwsError } from "../../errors.ts";
import { regionOfArn } from "../../naming.ts";
import { listingShowsWorkLeft, observeSteps } from "../../schedule/index.ts";
import type { JobSpec } from "../../spec/schema.ts";
import { isDecided } from "../../workflow/lifecycle.ts";
import { jobTags, ownershipOf, stopIfOwn } from "../../workflow/ownership.ts";
import type { JobRecord } from "../../workflow/record.ts";
import { endedJobBenchmarks, endedJobCost } from "../../workflow/tuning-cost.ts";
import type { KindOperations } from "../kind-operations.ts";
import { inferenceRecommendationKind } from "./definition.ts";
import { classicSelection } from "./selection.ts";

function specOf(record: JobRecord): JobSpec {
  if (!inferenceRecommendationKind.owns(record.spec)) {
    throw new Error(`job record ${record.jobName} has no Inference Recommender spec`);
  }
  return record.spec;
}

/** arn:aws:sagemaker:<region>:<account>:inference-recommendations-job/<name> */

export const inferenceRecommendationOperations: KindOperations = {
  /**
   * ResourceInUse means a job of this name exists: it is this execution's (an earlier attempt
   * created it, then failed before the record was written) only if it carries irflow's tags for
   * this stack and this execution. Anything else is another job under the same name.
   */
  async createOrAdopt(record, deps) {
    const request = specOf(record).job;
    const owner = { stackName: deps.stackName, executionArn: record.executionArn };
    const result = await deps.sagemaker.createJob({
      ...request,
      JobName: record.jobName,
      Tags: jobTags(request.Tags, owner),
    });
    if (result.created) return result.jobArn;
    const existing = await deps.sagemaker.jobTags(record.jobName);
    if (existing.found && existing.jobArn) {
      const ownership = ownershipOf(record, existing.tags, deps.stackName, existing.note);
      if (ownership.own) return existing.jobArn;
    }
    throw new JobNameTakenError(
      `an Inference Recommender job named ${record.jobName} already exists and was not created by this execution; set irflow.runKey (or another JobName) to run the spec again`,
    );
  },

  /**
   * When the schedule asked for the steps, they are listed first, and a listing that shows work
   * still to run spares the Describe call.
   */
  async observe(record, deps) {
    if (record.lastPoll?.wantSteps && record.jobStartedAt) {
      const listed = await deps.sagemaker.listBenchmarkSteps(record.jobName);
      const steps = observeSteps(listed, new Date(record.jobStartedAt), deps.now());
      if (listingShowsWorkLeft(steps)) return { status: "IN_PROGRESS", steps };
      const job = await deps.sagemaker.describeJob(record.jobName);
      return { status: job.Status ?? "UNKNOWN", completedAt: job.CompletionTime, steps };
    }
    const job = await deps.sagemaker.describeJob(record.jobName);
    return { status: job.Status ?? "UNKNOWN", completedAt: job.CompletionTime };
  },

  async select(record, deps) {
    const policy = specOf(record).irflow?.policy ?? DEFAULT_POLICY;
    const response = await deps.sagemaker.describeJob(record.jobName);
    const parsed = parseDescribeResponse(response);
    if (!parsed.ok) {
      throw new Error(
        `SageMaker's results for ${record.jobName} do not read: ${parsed.issues
          .map((issue) => `${issue.path} [${issue.rule}] ${issue.message}`)
          .join("; ")}`,
      );
    }
    const job = parsed.value;
    const decision = decide(job, policy);
    const benchmarks = await endedJobBenchmarks(record.jobName, deps.sagemaker);
    const failures = completedJobFailures(record.jobName, response, benchmarks.steps);
    const tuningCost = endedJobCost(benchmarks, job);
    const production = await readProduction(policy, job, deps.sagemaker);
    const comparison = compareWithProduction(decision, job, production.value);
    const awsScaling = await readAwsScalingFor(record.jobName, decision, response, deps.sagemaker);
    const notes = [production.note, benchmarks.note, awsScaling.note].filter(
      (note) => note !== undefined,
    );
    return classicSelection(
      notes.length > 0 ? { ...decision, notes: [...decision.notes, ...notes] } : decision,
      {
        comparison,
        diagnosis: failures,
        tuningCost,
        ...(awsScaling.value ? { awsScaling: awsScaling.value } : {}),
      },
    );
  },

  async diagnose(record, deps) {
    const job = await deps.sagemaker.describeJob(record.jobName);
    const benchmarks = await endedJobBenchmarks(record.jobName, deps.sagemaker);
    const diagnosis = diagnoseFailure({
      jobName: record.jobName,
      status: job.Status ?? "UNKNOWN",
      failureReason: job.FailureReason,
      region: regionOfArn(job.JobArn),
      steps: benchmarks.steps,
    });
    const parsedJob = parseDescribeResponse(job);
    return {
      diagnosis,
      notes: benchmarks.note ? [benchmarks.note] : [],
      tuningCost: endedJobCost(benchmarks, parsedJob.ok ? parsedJob.value : undefined),
    };
  },

  /**
   * A job of this execution's that was stopped, or had ended before the decision, leaves the
   * benchmarks it ran: what it cost, those still running counted up to the stop. The stop has
   * been asked for by then, so a listing still throttled after its retries costs the estimate,
   * never a retry of the stop.
   */
  async stop(record, error, deps) {
    const result = await stopIfOwn(record, error, deps);
    const ran = result.stopRequested || record.jobArn !== undefined;
    if (!ran || result.leftAlone || isDecided(record) || record.tuningCost) return result;
    let benchmarks: Awaited<ReturnType<typeof endedJobBenchmarks>>;
    try {
      benchmarks = await endedJobBenchmarks(record.jobName, deps.sagemaker);
    } catch (listing) {
      if (listing instanceof TransientAwsError) return result;
      throw listing;
    }
    const tuningCost = endedJobCost(benchmarks, undefined, deps.now());
    return tuningCost ? { ...result, tuningCost } : result;
  },
};

/**
 * The live endpoint production runs on, when the policy names one (current.endpointName) or the
 * job benchmarked one, and the policy does not give the instance type itself.
 */
async function readProduction(
  policy: Policy,
  job: NormalizedJob,
  sagemaker: SageMakerGateway,
): Promise<{ value?: ProductionVariant | undefined; note?: string | undefined }> {
  if (policy.current?.instanceType !== undefined) return {};
  const endpointName =
    policy.current?.endpointName ??
    job.endpointPerformances.find((performance) => performance.endpointName)?.endpointName ??
    job.benchmarkedEndpoints[0];
  return endpointName ? sagemaker.productionVariant(endpointName) : {};
}

/**
 * AWS's autoscaling answer beside irflow's proposal: asked for a completed job's selected
 * real-time entry under a traffic profile, by the RecommendationId SageMaker gave it (an id irflow
 * derived for an entry without one names nothing AWS knows). What cannot be had is a note.
 */
async function readAwsScalingFor(
  jobName: string,
  decision: ReturnType<typeof decide>,
  response: {
    Status?: string | undefined;
    InferenceRecommendations?: { RecommendationId?: string | undefined }[] | undefined;
  },
  sagemaker: SageMakerGateway,
): Promise<{ value?: AwsScaling | undefined; note?: string | undefined }> {
  const selected = decision.selected;
  if (decision.outcome !== "selected" || !selected || response.Status !== "COMPLETED") return {};
  const request = scalingRequestFor(selected, decision.policy);
  if (!request) return {};
  const known = (response.InferenceRecommendations ?? []).some(
    (recommendation) => recommendation.RecommendationId === request.recommendationId,
  );
  if (!known) {
    return {
      note: `AWS's scaling recommendation not asked for: SageMaker gave the selected entry no RecommendationId (${request.recommendationId} is irflow's own)`,
    };
  }
  const answer = await sagemaker.scalingRecommendation(jobName, request);
  if (answer.note !== undefined) return { note: answer.note };
  const read = readAwsScaling(answer.value, request, selected, decision.policy);
  return read.ok ? { value: read.value } : { note: read.note };
}

/**
 * The benchmarks that failed inside a job that completed all the same: they have no entry in its
 * results, so without this they would vanish from every report.
 */
function completedJobFailures(
  jobName: string,
  response: { JobArn?: string | undefined; Status?: string | undefined },
  steps: JobStep[],
): Diagnosis | undefined {
  const diagnosis = diagnoseFailure({
    jobName,
    status: response.Status ?? "COMPLETED",
    region: regionOfArn(response.JobArn),
    steps,
  });
  return diagnosis.failedBenchmarks.length > 0 ? diagnosis : undefined;
}
