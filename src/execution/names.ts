/**
 * Step Functions execution names. A start is made idempotent by its name: every request for the
 * same run asks for the same name, and Step Functions keeps one execution per name. AWS allows 1 to
 * 80 characters and forbids whitespace and some punctuation; irflow keeps to [A-Za-z0-9_-].
 */
import { canonicalJson, sha256Hex } from "../spec/canonical.ts";
import { validateSpec } from "../spec/validate.ts";

export const EXECUTION_NAME_MAX = 80;
const HASH_LENGTH = 10;
const FALLBACK_NAME = "irflow-job";

/** Each run of characters outside [A-Za-z0-9_-] becomes one hyphen; none is kept at either end. */
export function sanitizeNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
}

/** A manual start's name: the job name, which already fits unless the spec sets an odd JobName. */
export function jobExecutionName(jobName: string): string {
  const name = sanitizeNamePart(jobName).slice(0, EXECUTION_NAME_MAX).replace(/-+$/, "");
  return name.length > 0 ? name : FALLBACK_NAME;
}

/** The first characters of the spec's hash: validateSpec's specHash, or of the canonical spec. */
export function specHashPrefix(spec: unknown): string {
  const result = validateSpec(spec);
  const hash = result.valid ? result.specHash : sha256Hex(canonicalJson(spec));
  return hash.slice(0, HASH_LENGTH);
}

/** `registry-<group>-v<version>-<hash>`, the group shortened when the whole would pass 80. */
export function registryExecutionName(group: string, version: number, spec: unknown): string {
  return boundedName("registry", group, `v${version}-${specHashPrefix(spec)}`);
}

/** `schedule-<target label>-<window>`, the label shortened when the whole would pass 80. */
export function scheduleExecutionName(label: string, window: string): string {
  return boundedName("schedule", label, window);
}

/** `<prefix>-<middle>-<suffix>` within 80 characters: the prefix and suffix always whole. */
function boundedName(prefix: string, middle: string, suffix: string): string {
  const head = sanitizeNamePart(prefix);
  const tail = sanitizeNamePart(suffix);
  const room = EXECUTION_NAME_MAX - head.length - tail.length - 2;
  const body = sanitizeNamePart(middle).slice(0, Math.max(0, room)).replace(/-+$/, "");
  return [head, body || "x", tail].filter((part) => part.length > 0).join("-");
}

/**
 * The spec with `irflow.runKey` set, so it runs under a job name (and execution name) of its own.
 * Anything but an object is returned as it is, for validation to reject.
 */
export function withRunKey<Spec>(spec: Spec, runKey: string | undefined): Spec {
  if (runKey === undefined || typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return spec;
  }
  const current = (spec as { irflow?: unknown }).irflow;
  const irflow = typeof current === "object" && current !== null ? current : {};
  return { ...spec, irflow: { ...irflow, runKey } };
}
