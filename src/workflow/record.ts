/** The job record: one DynamoDB item per job, the workflow's memory between steps. */

import type { Candidate } from "../selection.ts";
import type { SpecIssue } from "../spec/rules.ts";

export const OUTCOMES = ["selected", "measured", "failed", "timed-out", "rejected"] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes of a job that did what was asked: the others carry a failure. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<Outcome> = new Set(["selected", "measured"]);

export interface Trigger {
  type: "manual" | "model-registry" | "schedule";
  /** Who or what started it: a user, a package ARN, a schedule window. */
  detail?: string;
}

export interface ModelRef {
  /** `model-package/<group>` or `model/<name>`: the partition of the by-model index. */
  key: string;
  kind: "model-package" | "model" | "unknown";
  packageGroup?: string;
  packageVersion?: number;
  packageArn?: string;
  modelName?: string;
}

export interface EndpointPerformance {
  endpointName: string;
  /** Requests per minute the endpoint sustained. */
  maxInvocations: number;
  modelLatencyMs: number;
}

export interface StatusChange {
  status: string;
  at: string;
}

export interface Failure {
  reason: string;
  /** The workflow step that saw the failure. */
  step?: string;
  /** For a rejected spec: every rule it breaks. */
  errors?: SpecIssue[];
}

export interface JobRecord {
  jobName: string;
  /** Incremented by every write; each write is conditional on the version it read. */
  version: number;
  executionArn: string;
  trigger: Trigger;
  model: ModelRef;
  /** Top-level copy of model.key: the partition key of the by-model index. */
  modelKey: string;
  jobType?: "Default" | "Advanced";
  spec?: Record<string, unknown>;
  specHash?: string;
  jobArn?: string;
  /** The SageMaker status, or VALIDATED / REJECTED before a job exists. */
  status: string;
  statusHistory: StatusChange[];
  pollCount: number;
  /** Seconds the workflow has waited on the job. */
  waitedSeconds: number;
  deadlineSeconds: number;
  createdAt: string;
  /** When the SageMaker job was created: the deadline counts from here. */
  jobStartedAt?: string;
  /** The last poll's result, returned again to a retry of that poll. */
  lastPoll?: { status: string; waitSeconds: number; deadlinePassed: boolean; pollCount: number };
  updatedAt: string;
  /** When the workflow saw the job finish (the workflow's clock, like createdAt). */
  completedAt?: string;
  /** SageMaker's CompletionTime of the job. */
  jobCompletedAt?: string;
  failure?: Failure;
  selected?: Candidate;
  /** Every recommendation, compact, best first; then the ineligible ones. */
  recommendations?: Candidate[];
  ineligible?: { recommendationId: string; reason: string }[];
  /** For a job on an existing endpoint: what SageMaker measured on it. */
  endpointPerformances?: EndpointPerformance[];
  outcome?: Outcome;
  publishedAt?: string;
  eventId?: string;
  /** Epoch seconds after which DynamoDB's TTL may remove a finished record. */
  expiresAt?: number;
}

export const TERMINAL_JOB_STATUSES = new Set([
  "COMPLETED",
  "FAILED",
  "STOPPED",
  "DELETING",
  "DELETED",
]);
export const FAILED_JOB_STATUSES = new Set(["FAILED", "STOPPED", "DELETING", "DELETED"]);
