/**
 * `maxResults`/`nextToken` paging as the Step Functions list operations do it.
 */
import { InvalidToken, ValidationException } from "./errors.ts";

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** Returns the page `nextToken` points at; `maxResults` 0 or absent means 100, as in AWS. */
export function paginate<T>(items: readonly T[], maxResults?: number, nextToken?: string): Page<T> {
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE_SIZE)
  ) {
    throw new ValidationException(
      `Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and ${MAX_PAGE_SIZE}`,
    );
  }
  const size = maxResults || DEFAULT_PAGE_SIZE;
  const offset = nextToken === undefined ? 0 : decodeOffset(nextToken);
  const end = offset + size;
  return end < items.length
    ? { items: items.slice(offset, end), nextToken: encodeOffset(end) }
    : { items: items.slice(offset) };
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

function decodeOffset(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && "offset" in parsed) {
      const { offset } = parsed;
      if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
    }
  } catch (error) {
    throw new InvalidToken(`Invalid Token: '${token}'`, { cause: error });
  }
  throw new InvalidToken(`Invalid Token: '${token}'`);
}
