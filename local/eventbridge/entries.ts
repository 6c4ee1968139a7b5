/**
 * PutEvents entries as AWS judges them: request limits, per-entry checks, the size formula and
 * the envelope built for an accepted entry.
 */
import { ValidationException } from "./errors.ts";
import type { EventEnvelope, PutEventsRequestEntry } from "./types.ts";

export const MAX_ENTRIES_PER_CALL = 10;
/**
 * PutEvents rejects requests whose entries total 256 KB or more, as the EventBridge User Guide
 * documents. (AWS announced 1 MB for event buses in January 2026; a bus takes that limit with
 * `limits.requestEntryBytes`.)
 */
export const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;
/** What AWS counts for a Time member, whatever its value. */
const TIME_BYTES = 14;

export interface EntryFailure {
  ErrorCode: string;
  ErrorMessage: string;
}

/** An entry that passed every check, with its Detail parsed. */
export interface AcceptedEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  time: Date | undefined;
}

export type EntryCheck = { ok: true; entry: AcceptedEntry } | { ok: false; failure: EntryFailure };

/**
 * Throws ValidationException for what fails the whole call rather than one entry: no entries, too
 * many, or entries that total `requestEntryBytes` or more (one large entry is enough).
 */
export function assertRequestLimits(
  entries: readonly PutEventsRequestEntry[],
  requestEntryBytes: number = MAX_REQUEST_ENTRY_BYTES,
): void {
  if (entries.length < 1) {
    throw new ValidationException(
      "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > MAX_ENTRIES_PER_CALL) {
    throw new ValidationException(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_CALL}`,
    );
  }
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total >= requestEntryBytes) {
    throw new ValidationException("Total size of the entries in the request is over the limit.");
  }
}

/** The size AWS documents for a PutEventsRequestEntry. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) =>
    text === undefined ? 0 : Buffer.byteLength(text, "utf8");
  return (
    (entry.Time === undefined ? 0 : TIME_BYTES) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** The per-entry checks, in the order AWS reports them. */
export function checkEntry(
  entry: PutEventsRequestEntry,
  options: { allowAwsSource: boolean },
): EntryCheck {
  if (!entry.Source) return failed("InvalidArgument", requiredMessage("Source"));
  if (!entry.DetailType) return failed("InvalidArgument", requiredMessage("DetailType"));
  if (!entry.Detail) return failed("InvalidArgument", requiredMessage("Detail"));
  if (!options.allowAwsSource && entry.Source.toLowerCase().startsWith("aws.")) {
    return failed("NotAuthorizedForSourceException", "Not authorized for the source.");
  }
  if (entry.Time !== undefined && Number.isNaN(entry.Time.getTime())) {
    return failed(
      "InvalidArgument",
      "Parameter Time is not valid. Reason: Time is not a valid timestamp.",
    );
  }
  const detail = parseDetail(entry.Detail);
  if (!detail) return failed("MalformedDetail", "Detail is malformed.");
  return {
    ok: true,
    entry: {
      source: entry.Source,
      detailType: entry.DetailType,
      detail,
      resources: [...(entry.Resources ?? [])],
      time: entry.Time,
    },
  };
}

function requiredMessage(member: string): string {
  return `Parameter ${member} is not valid. Reason: ${member} is a required argument.`;
}

function failed(ErrorCode: string, ErrorMessage: string): EntryCheck {
  return { ok: false, failure: { ErrorCode, ErrorMessage } };
}

/** Detail must be the text of a JSON object. */
export function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export interface EnvelopeContext {
  id: string;
  account: string;
  region: string;
  receivedAt: Date;
}

export function buildEnvelope(entry: AcceptedEntry, context: EnvelopeContext): EventEnvelope {
  return {
    version: "0",
    id: context.id,
    "detail-type": entry.detailType,
    source: entry.source,
    account: context.account,
    time: isoSeconds(entry.time ?? context.receivedAt),
    region: context.region,
    resources: entry.resources,
    detail: entry.detail,
  };
}

/** ISO 8601 without milliseconds, as EventBridge writes `time`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
