import { describe, expect, it } from "vitest";
import { validateSpec } from "../../../src/spec/validate.ts";
import { deadlinePassed, deadlineSeconds, planPoll } from "../../../src/workflow/polling.ts";
import { sampleSpec } from "../../support/specs.ts";

function specOf(file: string) {
  const result = validateSpec(sampleSpec(file));
  if (!result.valid) throw new Error("sample is invalid");
  return result.spec;
}

describe("planPoll", () => {
  it("waits for a Default job's earliest plausible end before it looks, not seconds", () => {
    // Act
    const plan = planPoll({
      spec: specOf("default-model-package.json"),
      historySeconds: [],
      elapsedSeconds: 0,
      deadlineSeconds: 7200,
      status: "PENDING",
    });

    // Assess
    expect(plan.waitSeconds).toBeGreaterThanOrEqual(600);
    expect(plan.waitSeconds).toBeLessThanOrEqual(1800);
  });

  it("polls finely once the job may be done, and never past the deadline", () => {
    // Prepare
    const spec = specOf("default-model-package.json");

    // Act
    const mayBeDone = planPoll({
      spec,
      historySeconds: [],
      elapsedSeconds: 2400,
      deadlineSeconds: 7200,
    });
    const nearDeadline = planPoll({
      spec,
      historySeconds: [],
      elapsedSeconds: 7190,
      deadlineSeconds: 7200,
    });

    // Assess
    expect(mayBeDone.waitSeconds).toBeLessThanOrEqual(60);
    expect(nearDeadline.waitSeconds).toBeLessThanOrEqual(10);
  });

  it("expects a model's job when its earlier runs say so", () => {
    // Prepare
    const spec = specOf("default-model-package.json");

    // Act
    const quick = planPoll({
      spec,
      historySeconds: [900, 960, 930],
      elapsedSeconds: 0,
      deadlineSeconds: 7200,
    });
    const slow = planPoll({
      spec,
      historySeconds: [4800, 5000, 4900],
      elapsedSeconds: 0,
      deadlineSeconds: 7200,
    });

    // Assess
    expect(quick.estimate.endSeconds).toBeLessThan(slow.estimate.endSeconds);
  });
});

describe("deadlineSeconds", () => {
  it.each([
    ["default-model-package.json", 7200],
    ["advanced-phases.json", 7200 + 1800],
    ["advanced-stairs.json", 3600 + 1800],
  ])("gives %s a deadline of %i s", (file, expected) => {
    // Prepare
    const result = validateSpec(sampleSpec(file));
    if (!result.valid) throw new Error("sample is invalid");

    // Act
    const deadline = deadlineSeconds(result.spec);

    // Assess
    expect(deadline).toBe(expected);
  });

  it("takes the spec's own deadline first", () => {
    // Prepare
    const raw = sampleSpec("default-model-package.json");
    raw.irflow = { deadlineSeconds: 900 };
    const result = validateSpec(raw);

    // Act
    const deadline = result.valid ? deadlineSeconds(result.spec) : 0;

    // Assess
    expect(deadline).toBe(900);
    expect(deadlinePassed({ elapsedSeconds: 900, deadlineSeconds: deadline })).toBe(true);
    expect(deadlinePassed({ elapsedSeconds: 899, deadlineSeconds: deadline })).toBe(false);
  });
});
