/** List pagination with opaque NextToken strings, as the List* operations use it. */
import { ValidationException } from "./errors.ts";

const MAX_LIMIT = 100;

export interface PageRequest {
  Limit?: number;
  NextToken?: string;
}

export function paginate<T>(
  items: readonly T[],
  request: PageRequest,
): { items: T[]; nextToken?: string } {
  const limit = request.Limit ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationException(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${MAX_LIMIT}`,
    );
  }
  const start = request.NextToken === undefined ? 0 : decodeToken(request.NextToken);
  const end = start + limit;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: encodeToken(end) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset =
      typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "offset") : undefined;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch (cause) {
    throw new ValidationException("The NextToken provided is invalid.", { cause });
  }
  throw new ValidationException("The NextToken provided is invalid.");
}
