/**
 * SelectRecommendation: reads a completed job's results from SageMaker and decides under the
 * spec's policy (docs/decision.md): the selected configuration, its fleet and monthly cost, or why
 * nothing fits; and, when the policy or the job names production, the comparison with it.
 */
import {
  type ProductionVariant,
  type SageMakerGateway,
  sagemakerGateway,
} from "../../aws/sagemaker-gateway.ts";
import {
  compareWithProduction,
  DEFAULT_POLICY,
  type Diagnosis,
  decide,
  diagnoseFailure,
  type JobStep,
  type NormalizedJob,
  type Policy,
  parseDescribeResponse,
} from "../../decision/index.ts";
import { selectionMade } from "../lifecycle.ts";
import type { Outcome } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { endedJobBenchmarks, endedJobCost } from "../tuning-cost.ts";
import { type JobInput, jobInput, workflowStep } from "./step.ts";

interface Deps {
  store: JobStore;
  sagemaker: SageMakerGateway;
  now: () => Date;
}

export async function selectRecommendation(
  input: JobInput,
  deps: Deps,
): Promise<{ outcome: Outcome }> {
  const record = await deps.store.require(input.jobName);
  const policy = record.spec?.irflow?.policy ?? DEFAULT_POLICY;
  const response = await deps.sagemaker.describeJob(input.jobName);
  const parsed = parseDescribeResponse(response);
  if (!parsed.ok) {
    throw new Error(
      `SageMaker's results for ${input.jobName} do not read: ${parsed.issues
        .map((issue) => `${issue.path} [${issue.rule}] ${issue.message}`)
        .join("; ")}`,
    );
  }
  const job = parsed.value;
  const decision = decide(job, policy);
  const benchmarks = await endedJobBenchmarks(input.jobName, deps.sagemaker);
  const failures = completedJobFailures(input.jobName, response, benchmarks.steps);
  const tuningCost = endedJobCost(benchmarks, job);
  const production = await readProduction(policy, job, deps.sagemaker);
  const comparison = compareWithProduction(decision, job, production.value);
  const notes = [production.note, benchmarks.note].filter((note) => note !== undefined);
  const noted = notes.length > 0 ? { ...decision, notes: [...decision.notes, ...notes] } : decision;
  const decided = await deps.store.mutate(
    input.jobName,
    (current) =>
      selectionMade(
        current,
        { decision: noted, comparison, diagnosis: failures, tuningCost },
        deps.now(),
      ),
    record,
  );
  return { outcome: decided.outcome ?? "failed" };
}

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
    // arn:aws:sagemaker:<region>:<account>:inference-recommendations-job/<name>
    region: response.JobArn?.split(":")[3] || undefined,
    steps,
  });
  return diagnosis.failedBenchmarks.length > 0 ? diagnosis : undefined;
}

export const selectRecommendationStep = workflowStep({
  name: "SelectRecommendation",
  input: jobInput,
  connect: (runtime, config) => ({
    store: jobStore(runtime, config.TABLE_NAME),
    sagemaker: sagemakerGateway(runtime),
    now: runtime.now,
  }),
  run: selectRecommendation,
});
