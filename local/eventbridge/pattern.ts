/**
 * EventBridge event patterns: a pure matcher and a validator.
 *
 * Semantics follow the EventBridge user guide and the Event Ruler library behind it:
 * - every field named in the pattern must match (AND across fields); a field matches when any
 *   condition in its list matches (OR within the list);
 * - an array in the event matches when any of its elements matches, and fields matched below an
 *   array must all come from the same element ("array-consistent" matching);
 * - conditions apply to leaf values only: an object in the event is an intermediate node, so
 *   `exists: true` does not see it and `exists: false` does;
 * - `anything-but` needs the field to be present.
 */
import { BlockList, isIP } from "node:net";

type PatternObject = Record<string, unknown>;

const OR_KEY = "$or";
const LOWER_BOUNDS = new Set([">", ">="]);
const UPPER_BOUNDS = new Set(["<", "<="]);
const NUMERIC_OPERATORS = new Set(["=", ...LOWER_BOUNDS, ...UPPER_BOUNDS]);
const STRING_EXCLUSIONS = new Set(["prefix", "suffix", "equals-ignore-case", "wildcard"]);
/**
 * The deepest nesting of objects and arrays a pattern may have. EventBridge processes JSON up to
 * 1,100 levels deep (PutEvents); the matcher and the validator recurse, so a deeper pattern is
 * refused before either walks it.
 */
export const MAX_PATTERN_DEPTH = 1100;

/** True when `event` satisfies every field of `pattern`. Never throws; an invalid pattern part matches nothing. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return isPlainObject(pattern) && matchesObject(pattern, event);
}

/** Problems that make `pattern` unusable as an EventBridge event pattern; empty when it is valid. */
export function validatePattern(pattern: unknown): string[] {
  if (!isPlainObject(pattern)) return ["Pattern must be a JSON object"];
  if (nestsDeeperThan(pattern, MAX_PATTERN_DEPTH)) {
    return [`Pattern nests objects and arrays deeper than ${MAX_PATTERN_DEPTH} levels`];
  }
  return validateObject(pattern, "");
}

/** Walks without recursion, so that any depth is measured without overflowing the stack. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Matching

function matchesObject(pattern: PatternObject, value: unknown): boolean {
  return objectCandidates(value).some((candidate) => matchesFieldsOf(pattern, candidate));
}

/** The values a nested pattern is tried against: array elements one by one, for array consistency. */
function objectCandidates(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  const elements = value.flat(Number.POSITIVE_INFINITY);
  // An empty array has no children, which `exists: false` below it must still see.
  return elements.length === 0 ? [undefined] : elements;
}

function matchesFieldsOf(pattern: PatternObject, candidate: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) =>
    key === OR_KEY
      ? matchesAnyBranch(expected, candidate)
      : matchesField(expected, childOf(candidate, key)),
  );
}

function matchesAnyBranch(branches: unknown, candidate: unknown): boolean {
  return (
    Array.isArray(branches) &&
    branches.some((branch) => isPlainObject(branch) && matchesFieldsOf(branch, candidate))
  );
}

function matchesField(expected: unknown, value: unknown): boolean {
  if (Array.isArray(expected)) return matchesConditionList(expected, leafValues(value));
  if (isPlainObject(expected)) return matchesObject(expected, value);
  return false;
}

function childOf(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The leaf values at a path: array elements flattened, objects dropped as intermediate nodes. */
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  if (isPlainObject(value)) return [];
  return [value];
}

function matchesConditionList(conditions: readonly unknown[], values: readonly unknown[]): boolean {
  return conditions.some((condition) => {
    const exists = existsFlag(condition);
    if (exists !== undefined) return exists === values.length > 0;
    return values.some((value) => matchesCondition(condition, value));
  });
}

function existsFlag(condition: unknown): boolean | undefined {
  if (!isPlainObject(condition)) return undefined;
  const flag = condition.exists;
  return typeof flag === "boolean" ? flag : undefined;
}

function matchesCondition(condition: unknown, value: unknown): boolean {
  if (!isPlainObject(condition)) return condition === value;
  const entry = singleEntry(condition);
  if (!entry) return false;
  const [operator, operand] = entry;
  switch (operator) {
    case "prefix":
      return typeof value === "string" && matchesPrefix(operand, value);
    case "suffix":
      return typeof value === "string" && matchesSuffix(operand, value);
    case "equals-ignore-case":
      return (
        typeof value === "string" &&
        typeof operand === "string" &&
        equalsIgnoringCase(operand, value)
      );
    case "wildcard":
      return (
        typeof value === "string" && typeof operand === "string" && matchesWildcard(operand, value)
      );
    case "anything-but":
      return matchesAnythingBut(operand, value);
    case "numeric":
      return typeof value === "number" && Array.isArray(operand) && inNumericRange(operand, value);
    case "cidr":
      return typeof value === "string" && typeof operand === "string" && inCidr(operand, value);
    default:
      return false;
  }
}

function matchesPrefix(operand: unknown, value: string): boolean {
  if (typeof operand === "string") return value.startsWith(operand);
  const folded = ignoreCaseOperand(operand);
  return folded !== undefined && value.toLowerCase().startsWith(folded);
}

function matchesSuffix(operand: unknown, value: string): boolean {
  if (typeof operand === "string") return value.endsWith(operand);
  const folded = ignoreCaseOperand(operand);
  return folded !== undefined && value.toLowerCase().endsWith(folded);
}

/** `{ "equals-ignore-case": "x" }` inside prefix/suffix, lower-cased. */
function ignoreCaseOperand(operand: unknown): string | undefined {
  const [operator, text] = (isPlainObject(operand) && singleEntry(operand)) || [];
  return operator === "equals-ignore-case" && typeof text === "string"
    ? text.toLowerCase()
    : undefined;
}

function equalsIgnoringCase(expected: string, value: string): boolean {
  return expected.toLowerCase() === value.toLowerCase();
}

function matchesAnythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return !operand.some((excluded) => excluded === value);
  if (!isPlainObject(operand)) return operand !== value;
  const entry = singleEntry(operand);
  if (!entry) return false;
  const [operator, inner] = entry;
  const excluded = Array.isArray(inner) ? inner : [inner];
  if (!excluded.every((item): item is string => typeof item === "string")) return false;
  // Only strings can start, end or case-fold like the operand; other values are "anything but".
  if (typeof value !== "string") return STRING_EXCLUSIONS.has(operator);
  switch (operator) {
    case "prefix":
      return !excluded.some((prefix) => value.startsWith(prefix));
    case "suffix":
      return !excluded.some((suffix) => value.endsWith(suffix));
    case "equals-ignore-case":
      return !excluded.some((text) => equalsIgnoringCase(text, value));
    case "wildcard":
      return !excluded.some((wildcard) => matchesWildcard(wildcard, value));
    default:
      return false;
  }
}

function inNumericRange(spec: readonly unknown[], value: number): boolean {
  if (spec.length === 0 || spec.length % 2 !== 0) return false;
  for (let index = 0; index < spec.length; index += 2) {
    const operator = spec[index];
    const bound = spec[index + 1];
    if (typeof bound !== "number" || !compares(operator, value, bound)) return false;
  }
  return true;
}

function compares(operator: unknown, value: number, bound: number): boolean {
  switch (operator) {
    case "=":
      return value === bound;
    case "<":
      return value < bound;
    case "<=":
      return value <= bound;
    case ">":
      return value > bound;
    case ">=":
      return value >= bound;
    default:
      return false;
  }
}

/** Splits a wildcard on its unescaped `*`, unescaping `\*` and `\\` in the literal parts. */
function wildcardSegments(wildcard: string): string[] {
  const segments: string[] = [];
  let current = "";
  for (let index = 0; index < wildcard.length; index += 1) {
    const char = wildcard[index];
    if (char === "\\") {
      index += 1;
      current += wildcard[index] ?? "";
    } else if (char === "*") {
      segments.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  segments.push(current);
  return segments;
}

/** Glob matching with `*` only: anchored first and last segments, middle segments found in order. */
export function matchesWildcard(wildcard: string, value: string): boolean {
  const segments = wildcardSegments(wildcard);
  const first = segments[0] ?? "";
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? "";
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const found = value.indexOf(middle, position);
    if (found < 0 || found + middle.length > end) return false;
    position = found + middle.length;
  }
  return true;
}

function inCidr(cidr: string, address: string): boolean {
  const block = parseCidr(cidr);
  const family = isIP(address);
  if (!block || family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (type !== block.type) return false;
  const list = new BlockList();
  list.addSubnet(block.network, block.prefix, block.type);
  return list.check(address, type);
}

function parseCidr(
  cidr: string,
): { network: string; prefix: number; type: "ipv4" | "ipv6" } | undefined {
  const slash = cidr.lastIndexOf("/");
  const network = slash < 0 ? cidr : cidr.slice(0, slash);
  const family = isIP(network);
  if (family === 0) return undefined;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(maxPrefix) : cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > maxPrefix) return undefined;
  return { network, prefix, type: family === 4 ? "ipv4" : "ipv6" };
}

// ---------------------------------------------------------------------------------------------
// Validation

function validateObject(pattern: PatternObject, path: string): string[] {
  const entries = Object.entries(pattern);
  if (entries.length === 0) return [`${where(path)}: empty objects are not allowed`];
  return entries.flatMap(([key, value]) => {
    const fieldPath = path === "" ? key : `${path}.${key}`;
    if (key === OR_KEY) return validateOr(value, fieldPath);
    if (Array.isArray(value)) return validateConditionList(value, fieldPath);
    if (isPlainObject(value)) return validateObject(value, fieldPath);
    return [`${fieldPath}: match value must be an array or an object`];
  });
}

function validateOr(branches: unknown, path: string): string[] {
  if (!Array.isArray(branches) || branches.length < 2) {
    return [`${path}: must be an array of at least two pattern objects`];
  }
  return branches.flatMap((branch, index) =>
    isPlainObject(branch)
      ? validateObject(branch, `${path}[${index}]`)
      : [`${path}[${index}]: must be a pattern object`],
  );
}

function validateConditionList(conditions: readonly unknown[], path: string): string[] {
  if (conditions.length === 0) return [`${path}: empty arrays are not allowed`];
  return conditions.flatMap((condition, index) =>
    validateCondition(condition, `${path}[${index}]`),
  );
}

function validateCondition(condition: unknown, path: string): string[] {
  if (condition === null || typeof condition === "string" || typeof condition === "boolean") {
    return [];
  }
  if (typeof condition === "number") {
    return Number.isFinite(condition) ? [] : [`${path}: numbers must be finite`];
  }
  if (Array.isArray(condition)) return [`${path}: nested arrays are not allowed`];
  if (!isPlainObject(condition)) return [`${path}: unsupported match value`];
  const entry = singleEntry(condition);
  if (!entry) return [`${path}: a match object must have exactly one operator`];
  const [operator, operand] = entry;
  const problem = operandProblem(operator, operand);
  return problem ? [`${path}.${operator}: ${problem}`] : [];
}

function operandProblem(operator: string, operand: unknown): string | undefined {
  switch (operator) {
    case "prefix":
    case "suffix":
      return typeof operand === "string" || ignoreCaseOperand(operand) !== undefined
        ? undefined
        : 'must be a string or { "equals-ignore-case": string }';
    case "equals-ignore-case":
      return typeof operand === "string" ? undefined : "must be a string";
    case "wildcard":
      return typeof operand === "string" ? wildcardProblem(operand) : "must be a string";
    case "anything-but":
      return anythingButProblem(operand);
    case "numeric":
      return numericProblem(operand);
    case "exists":
      return typeof operand === "boolean" ? undefined : "must be true or false";
    case "cidr":
      return typeof operand === "string" && parseCidr(operand)
        ? undefined
        : "must be a valid CIDR block";
    default:
      return "unrecognized match type";
  }
}

function wildcardProblem(wildcard: string): string | undefined {
  let previousWasStar = false;
  for (let index = 0; index < wildcard.length; index += 1) {
    const char = wildcard[index];
    if (char === "\\") {
      const next = wildcard[index + 1];
      if (next !== "*" && next !== "\\") return "a backslash may only escape '*' or '\\'";
      index += 1;
      previousWasStar = false;
    } else if (char === "*") {
      if (previousWasStar) return "consecutive wildcard characters are not allowed";
      previousWasStar = true;
    } else {
      previousWasStar = false;
    }
  }
  return undefined;
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === "string") return undefined;
  if (typeof operand === "number")
    return Number.isFinite(operand) ? undefined : "numbers must be finite";
  if (Array.isArray(operand)) {
    if (operand.length === 0) return "empty arrays are not allowed";
    const allStrings = operand.every((item) => typeof item === "string");
    const allNumbers = operand.every((item) => typeof item === "number" && Number.isFinite(item));
    return allStrings || allNumbers ? undefined : "a list must hold only strings or only numbers";
  }
  if (!isPlainObject(operand)) return "must be a string, a number, a list, or a match object";
  const entry = singleEntry(operand);
  if (!entry) return "a match object must have exactly one operator";
  const [operator, inner] = entry;
  switch (operator) {
    case "prefix":
    case "suffix":
      return typeof inner === "string" ? undefined : `${operator} must be a string`;
    case "equals-ignore-case":
      return stringOrStringListProblem(inner);
    case "wildcard":
      return stringOrStringListProblem(inner) ?? wildcardListProblem(inner);
    default:
      return `${operator} is not supported inside anything-but`;
  }
}

function stringOrStringListProblem(value: unknown): string | undefined {
  if (typeof value === "string") return undefined;
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")) {
    return undefined;
  }
  return "must be a string or a non-empty list of strings";
}

function wildcardListProblem(value: unknown): string | undefined {
  const wildcards = Array.isArray(value) ? value : [value];
  for (const wildcard of wildcards) {
    const problem = typeof wildcard === "string" ? wildcardProblem(wildcard) : undefined;
    if (problem) return problem;
  }
  return undefined;
}

function numericProblem(spec: unknown): string | undefined {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) {
    return "must be a list of operator and number pairs";
  }
  let lower: number | undefined;
  let upper: number | undefined;
  for (let index = 0; index < spec.length; index += 2) {
    const operator = spec[index];
    const bound = spec[index + 1];
    if (typeof operator !== "string" || !NUMERIC_OPERATORS.has(operator)) {
      return `unknown operator ${JSON.stringify(operator)}`;
    }
    if (typeof bound !== "number" || !Number.isFinite(bound)) {
      return `operator ${operator} needs a finite number`;
    }
    if (operator === "=") {
      if (spec.length !== 2) return "'=' cannot be combined with other operators";
    } else if (LOWER_BOUNDS.has(operator)) {
      if (lower !== undefined) return "at most one lower bound is allowed";
      lower = bound;
    } else {
      if (upper !== undefined) return "at most one upper bound is allowed";
      upper = bound;
    }
  }
  if (lower !== undefined && upper !== undefined && lower >= upper) {
    return "the lower bound must be less than the upper bound";
  }
  return undefined;
}

function where(path: string): string {
  return path === "" ? "(pattern)" : path;
}

/** The one `[operator, operand]` of a match object, or undefined when it has none or several. */
function singleEntry(object: PatternObject): [string, unknown] | undefined {
  const entries = Object.entries(object);
  return entries.length === 1 ? entries[0] : undefined;
}

function isPlainObject(value: unknown): value is PatternObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
