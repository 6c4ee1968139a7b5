/**
 * What each job kind does against SageMaker, for the workflow's steps: create (or adopt) its job,
 * look at it, decide on its results, diagnose its failure, stop it. The steps hold what every kind
 * shares (the record, its transitions, the queue, the poll ticket) and call the kind for the rest
 * (src/kinds/operations.ts finds a record's kind).
 */
import type { SageMakerGateway } from "../aws/sagemaker-gateway.ts";
import type { Diagnosis, TuningCost } from "../decision/index.ts";
import type { CaughtError, JobObservation, SelectionResult } from "../workflow/lifecycle.ts";
import type { StopResult } from "../workflow/ownership.ts";
import type { JobRecord } from "../workflow/record.ts";
import type { AiRecommendationGateway } from "./ai-recommendation/gateway.ts";
import type { PriceGateway } from "./ai-recommendation/prices.ts";

/** The SageMaker clients a kind may call, one per API family. */
export interface KindGateways {
  sagemaker: SageMakerGateway;
  /** Absent where no job of the kind ai-recommendation is run (a test of the classic kind). */
  ai?: AiRecommendationGateway | undefined;
  /**
   * The AWS Price List, for the prices of an AI job's instance types: given only to the step
   * that selects a recommendation. Without it, those prices are the policy's alone.
   */
  prices?: PriceGateway | undefined;
}

export interface DiagnosisResult {
  diagnosis: Diagnosis;
  notes?: string[] | undefined;
  tuningCost?: TuningCost | undefined;
}

export interface KindOperations {
  /** Creates the record's job, or adopts the one this execution created; its ARN. */
  createOrAdopt(record: JobRecord, deps: KindGateways & { stackName: string }): Promise<string>;
  /** What SageMaker says of the job now, in the statuses the state machine routes on. */
  observe(record: JobRecord, deps: KindGateways & { now: () => Date }): Promise<JobObservation>;
  /** The decision on a completed job. */
  select(record: JobRecord, deps: KindGateways): Promise<SelectionResult>;
  /** Why a job ended FAILED, STOPPED or DELETED. */
  diagnose(record: JobRecord, deps: KindGateways): Promise<DiagnosisResult>;
  /**
   * Stops the job if it may still run and is provably this execution's; with what the job cost up
   * to then, when the kind can tell.
   */
  stop(
    record: JobRecord,
    error: CaughtError | undefined,
    deps: KindGateways & { stackName: string; now: () => Date },
  ): Promise<StopResult & { tuningCost?: TuningCost | undefined }>;
}
