import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILES } from "../../src/schemas.ts";
import { sampleSpec } from "../support/specs.ts";

const ROOT = join(import.meta.dirname, "../..");

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
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(SCHEMA_FILES["events/schemas/spec.schema.json"]?.() ?? {});
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
});
