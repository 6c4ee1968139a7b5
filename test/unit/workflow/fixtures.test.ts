/**
 * The golden fixtures: records and events of every release that wrote them (npm run fixtures).
 * Every later release reads them all, so an upgrade never strands a record or an event consumer.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRecord } from "../../../cli/status.ts";
import {
  buildOutcomeDetail,
  detailKeyOf,
  detailTypeOf,
  OUTCOME_DETAILS,
} from "../../../src/outcome.ts";
import { SCHEMA_FILES } from "../../../src/schemas.ts";
import { runTimesOf } from "../../../src/workflow/lifecycle.ts";
import { OUTCOMES, type Outcome, PHASES } from "../../../src/workflow/record.ts";
import { parseRecord } from "../../../src/workflow/store.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures");

/** Every fixture under `kind`, as [version folder, file name, content]. */
function fixtures(kind: "records" | "events"): [string, string, Record<string, unknown>][] {
  const root = join(FIXTURES, kind);
  return readdirSync(root).flatMap((version) =>
    readdirSync(join(root, version))
      .filter((file) => file.endsWith(".json"))
      .map(
        (file) =>
          [version, file, JSON.parse(readFileSync(join(root, version, file), "utf8"))] as [
            string,
            string,
            Record<string, unknown>,
          ],
      ),
  );
}

/**
 * Outcomes a later release added, with the first record and event versions that hold them: no
 * earlier release could write them.
 */
const ADDED_OUTCOMES: Partial<Record<Outcome, { records: string; events: string }>> = {
  "over-budget": { records: "v2", events: "v2.1" },
};

/** The outcomes a fixture version holds: every outcome, but those added after it. */
function outcomesOf(kind: "records" | "events", version: string): Outcome[] {
  const number = (folder: string) => Number(folder.replace(/^v/, ""));
  return OUTCOMES.filter((outcome) => {
    const since = ADDED_OUTCOMES[outcome]?.[kind];
    return since === undefined || number(version) >= number(since);
  });
}

const records = fixtures("records");
const events = fixtures("events");

describe("golden record fixtures", () => {
  it("hold every phase, and every outcome in each phase that has one", () => {
    // Prepare
    const names = new Set(records.map(([version, file]) => `${version}/${file}`));
    const versions = new Set(records.map(([version]) => version));

    // Assess
    for (const version of versions) {
      for (const phase of PHASES) {
        const expected =
          phase === "validated" || phase === "running"
            ? [`${version}/${phase}.json`]
            : outcomesOf("records", version).map(
                (outcome) => `${version}/${phase}-${outcome}.json`,
              );
        for (const name of expected) expect(names).toContain(name);
      }
    }
  });

  it.each(records)("reads %s/%s as the record it was written as", (_version, file, item) => {
    // Act
    const record = parseRecord(item);

    // Assess
    const name = file.replace(/\.json$/, "");
    const llm = name.startsWith("llm-");
    const [phase, ...outcome] = name.replace(/^llm-/, "").split("-");
    expect(record.kind).toBe(llm ? "ai-recommendation" : undefined);
    expect(record.phase).toBe(phase);
    expect(record.outcome).toBe(outcome.length > 0 ? outcome.join("-") : undefined);
    expect(record.jobName).toBe(item.jobName);
    expect(record.spec?.job).toEqual((item.spec as { job?: unknown } | undefined)?.job);
    expect(formatRecord(record)).toContain(record.jobName);
    expect(() => runTimesOf([record], record)).not.toThrow();
  });

  it.each(records.filter(([, , item]) => item.outcome !== undefined))(
    "publishes %s/%s as an event of today's schema",
    (_version, _file, item) => {
      // Act
      const record = parseRecord(item);
      const detail = buildOutcomeDetail(record, new Date());

      // Assess
      const key = detailKeyOf(detail);
      expect(OUTCOME_DETAILS[key].schema.safeParse(detail).error).toBeUndefined();
    },
  );
});

describe("golden event fixtures", () => {
  it("hold an event of every outcome for each version", () => {
    // Prepare
    const versions = new Set(events.map(([version]) => version));

    // Assess
    for (const version of versions) {
      const outcomes = events
        .filter(([of]) => of === version)
        .map(([, file]) => file.replace(/\.json$/, ""))
        .filter((name) => !name.startsWith("llm-"));
      expect(outcomes.sort()).toEqual(outcomesOf("events", version).sort());
    }
  });

  it.each(events)("keeps every field of the %s %s event in today's schema", (_v, file, event) => {
    // Prepare: a consumer of the fixture's version reads these paths; none may disappear.
    const detail = event.detail as Parameters<typeof detailKeyOf>[0];
    const key = detailKeyOf(detail);
    const schema = SCHEMA_FILES[`events/schemas/outcome-${key}.schema.json`]?.();

    // Act
    const missing = fieldPaths(event.detail).filter((path) => !declares(schema, path));

    // Assess
    expect(file.replace(/\.json$/, "")).toBe(
      file.startsWith("llm-") ? `llm-${detail.outcome}` : key,
    );
    expect(event["detail-type"]).toBe(detailTypeOf(detail));
    expect(missing).toEqual([]);
  });
});

describe("the event field check", () => {
  it("finds a field that today's schema no longer declares", () => {
    // Prepare
    const schema = SCHEMA_FILES["events/schemas/outcome-selected.schema.json"]?.();
    const [, , event] = events.find(([, file]) => file === "selected.json") ?? [];
    const detail = { ...(event?.detail as object), retiredField: { inner: 1 } };

    // Act
    const missing = fieldPaths(detail).filter((path) => !declares(schema, path));

    // Assess
    expect(missing).toEqual([["retiredField"], ["retiredField", "inner"]]);
  });
});

/** The paths of every object field in `value`, list items as `[]`. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) return value.flatMap((item) => fieldPaths(item, [...prefix, "[]"]));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) => [
    [...prefix, key],
    ...fieldPaths(field, [...prefix, key]),
  ]);
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

/** Whether a JSON Schema declares the field at `path` (an open map declares any key). */
function declares(root: JsonSchema | undefined, path: string[]): boolean {
  const resolve = (schema: JsonSchema): JsonSchema =>
    schema.$ref?.startsWith("#/$defs/")
      ? resolve(root?.$defs?.[schema.$ref.slice("#/$defs/".length)] ?? {})
      : schema;
  const step = (schema: JsonSchema, [head, ...rest]: string[]): boolean => {
    const here = resolve(schema);
    if (head === undefined) return true;
    const branches = [...(here.anyOf ?? []), ...(here.oneOf ?? []), ...(here.allOf ?? [])];
    if (branches.some((branch) => step(branch, [head, ...rest]))) return true;
    if (head === "[]") return here.items !== undefined && step(here.items, rest);
    const field = here.properties?.[head];
    if (field) return step(field, rest);
    const open = here.additionalProperties;
    return typeof open === "object" ? step(open, rest) : false;
  };
  return root !== undefined && step(root, path);
}
