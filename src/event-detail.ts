/**
 * What every outcome event's detail carries, whatever the job's kind: the schema version, the
 * job, its trigger and model, and its timings. src/outcome.ts adds the end of a job that failed;
 * each kind adds its decision (src/kinds/<kind>/event.ts), so a kind's events are declared by the
 * kind and the workflow publishes them all the same way.
 */
import * as z from "zod";
import { tuningCostSchema } from "./decision/index.ts";
import { DEFAULT_KIND, JOB_KINDS } from "./kinds/kind.ts";
import { JOB_TYPES } from "./spec/schema.ts";
import { outcomeIdOf } from "./workflow/lifecycle.ts";
import { type JobRecord, modelRefSchema, type Outcome, triggerSchema } from "./workflow/record.ts";

/** 2.1 added `kind` and the LLM Recommendation detail-types; 2.0 events read as 2.1 ones. */
export const OUTCOME_SCHEMA_VERSION = "2.1";

export const baseDetail = {
  schemaVersion: z.literal(OUTCOME_SCHEMA_VERSION),
  kind: z
    .enum(JOB_KINDS)
    .optional()
    .describe("The job kind; events before schema 2.1 have none and are inference-recommendation."),
  outcomeId: z
    .string()
    .describe("The same in every copy of this outcome's event: deduplicate on it."),
  jobName: z.string(),
  jobArn: z.string().optional(),
  jobType: z.enum(JOB_TYPES).optional(),
  status: z
    .string()
    .describe("The last SageMaker job status (or REJECTED when no job was created)."),
  specHash: z.string().optional(),
  executionArn: z.string(),
  trigger: triggerSchema,
  model: modelRefSchema,
  tuningCost: tuningCostSchema
    .optional()
    .describe(
      "What the job itself cost, estimated from its benchmarks (US dollars, with its parts).",
    ),
  timings: z.strictObject({
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationSeconds: z.number().nonnegative(),
    polls: z.number().int().nonnegative(),
    queueSeconds: z
      .number()
      .nonnegative()
      .optional()
      .describe("Seconds the execution waited for a slot under the account's job limit."),
  }),
};

/** One kind of event detail: the detail-type it is published under and the schema it follows. */
export interface DetailDeclaration {
  detailType: string;
  schema: z.ZodType;
}

/** The fields of baseDetail, read from an ended record. */
export function commonDetail(record: JobRecord & { outcome: Outcome }, now: Date) {
  const finishedAt = record.completedAt ?? now.toISOString();
  return {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    kind: record.kind ?? DEFAULT_KIND,
    outcome: record.outcome,
    outcomeId: outcomeIdOf(record),
    jobName: record.jobName,
    ...(record.jobArn ? { jobArn: record.jobArn } : {}),
    ...(record.jobType ? { jobType: record.jobType } : {}),
    status: record.status,
    ...(record.specHash ? { specHash: record.specHash } : {}),
    executionArn: record.executionArn,
    trigger: record.trigger,
    model: record.model,
    ...(record.tuningCost ? { tuningCost: record.tuningCost } : {}),
    timings: {
      startedAt: record.createdAt,
      finishedAt,
      durationSeconds: Math.max(0, (Date.parse(finishedAt) - Date.parse(record.createdAt)) / 1000),
      polls: record.pollCount,
      ...(record.queuedAt && record.admittedAt
        ? { queueSeconds: (Date.parse(record.admittedAt) - Date.parse(record.queuedAt)) / 1000 }
        : {}),
    },
  };
}
