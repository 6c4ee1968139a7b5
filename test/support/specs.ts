import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateSpec } from "../../src/spec/validate.ts";

export const SPECS_DIR = join(import.meta.dirname, "../../events/specs");

/** A fresh copy of a sample spec from events/specs, to mutate in a test. */
export function sampleSpec(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SPECS_DIR, name), "utf8")) as Record<string, unknown>;
}

/** Sets a value at a dotted path with [index] segments, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parsePath(path);
  let node: Record<string, unknown> | unknown[] = target;
  segments.slice(0, -1).forEach((segment, index) => {
    const container = node as Record<string | number, unknown>;
    if (container[segment] === undefined) {
      container[segment] = typeof segments[index + 1] === "number" ? [] : {};
    }
    node = container[segment] as Record<string, unknown>;
  });
  const last = segments.at(-1);
  if (last === undefined) throw new Error(`empty path: ${path}`);
  const container = node as Record<string | number, unknown>;
  if (value === undefined) delete container[last];
  else container[last] = value;
}

function parsePath(path: string): (string | number)[] {
  return path.split(".").flatMap((part) =>
    part
      .split(/\[(\d+)\]/)
      .filter((piece) => piece !== "")
      .map((piece) => (/^\d+$/.test(piece) && part.includes(`[${piece}]`) ? Number(piece) : piece)),
  );
}

/** The job name a valid spec runs under; a test spec that is invalid fails the test at once. */
export function jobNameOf(spec: unknown): string {
  const result = validateSpec(spec);
  if (!result.valid) throw new Error("the test spec is invalid");
  return result.jobName;
}
