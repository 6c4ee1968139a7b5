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
import { capDiagnosis, cappedDiagnosisSchema, EVENT_LIMITS } from "./decision/index.ts";
import { classifyAwsError, EventPublishError } from "./errors.ts";
import {
  baseDetail,
  commonDetail,
  type DetailDeclaration,
  OUTCOME_SCHEMA_VERSION,
} from "./event-detail.ts";
import { KIND_EVENTS } from "./kinds/events.ts";
import { DEFAULT_KIND, type JobKindName } from "./kinds/kind.ts";
import { inertLine } from "./text/inert.ts";
import {
  failureSchema,
  type JobRecord,
  type Outcome,
  overBudgetSchema,
} from "./workflow/record.ts";

export { OUTCOME_SCHEMA_VERSION };

/** The outcomes of a job that ended without a decision: the same detail for every kind. */
const ENDED_DETAILS = {
  failed: {
    detailType: "Inference Recommendation Failed",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("failed"),
      failure: failureSchema,
      diagnosis: cappedDiagnosisSchema
        .optional()
        .describe(
          "Why the job failed and where its logs are (a job that ended FAILED or STOPPED).",
        ),
    }),
  },
  "timed-out": {
    detailType: "Inference Recommendation Timed Out",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("timed-out"),
      failure: failureSchema,
    }),
  },
  rejected: {
    detailType: "Inference Recommendation Rejected",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("rejected"),
      failure: failureSchema,
    }),
  },
  "queue-timed-out": {
    detailType: "Inference Recommendation Queue Timed Out",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("queue-timed-out"),
      failure: failureSchema,
    }),
  },
  "over-budget": {
    detailType: "Recommendation Over Budget",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("over-budget"),
      failure: failureSchema,
      budget: overBudgetSchema.describe(
        "The month's tuning spend, this job's estimate and the budget it would have gone over (US dollars); notifyOps is true for the month's first.",
      ),
    }),
  },
} satisfies Partial<Record<Outcome, DetailDeclaration>>;
type EndedKey = keyof typeof ENDED_DETAILS;

type KindDetails = (typeof KIND_EVENTS)[JobKindName]["details"];
type Merged<U> = (U extends unknown ? (all: U) => void : never) extends (all: infer I) => void
  ? I
  : never;

/**
 * Every detail an outcome event may have, by key (events/schemas/outcome-<key>.schema.json):
 * the ended outcomes', then each kind's decided ones. A key declared twice is refused here.
 */
export const OUTCOME_DETAILS = mergeDetails(
  ENDED_DETAILS,
  ...Object.values(KIND_EVENTS).map((events) => events.details),
) as typeof ENDED_DETAILS & Merged<KindDetails>;
export type DetailKey = keyof typeof OUTCOME_DETAILS;
export const DETAIL_KEYS = Object.keys(OUTCOME_DETAILS) as DetailKey[];

/** The detail-type of each detail, by key. */
export const DETAIL_TYPES = Object.fromEntries(
  DETAIL_KEYS.map((key) => [key, OUTCOME_DETAILS[key].detailType]),
) as Record<DetailKey, string>;

export type OutcomeDetail = {
  [Key in DetailKey]: z.output<(typeof OUTCOME_DETAILS)[Key]["schema"]>;
}[DetailKey];

/** One map of details from several; a key in two of them is refused. */
export function mergeDetails(
  ...lists: Record<string, DetailDeclaration>[]
): Record<string, DetailDeclaration> {
  const merged: Record<string, DetailDeclaration> = {};
  for (const list of lists) {
    for (const [key, declaration] of Object.entries(list)) {
      if (key in merged) throw new Error(`the outcome detail ${key} is declared twice`);
      merged[key] = declaration;
    }
  }
  return merged;
}

/** Which detail schema a detail follows: its kind's decided one, else the ended outcome's. */
export function detailKeyOf(detail: {
  outcome: Outcome;
  kind?: JobKindName | undefined;
}): DetailKey {
  return (
    KIND_EVENTS[detail.kind ?? DEFAULT_KIND].keyOf(detail.outcome) ?? (detail.outcome as EndedKey)
  );
}

/** The detail-type an event of this detail is published under. */
export function detailTypeOf(detail: { outcome: Outcome; kind?: JobKindName | undefined }): string {
  return DETAIL_TYPES[detailKeyOf(detail)];
}

/** Every detail's JSON Schema, by its key. */
export function outcomeJsonSchemas(): Record<DetailKey, Record<string, unknown>> {
  return Object.fromEntries(
    DETAIL_KEYS.map((key) => [
      key,
      {
        $id: `urn:irflow:schema:outcome-${key}:${OUTCOME_SCHEMA_VERSION}`,
        title: `irflow event detail: ${OUTCOME_DETAILS[key].detailType}`,
        ...z.toJSONSchema(OUTCOME_DETAILS[key].schema, { target: "draft-2020-12" }),
      },
    ]),
  ) as unknown as Record<DetailKey, Record<string, unknown>>;
}

/** The event detail for a decided record; throws if the record does not fit the schema. */
export function buildOutcomeDetail(record: JobRecord, now: Date): OutcomeDetail {
  const { outcome } = record;
  if (!outcome) throw new Error(`job ${record.jobName} has no outcome to publish yet`);
  const common = commonDetail({ ...record, outcome }, now);
  const events = KIND_EVENTS[common.kind];
  const decided = events.keyOf(outcome);
  if (decided) {
    const fields = events.decisionFields(record);
    if (!fields)
      throw new Error(`job ${record.jobName} is ${outcome} but its record holds no decision`);
    return OUTCOME_DETAILS[decided].schema.parse({ ...common, ...fields }) as OutcomeDetail;
  }
  const detail = {
    ...common,
    // The ops message quotes the reason: one line, so it cannot forge lines of its own.
    failure: record.failure && { ...record.failure, reason: inertLine(record.failure.reason) },
    ...(record.diagnosis ? { diagnosis: capDiagnosis(record.diagnosis, EVENT_LIMITS) } : {}),
    ...(outcome === "over-budget" && record.overBudget ? { budget: record.overBudget } : {}),
  };
  return ENDED_DETAILS[outcome as EndedKey].schema.parse(detail);
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
              DetailType: detailTypeOf(detail),
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
