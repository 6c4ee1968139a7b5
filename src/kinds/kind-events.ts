/**
 * What a job kind declares about its outcome events: the details of the outcomes it decides
 * (each with its detail-type and schema) and how its record's decision becomes their fields. The
 * outcomes every kind shares (a failure, a timeout, a rejection) are src/outcome.ts's own.
 */
import type { DetailDeclaration } from "../event-detail.ts";
import type { JobRecord, Outcome } from "../workflow/record.ts";

export interface KindEvents<Key extends string = string> {
  /** By key: each is events/schemas/outcome-<key>.schema.json. */
  details: Record<Key, DetailDeclaration>;
  /** The detail an outcome of the kind is published with; undefined for a shared outcome. */
  keyOf(outcome: Outcome): Key | undefined;
  /** The decision's part of the detail; undefined when the record holds no decision. */
  decisionFields(record: JobRecord): Record<string, unknown> | undefined;
}
