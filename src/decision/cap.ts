/**
 * A decision or a diagnosis cut to a size that fits where it is kept: a DynamoDB item (400 KB at
 * most) or an EventBridge event (256 KB at most). The lists that grow with the job (ranked
 * entries, the frontier, rejections, failed benchmarks) keep their best items first and say how
 * many were left out; the totals stay whole. Items are halved until the JSON fits the byte budget,
 * so a job with long ids or many environment variables is cut further, never sent too large.
 */
import * as z from "zod";
import { type Diagnosis, diagnosisSchema } from "./diagnose.ts";
import { type Decision, decisionSchema } from "./select.ts";

export const decisionOmissionsSchema = z
  .object({
    ranked: z.number().int().nonnegative(),
    frontier: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  })
  .describe("How many items of each list were left out to keep the decision small.");

export const cappedDecisionSchema = decisionSchema.extend({ omitted: decisionOmissionsSchema });
export type CappedDecision = z.output<typeof cappedDecisionSchema>;

export const cappedDiagnosisSchema = diagnosisSchema.extend({
  omittedFailedBenchmarks: z
    .number()
    .int()
    .nonnegative()
    .describe("Failed benchmarks left out to keep the diagnosis small."),
});
export type CappedDiagnosis = z.output<typeof cappedDiagnosisSchema>;

export interface SizeLimits {
  /** Most items kept in each list. */
  maxItems: number;
  /** Most bytes of the JSON text. */
  maxBytes: number;
}

/** For the job record: a DynamoDB item holds at most 400 KB. */
export const RECORD_LIMITS: SizeLimits = { maxItems: 100, maxBytes: 150_000 };

/**
 * The one budget of a job record, as JSON: DynamoDB's item limit is 400 KB (409,600 bytes), and
 * the margin covers what DynamoDB counts beyond JSON (a byte per list item, up to 21 per number).
 */
export const RECORD_MAX_BYTES = 380_000;

/** What is written after the decision: the publication claim, its ids and times, a status. */
const RECORD_RESERVE_BYTES = 4_000;

/**
 * The limits of a decision or diagnosis kept beside `restBytes` of the rest of the record (the
 * stored spec above all): RECORD_LIMITS at most, less when the rest leaves less of the budget.
 */
export function recordLimitsBeside(restBytes: number): SizeLimits {
  const room = RECORD_MAX_BYTES - RECORD_RESERVE_BYTES - restBytes;
  return {
    maxItems: RECORD_LIMITS.maxItems,
    maxBytes: Math.max(0, Math.min(RECORD_LIMITS.maxBytes, room)),
  };
}
/** For the outcome event: an EventBridge entry holds at most 256 KB. */
export const EVENT_LIMITS: SizeLimits = { maxItems: 25, maxBytes: 60_000 };

/** Most characters of a failure reason: one line in an ops message, a small part of an event. */
export const MAX_REASON_CHARS = 4_000;

/**
 * Distinct reasons joined by ` | ` as far as `maxChars` allows, whole reasons only (the first cut
 * to fit when even it is too long), followed by how many were left out, so the total stays known.
 */
export function joinReasons(reasons: readonly string[], maxChars = MAX_REASON_CHARS): string {
  const kept: string[] = [];
  let length = 0;
  for (const reason of reasons) {
    const left = reasons.length - kept.length - 1;
    const tail = left > 0 ? ` | ... and ${left} more` : "";
    const separator = kept.length > 0 ? 3 : 0;
    if (length + separator + reason.length + tail.length > maxChars) break;
    kept.push(reason);
    length += separator + reason.length;
  }
  if (kept.length === 0 && reasons.length > 0) {
    const tail = reasons.length > 1 ? ` | ... and ${reasons.length - 1} more` : "";
    const first = reasons[0] ?? "";
    return `${first.slice(0, Math.max(0, maxChars - tail.length - 3))}...${tail}`;
  }
  const omitted = reasons.length - kept.length;
  return omitted > 0 ? `${kept.join(" | ")} | ... and ${omitted} more` : kept.join(" | ");
}

/** The text whole, or its first `maxChars` characters and how many more there were. */
export function capText(text: string, maxChars: number): string {
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters)`;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/**
 * The decision with at most `maxItems` ranked entries (the selected one always kept), frontier
 * points and rejections, halved until its JSON is at most `maxBytes`. A decision already cut keeps
 * counting what its first cut left out.
 */
export function capDecision(
  decision: Decision | CappedDecision,
  limits: SizeLimits,
): CappedDecision {
  const earlier =
    "omitted" in decision ? decision.omitted : { ranked: 0, frontier: 0, rejected: 0 };
  const keep = <T>(items: readonly T[], count: number) => items.slice(0, Math.max(0, count));
  let items = Math.max(0, Math.floor(limits.maxItems));
  for (;;) {
    const ranked = keep(decision.ranked, Math.max(items, decision.selected ? 1 : 0));
    const frontier = keep(decision.frontier, items);
    const rejected = keep(decision.rejected, items);
    const capped: CappedDecision = {
      ...decision,
      ranked,
      frontier,
      rejected,
      omitted: {
        ranked: earlier.ranked + decision.ranked.length - ranked.length,
        frontier: earlier.frontier + decision.frontier.length - frontier.length,
        rejected: earlier.rejected + decision.rejected.length - rejected.length,
      },
    };
    if (items === 0 || jsonBytes(capped) <= limits.maxBytes) return capped;
    items = Math.floor(items / 2);
  }
}

/** The diagnosis with at most `maxItems` failed benchmarks, halved until it fits `maxBytes`. */
export function capDiagnosis(
  diagnosis: Diagnosis | CappedDiagnosis,
  limits: SizeLimits,
): CappedDiagnosis {
  const earlier = "omittedFailedBenchmarks" in diagnosis ? diagnosis.omittedFailedBenchmarks : 0;
  let items = Math.max(0, Math.floor(limits.maxItems));
  for (;;) {
    const failedBenchmarks = diagnosis.failedBenchmarks.slice(0, items);
    const capped: CappedDiagnosis = {
      ...diagnosis,
      failedBenchmarks,
      // The execution stream first, then one per failed benchmark's endpoint.
      logs: { ...diagnosis.logs, streams: diagnosis.logs.streams.slice(0, items + 1) },
      omittedFailedBenchmarks:
        earlier + diagnosis.failedBenchmarks.length - failedBenchmarks.length,
    };
    if (items === 0 || jsonBytes(capped) <= limits.maxBytes) return capped;
    items = Math.floor(items / 2);
  }
}
