import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILES } from "../../src/schemas.ts";
import { sampleSpec } from "../support/specs.ts";

const ROOT = join(import.meta.dirname, "../..");
const AI_SPECS = join(ROOT, "events/specs/ai");

const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const jsonFiles = (dir: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort();

/** The rules of an ai-recommendation spec that its JSON Schema cannot say: validateAiSpec's own. */
const AI_RULES_BEYOND_THE_SCHEMA = new Set([
  "aiperf-parameter",
  "benchmark-type",
  "plaintext-secret",
  "secret-arn",
  "workload-document",
  "workload-source",
]);

function specValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(SCHEMA_FILES["events/schemas/spec.schema.json"]?.() ?? {});
}

describe("JSON Schemas in events/schemas", () => {
  it.each(Object.keys(SCHEMA_FILES))("%s matches the code (run npm run schemas)", (path) => {
    // Prepare
    const committed = JSON.parse(readFileSync(join(ROOT, path), "utf8"));

    // Act
    const generated = SCHEMA_FILES[path]?.();

    // Assess
    expect(committed).toEqual(generated);
  });

  it("accepts the valid sample specs and rejects a structurally invalid one", () => {
    // Prepare
    const validate = specValidator();
    const broken = sampleSpec("advanced-phases.json");
    (broken.job as Record<string, unknown>).JobType = "Quick";

    // Act
    const verdicts = [
      validate(sampleSpec("advanced-phases.json")),
      validate(sampleSpec("existing-endpoint.json")),
      validate(broken),
    ];

    // Assess
    expect(verdicts).toEqual([true, true, false]);
  });

  it.each(jsonFiles(AI_SPECS))(
    "accepts the ai-recommendation sample events/specs/ai/%s",
    (file) => {
      // Prepare
      const validate = specValidator();

      // Act
      const valid = validate(read(join(AI_SPECS, file)));

      // Assess
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it.each(jsonFiles(join(AI_SPECS, "invalid")).map((file) => file.replace(/\.json$/, "")))(
    "rejects events/specs/ai/invalid/%s.json if its rule is structural, and only then",
    (rule) => {
      // Prepare
      const validate = specValidator();

      // Act
      const valid = validate(read(join(AI_SPECS, "invalid", `${rule}.json`)));

      // Assess
      expect(valid).toBe(AI_RULES_BEYOND_THE_SCHEMA.has(rule));
    },
  );

  it("tells the kinds apart by kind: an AI spec without it, or a classic one naming the AI kind, is refused", () => {
    // Prepare
    const validate = specValidator();
    const ai = read(join(AI_SPECS, "llama-3-8b-chat.json"));
    const { kind: _, ...unkinded } = ai;
    const classic = sampleSpec("advanced-phases.json");

    // Act
    const verdicts = [
      validate(ai),
      validate(unkinded),
      validate({ ...ai, kind: "inference-recommendation" }),
      validate(classic),
      validate({ ...classic, kind: "ai-recommendation" }),
      validate({ ...classic, kind: "inference-recommendation" }),
    ];

    // Assess
    // A classic spec may name its own kind; absent means the same.
    expect(verdicts).toEqual([true, false, false, true, false, true]);
  });
});
