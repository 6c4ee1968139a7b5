import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../../src/spec/rules.ts";
import { SPECS_DIR } from "../../support/specs.ts";

/** Rules no spec file can break, with why; each is tested where it is found. */
const NO_SAMPLE: Record<string, string> = {
  "invalid-json":
    "a file that is not JSON is unreadable input, exit status 2 (test/unit/cli/validate.test.ts)",
  "package-unreadable":
    "a trigger finds it, describing the model package it was told of (test/unit/triggers/cores.test.ts)",
  "advanced-only": "a warning: the spec stays valid",
  "stairs-duration-total": "a warning: the spec stays valid",
  "unlisted-instance-type":
    "a warning: the spec stays valid (events/specs/default-unlisted-instance-type.json)",
};

describe("events/specs/invalid/", () => {
  it("holds a sample, named after it, for every rule a spec file can break", () => {
    // Prepare
    const sampled = new Set(
      readdirSync(join(SPECS_DIR, "invalid"))
        .filter((file) => file.endsWith(".json"))
        .map((file) => file.replace(/\.json$/, "").split("--")[0] ?? file),
    );

    // Act
    const unsampled = Object.keys(RULES).filter((rule) => !sampled.has(rule) && !NO_SAMPLE[rule]);
    const sampledAnyway = Object.keys(NO_SAMPLE).filter((rule) => sampled.has(rule));

    // Assess
    expect(unsampled).toEqual([]);
    expect(sampledAnyway).toEqual([]);
    expect([...sampled].filter((rule) => !(rule in RULES))).toEqual([]);
  });
});
