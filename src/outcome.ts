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
  autoscalingProposal,
  autoscalingProposalSchema,
  awsScalingSchema,
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
import {
  capLlmDecision,
  type LlmDecision,
  llmDecisionSchema,
  llmEntrySchema,
  llmMetricsSchema,
} from "./kinds/ai-recommendation/decide.ts";
import { llmDeployment } from "./kinds/ai-recommendation/deployment.ts";
import { llmComparisonSentence, llmDecisionSentence } from "./kinds/ai-recommendation/sentence.ts";
import { DEFAULT_KIND, JOB_KINDS } from "./kinds/kind.ts";
import { JOB_TYPES } from "./spec/schema.ts";
import { inertLine } from "./text/inert.ts";
import { outcomeIdOf } from "./workflow/lifecycle.ts";
import {
  failureSchema,
  type JobRecord,
  modelRefSchema,
  type Outcome,
  overBudgetSchema,
  triggerSchema,
} from "./workflow/record.ts";

/** 2.1 added `kind` and the LLM Recommendation detail-types; 2.0 events read as 2.1 ones. */
export const OUTCOME_SCHEMA_VERSION = "2.1";

export const DETAIL_TYPES: Record<Outcome, string> = {
  selected: "Inference Recommendation Selected",
  unsatisfiable: "Inference Recommendation Unsatisfiable",
  measured: "Inference Endpoint Measured",
  failed: "Inference Recommendation Failed",
  "timed-out": "Inference Recommendation Timed Out",
  rejected: "Inference Recommendation Rejected",
  "queue-timed-out": "Inference Recommendation Queue Timed Out",
  "over-budget": "Recommendation Over Budget",
};

/**
 * The decided outcomes of an LLM job (the kind ai-recommendation) have their own detail-types, so
 * a consumer of the classic ones never meets an LLM decision's shape under a name it knows.
 */
export const LLM_DETAIL_TYPES = {
  "llm-selected": "LLM Recommendation Selected",
  "llm-unsatisfiable": "LLM Recommendation Unsatisfiable",
} as const;
export type LlmDetailKey = keyof typeof LLM_DETAIL_TYPES;

const baseDetail = {
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

/** What a decided job's event carries: the decision core's own fields, declared there once. */
const decisionDetail = {
  kind: z
    .literal(DEFAULT_KIND)
    .optional()
    .describe("The job kind; events before schema 2.1 have none."),
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
    autoscaling: autoscalingProposalSchema
      .optional()
      .describe(
        "With a traffic profile: the selected entry's fleet through the day, its cost against the fixed peak fleet, and the Application Auto Scaling calls that apply it.",
      ),
    awsScaling: awsScalingSchema
      .optional()
      .describe(
        "AWS's autoscaling recommendation for the selected entry (GetScalingConfigurationRecommendation), beside autoscaling, irflow's proposal, with the differences.",
      ),
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
  "over-budget": z.strictObject({
    ...baseDetail,
    outcome: z.literal("over-budget"),
    failure: failureSchema,
    budget: overBudgetSchema.describe(
      "The month's tuning spend, this job's estimate and the budget it would have gone over (US dollars); notifyOps is true for the month's first.",
    ),
  }),
} satisfies Record<Outcome, z.ZodType>;

/** What an LLM job's decision carries: what to deploy, and how it is expected to perform. */
const deploymentSchema = z.strictObject({
  modelSource: z.string().optional().describe("The S3 location of the model's artifacts."),
  modelPackageArn: z.string().optional(),
  imageUri: z.string().optional(),
  instanceType: z.string(),
  instanceCount: z.number().int().describe("Sized for the policy's load."),
  copiesPerInstance: z.number().int(),
  environment: z.record(z.string(), z.string()).optional(),
  s3Channels: llmEntrySchema.shape.s3Channels,
  optimizations: z.array(z.string()),
  expected: llmMetricsSchema.extend({
    latencyStat: llmDecisionSchema.shape.latencyStat.describe("The statistic of the latencies."),
  }),
});

const llmDecisionDetail = {
  kind: z.literal("ai-recommendation"),
  sentence: z.string().describe("The decision in one sentence."),
  ...llmDecisionSchema.pick({
    objective: true,
    latencyStat: true,
    ranked: true,
    rejected: true,
    relaxations: true,
    prices: true,
    notes: true,
    omitted: true,
    comparison: true,
  }).shape,
  comparisonSentence: z
    .string()
    .optional()
    .describe("The comparison with production in one sentence, when the policy gives current."),
};

export const llmDetailSchemas = {
  "llm-selected": z.strictObject({
    ...baseDetail,
    outcome: z.literal("selected"),
    ...llmDecisionDetail,
    selected: llmEntrySchema.describe("The configuration to deploy, sized for the load."),
    deployment: deploymentSchema,
  }),
  "llm-unsatisfiable": z.strictObject({
    ...baseDetail,
    outcome: z.literal("unsatisfiable"),
    ...llmDecisionDetail,
  }),
} satisfies Record<LlmDetailKey, z.ZodType>;

export type OutcomeDetail =
  | z.output<(typeof outcomeDetailSchemas)[Outcome]>
  | z.output<(typeof llmDetailSchemas)[LlmDetailKey]>;

/** Which detail schema (events/schemas/outcome-<key>.schema.json) a detail follows. */
export function detailKeyOf(
  detail: Pick<OutcomeDetail, "outcome" | "kind">,
): Outcome | LlmDetailKey {
  if (detail.kind === "ai-recommendation") {
    if (detail.outcome === "selected") return "llm-selected";
    if (detail.outcome === "unsatisfiable") return "llm-unsatisfiable";
  }
  return detail.outcome;
}

/** The detail-type an event of this detail is published under. */
export function detailTypeOf(detail: Pick<OutcomeDetail, "outcome" | "kind">): string {
  const key = detailKeyOf(detail);
  return key === "llm-selected" || key === "llm-unsatisfiable"
    ? LLM_DETAIL_TYPES[key]
    : DETAIL_TYPES[key];
}

/** Every detail's JSON Schema, by its key: each outcome, and the LLM decided outcomes. */
export function outcomeJsonSchemas(): Record<Outcome | LlmDetailKey, Record<string, unknown>> {
  const titled = { ...DETAIL_TYPES, ...LLM_DETAIL_TYPES } as Record<string, string>;
  const entries = Object.entries({ ...outcomeDetailSchemas, ...llmDetailSchemas }).map(
    ([key, schema]) => [
      key,
      {
        $id: `urn:irflow:schema:outcome-${key}:${OUTCOME_SCHEMA_VERSION}`,
        title: `irflow event detail: ${titled[key]}`,
        ...z.toJSONSchema(schema, { target: "draft-2020-12" }),
      },
    ],
  );
  return Object.fromEntries(entries) as Record<Outcome | LlmDetailKey, Record<string, unknown>>;
}

/** The event detail for a decided record; throws if the record does not fit the schema. */
export function buildOutcomeDetail(record: JobRecord, now: Date): OutcomeDetail {
  const { outcome } = record;
  if (!outcome) throw new Error(`job ${record.jobName} has no outcome to publish yet`);
  const finishedAt = record.completedAt ?? now.toISOString();
  const common = {
    schemaVersion: OUTCOME_SCHEMA_VERSION,
    kind: record.kind ?? DEFAULT_KIND,
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
  if ((outcome === "selected" || outcome === "unsatisfiable") && record.llmDecision) {
    const llm = { ...common, ...llmDecisionFields(record.llmDecision, record) };
    return outcome === "selected"
      ? llmDetailSchemas["llm-selected"].parse(llm)
      : llmDetailSchemas["llm-unsatisfiable"].parse(llm);
  }
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
          ...(outcome === "over-budget" && record.overBudget ? { budget: record.overBudget } : {}),
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
  const autoscaling = selected && autoscalingProposal(selected, recorded.policy);
  return {
    sentence: inertLine(decisionSentence(recorded)),
    ...decision,
    ...(selected ? { selected } : {}),
    ...(autoscaling ? { autoscaling } : {}),
    ...(selected && record.awsScaling ? { awsScaling: record.awsScaling } : {}),
    ...(record.comparison
      ? {
          comparison: record.comparison,
          comparisonSentence: inertLine(comparisonSentence(record.comparison)),
        }
      : {}),
  };
}

/** Entries of each list an LLM decision's event keeps (some 1 KB each). */
const LLM_EVENT_ITEMS = 25;

/** An LLM decision as its event carries it, with the configuration to deploy. */
function llmDecisionFields(recorded: LlmDecision, record: JobRecord) {
  const {
    selected,
    objective,
    latencyStat,
    ranked,
    rejected,
    relaxations,
    prices,
    notes,
    omitted,
    comparison,
  } = capLlmDecision(recorded, LLM_EVENT_ITEMS);
  return {
    kind: "ai-recommendation" as const,
    sentence: inertLine(llmDecisionSentence(recorded)),
    objective,
    latencyStat,
    ranked,
    rejected,
    relaxations,
    ...(prices ? { prices } : {}),
    notes,
    ...(omitted ? { omitted } : {}),
    ...(comparison
      ? { comparison, comparisonSentence: inertLine(llmComparisonSentence(comparison)) }
      : {}),
    ...(selected
      ? {
          selected,
          deployment: llmDeployment(selected, latencyStat, record.model),
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
