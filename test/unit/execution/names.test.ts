import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EXECUTION_NAME_MAX,
  jobExecutionName,
  registryExecutionName,
  scheduleExecutionName,
  specHashPrefix,
  withRunKey,
} from "../../../src/execution/names.ts";
import { canonicalJson, sha256Hex } from "../../../src/spec/canonical.ts";
import { validateSpec } from "../../../src/spec/validate.ts";
import { sampleSpec, setPath } from "../../support/specs.ts";

const ALLOWED = /^[A-Za-z0-9_-]+$/;

describe("registryExecutionName", () => {
  it("names the group, the version and the spec's hash", () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");
    const result = validateSpec(spec);
    if (!result.valid) throw new Error("the sample spec is invalid");

    // Act
    const name = registryExecutionName("fraud-xgboost", 7, spec);

    // Assess
    expect(name).toBe(`registry-fraud-xgboost-v7-${result.specHash.slice(0, 10)}`);
  });

  it("gives the same name for the same spec, whatever its key order", () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");
    const reordered = Object.fromEntries(Object.entries(spec).reverse());

    // Act
    const names = [
      registryExecutionName("fraud-xgboost", 7, spec),
      registryExecutionName("fraud-xgboost", 7, reordered),
    ];

    // Assess
    expect(names[0]).toBe(names[1]);
  });

  it("gives another name when the spec changes", () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");
    const changed = sampleSpec("default-model-package.json");
    setPath(changed, "job.JobDescription", "another description");

    // Act
    const [a, b] = [
      registryExecutionName("fraud-xgboost", 7, spec),
      registryExecutionName("fraud-xgboost", 7, changed),
    ];

    // Assess
    expect(a).not.toBe(b);
  });

  it("hashes the canonical spec when the spec is invalid", () => {
    // Prepare
    const spec = { specVersion: 1, job: { JobType: "Sometimes" } };

    // Act
    const prefix = specHashPrefix(spec);

    // Assess
    expect(prefix).toBe(sha256Hex(canonicalJson(spec)).slice(0, 10));
  });

  it("shortens a long group name and keeps version and hash whole, within 80 characters", () => {
    // Prepare
    const group = `g${"-a1".repeat(20)}z`.slice(0, 63);
    const spec = sampleSpec("default-model-package.json");

    // Act
    const name = registryExecutionName(group, 123456, spec);

    // Assess
    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX);
    expect(name).toMatch(ALLOWED);
    expect(name).toMatch(/^registry-g-a1.*-v123456-[0-9a-f]{10}$/);
    expect(name).not.toContain("--");
  });
});

describe("scheduleExecutionName", () => {
  it("names the target and the window", () => {
    // Act
    const name = scheduleExecutionName("fraud-xgboost", "2026-W48");

    // Assess
    expect(name).toBe("schedule-fraud-xgboost-2026-W48");
  });

  it("replaces characters Step Functions names do not take and keeps within 80", () => {
    // Prepare
    const label = `Sentiment model / BERT (base) · ${"x".repeat(100)}`;

    // Act
    const name = scheduleExecutionName(label, "2026-11-23");

    // Assess
    expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX);
    expect(name).toMatch(ALLOWED);
    expect(name.startsWith("schedule-Sentiment-model-BERT-base-xxx")).toBe(true);
    expect(name.endsWith("-2026-11-23")).toBe(true);
    expect(scheduleExecutionName(label, "2026-11-23")).toBe(name);
  });
});

describe("jobExecutionName", () => {
  it("uses the job name, which already fits Step Functions' rules", () => {
    // Prepare
    const result = validateSpec(sampleSpec("default-model-package.json"));
    if (!result.valid) throw new Error("the sample is invalid");

    // Act
    const name = jobExecutionName(result.jobName);

    // Assess
    expect(name).toBe(result.jobName);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it("replaces characters Step Functions rejects and keeps at most 80", () => {
    // Act
    const name = jobExecutionName(`my job:${"x".repeat(100)}`);

    // Assess
    expect(name).toMatch(/^my-job-x+$/);
    expect(name).toHaveLength(80);
  });

  it("gives a run key its own job name and so its own execution name", () => {
    // Prepare
    const spec = sampleSpec("default-model-package.json");

    // Act
    const plain = validateSpec(spec);
    const keyed = validateSpec(withRunKey(spec, "2026-w47"));

    // Assess
    if (!plain.valid || !keyed.valid) throw new Error("the sample is invalid");
    expect(keyed.spec.irflow?.runKey).toBe("2026-w47");
    expect(jobExecutionName(keyed.jobName)).not.toBe(jobExecutionName(plain.jobName));
    expect(jobExecutionName(keyed.jobName)).toMatch(/-2026-w47$/);
  });

  it("makes a valid name of any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(jobExecutionName(text)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      }),
    );
  });
});

describe("bounded names", () => {
  it("keep the prefix and the window whole within 80 allowed characters, whatever the label", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (label) => {
        // Act
        const name = scheduleExecutionName(label, "2026-W48");

        // Assess
        expect(name.length).toBeLessThanOrEqual(EXECUTION_NAME_MAX);
        expect(name).toMatch(/^schedule-[A-Za-z0-9_-]+-2026-W48$/);
      }),
    );
  });
});

describe("withRunKey", () => {
  it("sets irflow.runKey and keeps the other irflow settings", () => {
    // Prepare
    const spec = { specVersion: 1, irflow: { deadlineSeconds: 600, runKey: "old" } };

    // Act
    const keyed = withRunKey(spec, "2026-11-23");

    // Assess
    expect(keyed).toEqual({
      specVersion: 1,
      irflow: { deadlineSeconds: 600, runKey: "2026-11-23" },
    });
    expect(spec.irflow.runKey).toBe("old");
  });

  it.each([
    ["no run key", { specVersion: 1 }, undefined],
    ["an array", [1, 2], "key"],
    ["a string", "spec", "key"],
    ["null", null, "key"],
  ])("returns %s as it is", (_label, spec, runKey) => {
    // Act
    const result = withRunKey(spec, runKey);

    // Assess
    expect(result).toBe(spec);
  });
});
