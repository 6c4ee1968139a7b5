import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { validateAiSpec } from "../../../src/kinds/ai-recommendation/validate.ts";
import { captureIo } from "../../support/cli.ts";

const ROOT = join(import.meta.dirname, "../../..");
const AI_SPECS = join(ROOT, "events/specs/ai");
const read = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8"));
const SAMPLE = join(AI_SPECS, "llama-3-8b-chat.json");
const invalid = readdirSync(join(AI_SPECS, "invalid"))
  .filter((file) => file.endsWith(".json"))
  .map((file) => [file.replace(/\.json$/, ""), read(join(AI_SPECS, "invalid", file))] as const);

describe("the ai-recommendation spec", () => {
  it("accepts the sample and names its job and workload config from the spec", () => {
    // Act
    const result = validateAiSpec(read(SAMPLE));
    const again = validateAiSpec(read(SAMPLE));
    const rerun = validateAiSpec({ ...read(SAMPLE), irflow: { runKey: "2026-w49" } });

    // Assess
    expect(result).toMatchObject({ valid: true });
    if (!result.valid || !again.valid || !rerun.valid) throw new Error("the sample is invalid");
    expect(result.jobName).toMatch(/^llama-3-8b-chat-[0-9a-f]{10}$/);
    expect(result.workloadName).toBe(`${result.jobName}-workload`);
    expect(again.jobName).toBe(result.jobName);
    expect(rerun.jobName).toMatch(/^llama-3-8b-chat-[0-9a-f]{10}-2026-w49$/);
  });

  it.each(invalid)(
    "refuses events/specs/ai/invalid/%s.json by that rule, naming the field",
    (rule, spec) => {
      // Act
      const result = validateAiSpec(spec);

      // Assess
      expect(result.valid).toBe(false);
      if (result.valid) return;
      expect(result.errors.map((issue) => issue.rule)).toContain(rule);
      for (const issue of result.errors) expect(issue.path).not.toBe("");
    },
  );

  it("reports every problem at once", () => {
    // Prepare
    const spec = read(SAMPLE);
    const job = spec.job as Record<string, unknown>;
    job.RoleArn = "nope";
    job.ComputeSpec = { InstanceTypes: ["ml.m5.large"] };
    delete spec.workload;

    // Act
    const result = validateAiSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors.map((issue) => [issue.path, issue.rule])).toEqual([
      ["job.ComputeSpec.InstanceTypes.0", "enum"],
      ["job.RoleArn", "length"],
      ["job.RoleArn", "pattern"],
      ["workload", "workload-source"],
    ]);
  });

  it("irflow validate checks a spec of the kind by its own rules", async () => {
    // Prepare
    const ok = captureIo();
    const bad = captureIo();

    // Act
    const valid = await main(["validate", SAMPLE], ok);
    const refused = await main(["validate", join(AI_SPECS, "invalid/plaintext-secret.json")], bad);

    // Assess
    expect(valid).toBe(0);
    expect(ok.out()).toContain("(kind ai-recommendation)");
    expect(refused).toBe(1);
    expect(bad.err()).toContain("[plaintext-secret]: is a token in plain text");
  });
});
