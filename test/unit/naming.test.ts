import { describe, expect, it } from "vitest";
import { deriveJobName, modelIdentity, RESOURCE_PREFIX_LENGTH } from "../../src/naming.ts";
import { JOB_NAME_PATTERN, type JobSpec } from "../../src/spec/schema.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { sampleSpec, setPath } from "../support/specs.ts";

function parsed(raw: Record<string, unknown>): JobSpec {
  const result = validateSpec(raw);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.spec;
}

describe("deriveJobName", () => {
  it("names a model package job after its group and version", () => {
    // Prepare
    const spec = parsed(sampleSpec("default-model-package.json"));

    // Act
    const name = deriveJobName(spec);

    // Assess
    expect(name).toMatch(/^fraud-xgboost-v7-[0-9a-f]{10}$/);
    expect(modelIdentity(spec)).toMatchObject({ group: "fraud-xgboost", version: 7 });
  });

  it("gives the same name for the same spec, whatever its key order", () => {
    // Prepare
    const raw = sampleSpec("advanced-phases.json");
    const reordered = Object.fromEntries(Object.entries(raw).reverse());

    // Act
    const names = [deriveJobName(parsed(raw)), deriveJobName(parsed(reordered))];

    // Assess
    expect(names[0]).toBe(names[1]);
  });

  it("gives equivalent specs one name: empty lists, objects and texts, and a policy of defaults, mean what absence means", () => {
    // Prepare
    const raw = sampleSpec("default-model-package.json");
    const job = raw.job as Record<string, unknown>;
    const { Tags: _tags, JobDescription: _description, ...bare } = job;
    const base = { ...raw, job: bare };
    const equivalents = [
      { ...base, job: { ...bare, Tags: [] } },
      { ...base, job: { ...bare, StoppingConditions: {} } },
      { ...base, job: { ...bare, JobDescription: "" } },
      { ...base, irflow: { policy: {} } },
      { ...base, irflow: { policy: { headroom: 0.2, minSavingsPercent: 10 } } },
    ];

    // Act
    const names = equivalents.map((spec) => deriveJobName(parsed(spec)));

    // Assess
    expect(new Set(names)).toEqual(new Set([deriveJobName(parsed(base))]));
  });

  it("gives another name when a value changes the request or the decision", () => {
    // Prepare
    const raw = sampleSpec("default-model-package.json");
    const job = raw.job as Record<string, unknown>;
    const changed = [
      { ...raw, job: { ...job, Tags: [{ Key: "team", Value: "other" }] } },
      { ...raw, job: { ...job, StoppingConditions: { MaxInvocations: 100 } } },
      { ...raw, job: { ...job, JobDescription: "another description" } },
      { ...raw, irflow: { policy: { headroom: 0.5 } } },
    ];

    // Act
    const names = changed.map((spec) => deriveJobName(parsed(spec)));

    // Assess
    expect(new Set([deriveJobName(parsed(raw)), ...names]).size).toBe(changed.length + 1);
  });

  it("gives a different name within the first 40 characters for a different spec", () => {
    // Prepare
    const raw = sampleSpec("advanced-phases.json");
    const changed = sampleSpec("advanced-phases.json");
    setPath(changed, "job.StoppingConditions.MaxInvocations", 3001);

    // Act
    const [a, b] = [deriveJobName(parsed(raw)), deriveJobName(parsed(changed))];

    // Assess
    expect(a.slice(0, RESOURCE_PREFIX_LENGTH)).not.toBe(b.slice(0, RESOURCE_PREFIX_LENGTH));
  });

  it("gives a different name within the first 40 characters for a different run key", () => {
    // Prepare
    const spec = parsed(sampleSpec("advanced-phases.json"));

    // Act
    const names = ["2026-w47", "2026-w48", "manual-1"].map((key) => deriveJobName(spec, key));

    // Assess
    const prefixes = new Set(names.map((name) => name.slice(0, RESOURCE_PREFIX_LENGTH)));
    expect(prefixes.size).toBe(3);
    expect(names[0]).toMatch(/-2026-w47$/);
  });

  it("stays valid and at most 64 characters for long, odd model names and run keys", () => {
    // Prepare
    const raw = sampleSpec("default-model-name.json");
    setPath(raw, "job.InputConfig.ModelName", `A${"-b".repeat(31)}`);
    const spec = parsed(raw);

    // Act
    const name = deriveJobName(spec, `${"x".repeat(40)}:${"9".repeat(20)}`);

    // Assess
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(JOB_NAME_PATTERN);
  });

  it("keeps a JobName that the spec sets", () => {
    // Prepare
    const raw = sampleSpec("default-model-name.json");
    setPath(raw, "job.JobName", "hand-picked-name");

    // Act
    const result = validateSpec(raw);

    // Assess
    expect(result.valid && result.jobName).toBe("hand-picked-name");
  });
});
