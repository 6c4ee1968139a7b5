/**
 * A job kind: one SageMaker job family that irflow runs through the same workflow. This module
 * says what every kind declares about its spec (src/kinds/index.ts lists the kinds); how a spec of
 * each kind is validated is in src/kinds/validate.ts, which only ValidateSpec and the CLI load, and
 * what a kind does against SageMaker in src/kinds/operations.ts.
 */
import type { JobCostPlan, JobCostPlanContext } from "../decision/job-cost-plan.ts";
import type { SchedulePrior } from "../schedule/index.ts";
import type { JOB_TYPES } from "../spec/schema.ts";

export const JOB_KINDS = ["inference-recommendation", "ai-recommendation"] as const;
export type JobKindName = (typeof JOB_KINDS)[number];
/** A spec without `kind` is a classic Inference Recommender job. */
export const DEFAULT_KIND = "inference-recommendation" satisfies JobKindName;

/** A rule a spec breaks. */
export interface KindIssue {
  path: string;
  rule: string;
  message: string;
}

/** The model a job benchmarks; `key` partitions the model's history. */
export type KindModelRef =
  | {
      kind: "model-package";
      key: string;
      packageGroup: string;
      packageVersion: number;
      packageArn: string;
    }
  | { kind: "model"; key: string; modelName: string }
  | { kind: "model-artifacts"; key: string; modelUri: string };

export type KindValidation<Spec> =
  | { valid: true; spec: Spec; jobName: string; specHash: string; warnings: KindIssue[] }
  | { valid: false; errors: KindIssue[]; warnings: KindIssue[] };

export interface KindDefinition<Spec> {
  name: JobKindName;
  /** What SageMaker calls one job of the kind, for messages. */
  jobNoun: string;
  /** Whether a stored spec is of this kind. */
  owns(spec: unknown): spec is Spec;
  jobType(spec: Spec): (typeof JOB_TYPES)[number] | undefined;
  /** Seconds from the job's creation by which it must be over, or it is stopped. */
  deadlineSeconds(spec: Spec): number;
  model(spec: Spec): KindModelRef;
  /** The poll schedule's prior: what the spec alone says about when the job ends. */
  prior(spec: Spec): SchedulePrior;
  /** What the job will provision and for how long, as far as the spec says (for its cost). */
  costPlan(spec: Spec, context?: JobCostPlanContext): JobCostPlan;
  /** The key of the kind's queue item in the jobs table: its jobs wait for its own slots. */
  queueKey: string;
  /** The setting that limits the kind's jobs running at once (src/config.ts). */
  limitSetting: "JOB_LIMIT" | "AI_JOB_LIMIT";
}

/** The kind a spec names: its `kind`, or the default without one; undefined for an unknown kind. */
export function kindNameOf(spec: unknown): JobKindName | undefined {
  const named =
    typeof spec === "object" && spec !== null && !Array.isArray(spec)
      ? (spec as { kind?: unknown }).kind
      : undefined;
  if (named === undefined) return DEFAULT_KIND;
  return JOB_KINDS.find((kind) => kind === named);
}
