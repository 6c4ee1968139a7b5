/**
 * The JSONPath subset EventBridge evaluates in InputPath and InputPathsMap: `$`, dot notation,
 * bracketed names and indices, and `*` wildcards.
 */

export type PathSegment =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" };

const DOT_NAME = /^[^.[\]*]+/;
const BRACKET = /^\[(?:(\d+)|\*|'([^']*)'|"([^"]*)")\]/;

/** The segments of `path`, or undefined when it is not a path EventBridge accepts. */
export function parseJsonPath(path: string): PathSegment[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const parsed = rest.startsWith(".") ? dotSegment(rest.slice(1)) : bracketSegment(rest);
    if (!parsed) return undefined;
    segments.push(parsed.segment);
    rest = parsed.rest;
  }
  return segments;
}

function dotSegment(text: string): { segment: PathSegment; rest: string } | undefined {
  if (text.startsWith("*")) return { segment: { kind: "wildcard" }, rest: text.slice(1) };
  const name = DOT_NAME.exec(text)?.[0];
  return name ? { segment: { kind: "name", name }, rest: text.slice(name.length) } : undefined;
}

function bracketSegment(text: string): { segment: PathSegment; rest: string } | undefined {
  const match = BRACKET.exec(text);
  if (!match) return undefined;
  const [whole, index, single, double] = match;
  const rest = text.slice(whole.length);
  if (index !== undefined) return { segment: { kind: "index", index: Number(index) }, rest };
  const name = single ?? double;
  if (name !== undefined) return { segment: { kind: "name", name }, rest };
  return { segment: { kind: "wildcard" }, rest };
}

export function isValidJsonPath(path: string): boolean {
  return parseJsonPath(path) !== undefined;
}

/**
 * The value at `path` in `document`: undefined when absent; with a wildcard, the list of every
 * value reached, as JSONPath implementations return it.
 */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  const segments = parseJsonPath(path);
  if (!segments) return undefined;
  const reached = segments.reduce<unknown[]>(
    (values, segment) => values.flatMap((value) => step(value, segment)),
    [document],
  );
  const hasWildcard = segments.some((segment) => segment.kind === "wildcard");
  return hasWildcard ? reached : reached[0];
}

function step(value: unknown, segment: PathSegment): unknown[] {
  switch (segment.kind) {
    case "name":
      return isRecord(value) && Object.hasOwn(value, segment.name) ? [value[segment.name]] : [];
    case "index":
      return Array.isArray(value) && segment.index < value.length ? [value[segment.index]] : [];
    case "wildcard":
      if (Array.isArray(value)) return value;
      return isRecord(value) ? Object.values(value) : [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
