/**
 * The job record: one DynamoDB item per job, the workflow's memory between steps. Declared once as
 * a zod schema; every read from the table is parsed with it, so a record that does not fit is a
 * named error naming the field, never a cast.
 *
 * A record moves through four phases, each with its own invariants:
 * - `validated`: the spec passed; no SageMaker job exists yet.
 * - `running`: SageMaker accepted the job (jobArn, jobStartedAt).
 * - `decided`: the outcome is known (the reason for a failure, the choice for a success).
 * - `publishing`: one publisher has claimed the outcome event, until its claim runs out.
 * - `published`: the outcome event is on the bus.
 */
import * as z from "zod";
import {
  awsScalingSchema,
  cappedDiagnosisSchema,
  comparisonSchema,
  tuningCostSchema,
} from "../decision/index.ts";
import { JOB_KINDS, kindOfSpec } from "../kinds/index.ts";
import { KIND_DECISION_FIELDS, storedAnySpecSchema } from "../kinds/stored.ts";
import { stepsObservationSchema } from "../schedule/index.ts";
import { JOB_TYPES } from "../spec/schema.ts";

export const OUTCOMES = [
  "selected",
  "unsatisfiable",
  "measured",
  "failed",
  "timed-out",
  "rejected",
  "queue-timed-out",
  "over-budget",
] as const;
const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.output<typeof outcomeSchema>;

export const PHASES = ["validated", "running", "decided", "publishing", "published"] as const;
export type Phase = (typeof PHASES)[number];

const TRIGGER_TYPES = ["manual", "model-registry", "schedule"] as const;
export const triggerSchema = z.strictObject({
  type: z.enum(TRIGGER_TYPES),
  /** Who or what started it: a user, a package ARN, a schedule window. */
  detail: z.string().optional(),
});
export type Trigger = z.output<typeof triggerSchema>;

/** The monthly tuning budget an execution runs under (src/budget/). */
export const executionBudgetSchema = z.strictObject({
  /** US dollars per UTC calendar month. */
  dollars: z.number().positive(),
  /** Started with `irflow start --over-budget`: the budget is reported, never enforced. */
  override: z.boolean().optional(),
});
export type ExecutionBudget = z.output<typeof executionBudgetSchema>;

/** The job's cost estimate, reserved in its month's spend when it joined the queue. */
export const costEstimateSchema = z.strictObject({
  /** US dollars; absent when it could not be estimated (nothing is then reserved). */
  dollars: z.number().nonnegative().optional(),
  method: z.string(),
  /** The UTC month (YYYY-MM) whose spend holds the reservation and, later, the actual cost. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
});
export type CostEstimate = z.output<typeof costEstimateSchema>;

/** Why an execution ended over-budget: the numbers its check saw. */
export const overBudgetSchema = z.strictObject({
  month: z.string(),
  /** The month's spend before this job: finished jobs' costs and the reservations of the others. */
  spendDollars: z.number(),
  estimateDollars: z.number(),
  budgetDollars: z.number(),
  /** Whether this execution is the month's first over budget, the one that tells ops. */
  notifyOps: z.boolean(),
});
export type OverBudget = z.output<typeof overBudgetSchema>;

export const modelRefSchema = z.strictObject({
  /** `model-package/<group>` or `model/<name>`: the partition of the by-model index. */
  key: z.string(),
  kind: z.enum(["model-package", "model", "model-artifacts", "unknown"]),
  packageGroup: z.string().optional(),
  packageVersion: z.number().int().optional(),
  packageArn: z.string().optional(),
  modelName: z.string().optional(),
  /** The S3 location of a model's artifacts (the kind ai-recommendation). */
  modelUri: z.string().optional(),
});
export type ModelRef = z.output<typeof modelRefSchema>;

/** A rule a spec breaks: the validator's rules, or a trigger's own precheck. */
export const specIssueSchema = z.strictObject({
  path: z.string(),
  rule: z.string(),
  message: z.string(),
});
export type RecordedIssue = z.output<typeof specIssueSchema>;

export const failureSchema = z.strictObject({
  reason: z.string(),
  /** The workflow step that saw the failure. */
  step: z.string().optional(),
  /** For a rejected spec: every rule it breaks. */
  errors: z.array(specIssueSchema).optional(),
});
export type Failure = z.output<typeof failureSchema>;

const statusChangeSchema = z.strictObject({ status: z.string(), at: z.iso.datetime() });
export type StatusChange = z.output<typeof statusChangeSchema>;

/** What a poll told the state machine: returned again, unchanged, to a retry of that poll. */
const pollStateSchema = z.strictObject({
  status: z.string(),
  waitSeconds: z.number().int().nonnegative(),
  deadlinePassed: z.boolean(),
  /** Polls recorded so far; the state machine passes it back as its poll ticket. */
  pollCount: z.number().int().nonnegative(),
  /** Whether the next poll lists the job's benchmark steps first. */
  wantSteps: z.boolean().optional(),
});
export type PollState = z.output<typeof pollStateSchema>;

const timestamp = z.iso.datetime();

/**
 * The layout of the records this release writes. A release that changes the layout raises it and
 * still reads every earlier one (docs/reliability.md, "Upgrades"); test/fixtures/records holds a
 * record of each version, phase and outcome, read by every later release's tests.
 */
export const RECORD_SCHEMA_VERSION = 2;

const recordFields = z.object({
  jobName: z.string().min(1),
  /**
   * The layout the record was created with (records from before the field are 1). A record from
   * a newer release is refused by name rather than half read.
   */
  schemaVersion: z
    .number()
    .int()
    .min(1)
    .max(RECORD_SCHEMA_VERSION, {
      error: (issue) =>
        `is ${String(issue.input)}: the record was written by a newer irflow than this one, which reads record schema ${RECORD_SCHEMA_VERSION} and earlier`,
    })
    .default(1),
  /** The job kind (src/kinds/); records from before the field are inference-recommendation. */
  kind: z.enum(JOB_KINDS).optional(),
  /** Incremented by every write; each write is conditional on the version it read. */
  version: z.number().int().min(1),
  phase: z.enum(PHASES),
  executionArn: z.string().min(1),
  trigger: triggerSchema,
  model: modelRefSchema,
  /** Top-level copy of model.key: the partition key of the by-model index. */
  modelKey: z.string(),
  jobType: z.enum(JOB_TYPES).optional(),
  /**
   * The spec as validated, JobName filled in; absent for a rejected spec. Read as data: a release
   * that tightens a spec rule still reads every record written before it.
   */
  spec: storedAnySpecSchema.optional(),
  specHash: z.string().optional(),
  jobArn: z.string().optional(),
  /** The SageMaker status, or VALIDATED / REJECTED / STOPPING as irflow saw it. */
  status: z.string(),
  statusHistory: z.array(statusChangeSchema).min(1),
  pollCount: z.number().int().nonnegative(),
  /** Seconds the workflow has waited on the job. */
  waitedSeconds: z.number().nonnegative(),
  deadlineSeconds: z.number().nonnegative(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** When the execution joined the queue for a slot under the account's job limit. */
  queuedAt: timestamp.optional(),
  /** When it took a slot: the queue wait is admittedAt - queuedAt. */
  admittedAt: timestamp.optional(),
  /** When this execution first asked SageMaker for the job: a job under its name may be its own. */
  createRequestedAt: timestamp.optional(),
  /** When the SageMaker job was created: the deadline counts from here. */
  jobStartedAt: timestamp.optional(),
  lastPoll: pollStateSchema.optional(),
  /** Run times (seconds) of this model's earlier jobs of the same type, newest first. */
  historySeconds: z.array(z.number().positive()).max(50).optional(),
  /** The latest listing of the job's benchmark steps, relative to its creation. */
  jobSteps: stepsObservationSchema.optional(),
  /** When the workflow saw the job finish (the workflow's clock, like createdAt). */
  completedAt: timestamp.optional(),
  /** SageMaker's CompletionTime of the job. */
  jobCompletedAt: timestamp.optional(),
  outcome: outcomeSchema.optional(),
  failure: failureSchema.optional(),
  /**
   * The decision on a completed job (docs/decision.md), in its kind's own field (`decision` for
   * the classic kind), its long lists cut to keep the item small.
   */
  ...KIND_DECISION_FIELDS,
  /** The decision against production, when the policy or the job names it. */
  comparison: comparisonSchema.optional(),
  /** Why a FAILED or STOPPED job failed, and where its logs are. */
  diagnosis: cappedDiagnosisSchema.optional(),
  /** What the job itself cost, estimated from its benchmarks when it ended. */
  tuningCost: tuningCostSchema.optional(),
  /** AWS's autoscaling recommendation for the selected entry, and how it differs from irflow's. */
  awsScaling: awsScalingSchema.optional(),
  /** The monthly tuning budget the execution runs under, when it was started with one. */
  budget: executionBudgetSchema.optional(),
  /** The cost estimate reserved in the month's spend when the job joined the queue. */
  costEstimate: costEstimateSchema.optional(),
  /** For an over-budget outcome: the spend, the estimate and the budget it was refused on. */
  overBudget: overBudgetSchema.optional(),
  /** The outcome's id, the same in every copy of its event: consumers deduplicate on it. */
  outcomeId: z.string().optional(),
  /** Who is publishing the outcome event, and until when the claim holds. */
  claim: z.strictObject({ by: z.string(), until: timestamp }).optional(),
  publishedAt: timestamp.optional(),
  eventId: z.string().optional(),
  /** Epoch seconds after which DynamoDB's TTL may remove a finished record. */
  expiresAt: z.number().int().optional(),
});

type RecordFields = z.output<typeof recordFields>;
type FieldName = keyof RecordFields;

/** What each phase requires, and what it must not have yet. */
const PHASE_RULES: Record<Phase, { requires: FieldName[]; forbids: FieldName[] }> = {
  validated: { requires: ["spec", "specHash"], forbids: ["jobArn", "outcome"] },
  running: { requires: ["spec", "jobArn", "jobStartedAt"], forbids: ["outcome", "publishedAt"] },
  decided: { requires: ["outcome", "completedAt"], forbids: ["publishedAt", "eventId"] },
  publishing: {
    requires: ["outcome", "completedAt", "outcomeId", "claim"],
    forbids: ["publishedAt", "eventId"],
  },
  published: {
    requires: ["outcome", "completedAt", "outcomeId", "publishedAt", "eventId"],
    forbids: [],
  },
};

/** The fields a decision is kept in: each kind's decision has its own (src/kinds/<kind>/stored.ts). */
export const DECISION_FIELDS = Object.keys(
  KIND_DECISION_FIELDS,
) as (keyof typeof KIND_DECISION_FIELDS & FieldName)[];

/** What each outcome carries: one of the fields of each list. */
const OUTCOME_RULES: Record<Outcome, FieldName[][]> = {
  selected: [[...DECISION_FIELDS]],
  unsatisfiable: [[...DECISION_FIELDS]],
  measured: [["decision"]],
  failed: [["failure"]],
  "timed-out": [["failure"]],
  rejected: [["failure"]],
  "queue-timed-out": [["failure"]],
  "over-budget": [["failure"], ["overBudget"]],
};

export const jobRecordSchema = recordFields.superRefine((record, context) => {
  const rules = PHASE_RULES[record.phase];
  for (const field of rules.requires) {
    if (record[field] === undefined) {
      context.addIssue({
        code: "custom",
        path: [field],
        message: `a ${record.phase} record must have ${field}`,
      });
    }
  }
  for (const field of rules.forbids) {
    if (record[field] !== undefined) {
      context.addIssue({
        code: "custom",
        path: [field],
        message: `a ${record.phase} record must not have ${field} yet`,
      });
    }
  }
  if (record.outcome) {
    for (const fields of OUTCOME_RULES[record.outcome]) {
      if (fields.every((field) => record[field] === undefined)) {
        context.addIssue({
          code: "custom",
          path: [fields[0] ?? "outcome"],
          message: `a ${record.outcome} record must have ${fields.join(" or ")}`,
        });
      }
    }
  }
  if (record.phase === "validated" && record.spec && !record.jobType) {
    const kind = kindOfSpec(record.spec);
    if (kind.jobType(record.spec) !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["jobType"],
        message: `a validated ${kind.name} record must have jobType`,
      });
    }
  }
  if (record.modelKey !== record.model.key) {
    context.addIssue({
      code: "custom",
      path: ["modelKey"],
      message: `must equal model.key (${record.model.key})`,
    });
  }
});

export type JobRecord = z.output<typeof jobRecordSchema>;

/** The attributes a transition may write: anything but the key and the version. */
export type RecordChange = Partial<Omit<JobRecord, "jobName" | "version" | "schemaVersion">>;

export const TERMINAL_JOB_STATUSES: ReadonlySet<string> = new Set([
  "COMPLETED",
  "FAILED",
  "STOPPED",
  "DELETING",
  "DELETED",
]);
