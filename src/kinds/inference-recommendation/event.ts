/**
 * The outcome events of a classic job that was decided: selected, unsatisfiable or measured, with
 * the decision cut to the event's size and its sentences.
 */
import * as z from "zod";
import {
  autoscalingProposal,
  autoscalingProposalSchema,
  awsScalingSchema,
  type CappedDecision,
  capDecision,
  cappedDecisionSchema,
  comparisonSchema,
  comparisonSentence,
  decisionEntrySchema,
  decisionSentence,
  EVENT_LIMITS,
} from "../../decision/index.ts";
import { baseDetail } from "../../event-detail.ts";
import { inertLine } from "../../text/inert.ts";
import type { JobRecord } from "../../workflow/record.ts";
import { DEFAULT_KIND } from "../kind.ts";
import type { KindEvents } from "../kind-events.ts";

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

const details = {
  selected: {
    detailType: "Inference Recommendation Selected",
    schema: z.strictObject({
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
  },
  unsatisfiable: {
    detailType: "Inference Recommendation Unsatisfiable",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("unsatisfiable"),
      ...decisionDetail,
    }),
  },
  measured: {
    detailType: "Inference Endpoint Measured",
    schema: z.strictObject({
      ...baseDetail,
      outcome: z.literal("measured"),
      ...decisionDetail,
      measured: decisionDetail.measured.min(1),
    }),
  },
};

type ClassicDetailKey = keyof typeof details;

export const inferenceRecommendationEvents = {
  details,
  keyOf: (outcome) => (outcome in details ? (outcome as ClassicDetailKey) : undefined),
  decisionFields: (record) =>
    record.decision ? decisionFields(record.decision, record) : undefined,
} satisfies KindEvents<ClassicDetailKey>;

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
