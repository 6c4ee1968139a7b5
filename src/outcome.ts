/**
 * The outcome event: one per job, on the configured bus. Its detail is versioned and described by
 * a JSON Schema per detail-type (events/schemas/), generated from the zod schemas below.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import * as z from "zod";
import {
  type CappedDecision,
  capDecision,
  capDiagnosis,
  cappedDecisionSchema,
  cappedDiagnosisSchema,
  comparisonSchema,
  comparisonSentence,
  decisionEntrySchema,
  decisionSentence,
  EVENT_LIMITS,
  tuningCostSchema,
} from "./decision/index.ts";
import { classifyAwsError, EventPublishError } from "./errors.ts";
import { JOB_TYPES } from "./spec/schema.ts";
import { inertLine } from "./text/inert.ts";
import { outcomeIdOf } from "./workflow/lifecycle.ts";
import {
  failureSchema,
  type JobRecord,
  modelRefSchema,
  type Outcome,
  triggerSchema,
} from "./workflow/record.ts";

export const OUTCOME_SCHEMA_VERSION = "2.0";

export const DETAIL_TYPES: Record<Outcome, string> = {
  selected: "Inference Recommendation Selected",
  unsatisfiable: "Inference Recommendation Unsatisfiable",
  measured: "Inference Endpoint Measured",
  failed: "Inference Recommendation Failed",
  "timed-out": "Inference Recommendation Timed Out",
  rejected: "Inference Recommendation Rejected",
  "queue-timed-out": "Inference Recommendation Queue Timed Out",
};

const baseDetail = {
  schemaVersion: z.literal(OUTCOME_SCHEMA_VERSION),
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

/** What a decided job's event carries: the decision core's own fields, declared there once. */
const decisionDetail = {
  sentence: z.string().describe("The decision in one sentence."),
  ...cappedDecisionSchema.pick({
    policy: true,
    latencyUnit: true,
    ranked: true,
    frontier: true,
    rejected: true,
    closest: true,
    relaxations: true,
    measured: true,
    totals: true,
    omitted: true,
    notes: true,
  }).shape,
  comparison: comparisonSchema
    .optional()
    .describe("The decision against production, when the policy or the job names it."),
  comparisonSentence: z.string().optional(),
};

export const outcomeDetailSchemas = {
  selected: z.strictObject({
    ...baseDetail,
    outcome: z.literal("selected"),
    ...decisionDetail,
    selected: decisionEntrySchema.describe("The configuration to deploy, sized for the load."),
  }),
  unsatisfiable: z.strictObject({
    ...baseDetail,
    outcome: z.literal("unsatisfiable"),
    ...decisionDetail,
  }),
  measured: z.strictObject({
    ...baseDetail,
    outcome: z.literal("measured"),
    ...decisionDetail,
    measured: decisionDetail.measured.min(1),
  }),
  failed: z.strictObject({
    ...baseDetail,
    outcome: z.literal("failed"),
    failure: failureSchema,
    diagnosis: cappedDiagnosisSchema
      .optional()
      .describe("Why the job failed and where its logs are (a job that ended FAILED or STOPPED)."),
  }),
  "timed-out": z.strictObject({
    ...baseDetail,
    outcome: z.literal("timed-out"),
    failure: failureSchema,
  }),
  rejected: z.strictObject({
    ...baseDetail,
    outcome: z.literal("rejected"),
    failure: failureSchema,
  }),
  "queue-timed-out": z.strictObject({
    ...baseDetail,
    outcome: z.literal("queue-timed-out"),
    failure: failureSchema,
  }),
} satisfies Record<Outcome, z.ZodType>;

export type OutcomeDetail = z.output<(typeof outcomeDetailSchemas)[Outcome]>;

export function outcomeJsonSchemas(): Record<Outcome, Record<string, unknown>> {
  const entries = Object.entries(outcomeDetailSchemas).map(([outcome, schema]) => [
    outcome,
    {
      $id: `urn:irflow:schema:outcome-${outcome}:${OUTCOME_SCHEMA_VERSION}`,
      title: `irflow event detail: ${DETAIL_TYPES[outcome as Outcome]}`,
      ...z.toJSONSchema(schema, { target: "draft-2020-12" }),
    },
  ]);
  return Object.fromEntries(entries) as Record<Outcome, Record<string, unknown>>;
}

/** The event detail for a decided record; throws if the record does not fit the schema. */
export function buildOutcomeDetail(record: JobRecord, now: Date): OutcomeDetail {
  const { outcome } = record;
  if (!outcome) throw new Error(`job ${record.jobName} has no outcome to publish yet`);
  const finishedAt = record.completedAt ?? now.toISOString();
  const common = {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    outcome,
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
  const detail =
    (outcome === "selected" || outcome === "unsatisfiable" || outcome === "measured") &&
    record.decision
      ? { ...common, ...decisionFields(record.decision, record) }
      : {
          ...common,
          // The ops message quotes the reason: one line, so it cannot forge lines of its own.
          failure: record.failure && {
            ...record.failure,
            reason: inertLine(record.failure.reason),
          },
          ...(record.diagnosis ? { diagnosis: capDiagnosis(record.diagnosis, EVENT_LIMITS) } : {}),
        };
  return outcomeDetailSchemas[outcome].parse(detail);
}

/** The decision as the event carries it: cut to the event's size, with its sentences. */
function decisionFields(recorded: CappedDecision, record: JobRecord) {
  const {
    outcome: _outcome,
    job: _job,
    selected,
    ...decision
  } = capDecision(recorded, EVENT_LIMITS);
  return {
    sentence: inertLine(decisionSentence(recorded)),
    ...decision,
    ...(selected ? { selected } : {}),
    ...(record.comparison
      ? {
          comparison: record.comparison,
          comparisonSentence: inertLine(comparisonSentence(record.comparison)),
        }
      : {}),
  };
}

export interface PublishOptions {
  busName: string;
  source: string;
  /** Attempts for entries EventBridge did not accept (FailedEntryCount > 0). */
  attempts?: number;
  /** Waits between attempts; injectable so tests do not sleep. */
  sleep?: (milliseconds: number) => Promise<void>;
}

/** Puts one event and retries it while EventBridge reports it as a failed entry. */
export async function publishOutcome(
  events: EventBridgeClient,
  detail: OutcomeDetail,
  options: PublishOptions,
): Promise<string> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    let response: PutEventsCommandOutput;
    try {
      response = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: options.busName,
              Source: options.source,
              DetailType: DETAIL_TYPES[detail.outcome],
              Resources: detail.jobArn ? [detail.jobArn] : [],
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
    } catch (error) {
      throw classifyAwsError(error, "publish the outcome event");
    }
    const entry = response.Entries?.[0];
    if (!response.FailedEntryCount && entry?.EventId) return entry.EventId;
    lastError = `${entry?.ErrorCode ?? "unknown"}: ${entry?.ErrorMessage ?? "no message"}`;
    if (attempt < attempts) await sleep(200 * 2 ** (attempt - 1));
  }
  throw new EventPublishError(
    `EventBridge did not accept the ${detail.outcome} event for ${detail.jobName} after ${attempts} attempts (${lastError})`,
  );
}
