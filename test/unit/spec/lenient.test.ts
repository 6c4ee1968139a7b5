import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { lenient } from "../../../src/spec/lenient.ts";
import { jobSpecSchema, storedSpecSchema } from "../../../src/spec/schema.ts";

const SPECS = "events/specs";
const samples = readdirSync(SPECS)
  .filter((file) => file.endsWith(".json"))
  .map((file) => [file, JSON.parse(readFileSync(join(SPECS, file), "utf8"))] as const);

describe("the stored spec schema", () => {
  it.each(samples)("reads %s exactly as the strict schema does", (_file, spec) => {
    // Act
    const strict = jobSpecSchema.parse(spec);
    const stored = storedSpecSchema.parse(spec);

    // Assess
    expect(stored).toEqual(strict);
  });

  it("keeps values out of today's range and fields today's spec does not declare", () => {
    // Prepare
    const [, sample] = samples.find(([file]) => file === "default-slo-policy.json") ?? [];
    const spec = structuredClone(sample);
    spec.job.JobDescription = "x".repeat(500);
    spec.job.InputConfig.JobDurationInSeconds = 12.5;
    spec.job.Retired = { kept: ["as", "written"] };
    spec.irflow.policy.headroom = 99;

    // Act
    const strict = jobSpecSchema.safeParse(spec);
    const stored = storedSpecSchema.parse(spec);

    // Assess
    expect(strict.success).toBe(false);
    expect(stored).toMatchObject(spec);
  });

  it("still checks value types, so a record of the wrong shape is named", () => {
    // Act
    const result = storedSpecSchema.safeParse({ specVersion: 1, job: { JobType: 7 } });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(
      expect.arrayContaining(["job.JobType", "job.RoleArn"]),
    );
  });

  it("keeps enum values exact, and fills an absent field's default", () => {
    // Prepare
    const schema = lenient(
      z.strictObject({ kind: z.enum(["a", "b"]), size: z.number().min(5).default(10) }),
    );

    // Act
    const unknownKind = schema.safeParse({ kind: "c" });
    const defaulted = schema.parse({ kind: "a" });
    const small = schema.parse({ kind: "b", size: 1 });

    // Assess
    expect(unknownKind.success).toBe(false);
    expect(defaulted).toEqual({ kind: "a", size: 10 });
    expect(small).toEqual({ kind: "b", size: 1 });
  });

  it("refuses a kind of schema it has no lenient form for", () => {
    // Act
    const build = () => lenient(z.object({ either: z.union([z.string(), z.number()]) }));

    // Assess
    expect(build).toThrow(/no lenient form for a zod union/);
  });
});
