/**
 * The calls of the kind ai-recommendation: CreateAIWorkloadConfig, then CreateAIRecommendationJob
 * and its Describe and Stop. SageMaker's statuses (InProgress, Completed, ...) are given to the
 * workflow in the classic API's words, which the state machine routes on.
 */

import { diagnoseFailure } from "../../decision/index.ts";
import { JobNameTakenError } from "../../errors.ts";
import { regionOfArn } from "../../naming.ts";
import { mayStillRun } from "../../workflow/lifecycle.ts";
import { jobTags, ownershipOf } from "../../workflow/ownership.ts";
import type { JobRecord } from "../../workflow/record.ts";
import type { KindGateways, KindOperations } from "../kind-operations.ts";
import { aiRecommendationJobSchema, decideAiRecommendation, instanceTypesOf } from "./decide.ts";
import { aiRecommendationKind } from "./definition.ts";
import { llmPolicySchema } from "./policy.ts";
import { llmSelection } from "./selection.ts";
import type { AiSpec } from "./spec.ts";

/** DescribeAIRecommendationJob's statuses in the words the state machine routes on. */
export const WORKFLOW_STATUS: Readonly<Record<string, string>> = {
  Pending: "PENDING",
  InProgress: "IN_PROGRESS",
  Completed: "COMPLETED",
  Failed: "FAILED",
  Stopping: "STOPPING",
  Stopped: "STOPPED",
  Deleting: "DELETING",
  Deleted: "DELETED",
};

export const workflowStatusOf = (status: string | undefined) =>
  (status && WORKFLOW_STATUS[status]) ?? "UNKNOWN";

function specOf(record: JobRecord): AiSpec {
  if (!aiRecommendationKind.owns(record.spec)) {
    throw new Error(`job record ${record.jobName} has no AI recommendation spec`);
  }
  return record.spec;
}

function ai(deps: KindGateways) {
  if (!deps.ai) throw new Error("no AI recommendation gateway was given to this step");
  return deps.ai;
}

/** The region of a SageMaker ARN (arn:aws:sagemaker:<region>:...), where the job runs. */
const STOPPED_HINT =
  "The job was stopped before it completed (StopAIRecommendationJob): nothing failed in the model; run it again when needed.";

export const aiRecommendationOperations: KindOperations = {
  /**
   * The workload config first (adopted when one of its name has the same content), then the job.
   * A job of the record's name is adopted only when its tags prove it is this execution's.
   */
  async createOrAdopt(record, deps) {
    const spec = specOf(record);
    const owner = { stackName: deps.stackName, executionArn: record.executionArn };
    const workloadName = spec.workload?.AIWorkloadConfigName;
    if (spec.workload && workloadName) {
      await ai(deps).ensureWorkloadConfig({
        ...spec.workload,
        AIWorkloadConfigName: workloadName,
        Tags: jobTags(spec.workload.Tags, owner),
      });
    }
    const workload = workloadName ?? spec.job.AIWorkloadConfigIdentifier;
    if (!workload) {
      throw new Error(`job record ${record.jobName} names no workload config to benchmark with`);
    }
    const result = await ai(deps).createJob({
      ...spec.job,
      AIRecommendationJobName: record.jobName,
      AIWorkloadConfigIdentifier: workload,
      Tags: jobTags(spec.job.Tags, owner),
    });
    if (result.created) return result.jobArn;
    const existing = await ai(deps).describeJob(record.jobName);
    const tags = (existing.Tags ?? []).map((tag) => ({
      Key: tag.Key ?? "",
      Value: tag.Value ?? "",
    }));
    if (existing.AIRecommendationJobArn && ownershipOf(record, tags, deps.stackName).own) {
      return existing.AIRecommendationJobArn;
    }
    throw new JobNameTakenError(
      `an AI recommendation job named ${record.jobName} already exists and was not created by this execution; set irflow.runKey (or job.AIRecommendationJobName) to run the spec again`,
    );
  },

  async observe(record, deps) {
    const job = await ai(deps).describeJob(record.jobName);
    return { status: workflowStatusOf(job.AIRecommendationJobStatus), completedAt: job.EndTime };
  },

  async select(record, deps) {
    const spec = specOf(record);
    const response = await ai(deps).describeJob(record.jobName);
    const parsed = aiRecommendationJobSchema.safeParse(response);
    if (!parsed.success) {
      throw new Error(
        `SageMaker's results for ${record.jobName} do not read: ${parsed.error.issues
          .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
          .join("; ")}`,
      );
    }
    const policy = llmPolicySchema.parse(spec.irflow?.policy ?? {});
    // Only the types the policy does not price are looked up: its prices win. Production's type
    // is priced as the entries are, for the comparison.
    const types = [...instanceTypesOf(parsed.data), policy.current?.instanceType ?? ""];
    const unpriced = [...new Set(types)].filter((type) => type && !policy.prices?.[type]);
    const lookup =
      deps.prices && unpriced.length > 0 && parsed.data.AIRecommendationJobStatus === "Completed"
        ? await deps.prices.lookUp(unpriced, regionOfArn(record.jobArn))
        : { prices: {}, notes: [] };
    const decision = decideAiRecommendation(parsed.data, policy, lookup.prices);
    return llmSelection(
      lookup.notes.length > 0
        ? { ...decision, notes: [...decision.notes, ...lookup.notes] }
        : decision,
    );
  },

  async diagnose(record, deps) {
    const job = await ai(deps).describeJob(record.jobName);
    const status = workflowStatusOf(job.AIRecommendationJobStatus);
    const { consoleUrl: _console, ...diagnosis } = diagnoseFailure({
      jobName: record.jobName,
      status,
      failureReason: job.FailureReason,
    });
    return {
      diagnosis: {
        ...diagnosis,
        ...(status === "STOPPED" && diagnosis.category === "unknown" ? { hint: STOPPED_HINT } : {}),
        // SageMaker reports no log stream for these jobs.
        logs: { logGroup: "", streams: [] },
      },
    };
  },

  async stop(record, error, deps) {
    if (!mayStillRun(record, error)) return { stopRequested: false };
    const existing = await ai(deps).describeJobIfAny(record.jobName);
    if (!existing) return { stopRequested: false };
    const tags = (existing.Tags ?? []).map((tag) => ({
      Key: tag.Key ?? "",
      Value: tag.Value ?? "",
    }));
    const ownership = ownershipOf(record, tags, deps.stackName);
    if (!ownership.own) {
      return {
        stopRequested: false,
        leftAlone: `job ${record.jobName} was left alone: ${ownership.reason}`,
      };
    }
    return { stopRequested: await ai(deps).stopJob(record.jobName) };
  },
};
