/**
 * The outcome events of an LLM job that was decided. They have their own detail-types, so a
 * consumer of the classic ones never meets an LLM decision's shape under a name it knows; the
 * selected one carries the configuration to deploy.
 */
import * as z from "zod";
import { baseDetail } from "../../event-detail.ts";
import { inertLine } from "../../text/inert.ts";
import type { JobRecord } from "../../workflow/record.ts";
import type { KindEvents } from "../kind-events.ts";
import {
  capLlmDecision,
  type LlmDecision,
  llmDecisionSchema,
  llmEntrySchema,
  llmMetricsSchema,
} from "./decide.ts";
import { llmDeployment } from "./deployment.ts";
import { llmComparisonSentence, llmDecisionSentence } from "./sentence.ts";
import { AI_RECOMMENDATION_KIND } from "./spec.ts";

/** What to deploy, and how it is expected to perform. */
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
  kind: z.literal(AI_RECOMMENDATION_KIND),
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

const details = {
  "llm-selected": {
    detailType: "LLM Recommendation Selected",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("selected"),
      ...llmDecisionDetail,
      selected: llmEntrySchema.describe("The configuration to deploy, sized for the load."),
      deployment: deploymentSchema,
    }),
  },
  "llm-unsatisfiable": {
    detailType: "LLM Recommendation Unsatisfiable",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("unsatisfiable"),
      ...llmDecisionDetail,
    }),
  },
};

/** Entries of each list an LLM decision's event keeps (some 1 KB each). */
const LLM_EVENT_ITEMS = 25;

export const aiRecommendationEvents = {
  details,
  keyOf: (outcome) =>
    outcome === "selected" || outcome === "unsatisfiable" ? (`llm-${outcome}` as const) : undefined,
  decisionFields: (record) =>
    record.llmDecision ? llmDecisionFields(record.llmDecision, record) : undefined,
} satisfies KindEvents<keyof typeof details>;

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
    kind: AI_RECOMMENDATION_KIND,
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
