import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/decision/index.ts";
import { jobSpecJsonSchema } from "../../../src/spec/schema.ts";
import { validateSpec } from "../../../src/spec/validate.ts";
import { sampleSpec } from "../../support/specs.ts";

function withPolicy(policy: unknown): unknown {
  return { ...sampleSpec("default-model-package.json"), irflow: { policy } };
}

describe("irflow.policy in a spec", () => {
  it("is read with the decision core's defaults", () => {
    // Act
    const result = validateSpec(withPolicy({ requestsPerMinute: 12_000, maxLatencyMs: 20 }));

    // Assess
    expect(result.valid && result.spec.irflow?.policy).toEqual({
      requestsPerMinute: 12_000,
      maxLatencyMs: 20,
      headroom: 0.2,
      minInstances: 1,
      latencyUnit: "auto",
      minSavingsPercent: 10,
      minMonthlySavings: 50,
    });
  });

  it("reports every problem at once, with the decision core's rule names", () => {
    // Act
    const result = validateSpec(
      withPolicy({
        objective: "fastest",
        minInstances: 3,
        maxInstances: 2,
        instanceFamilies: ["c6g"],
        current: { endpointName: "prod", instanceCount: 2 },
        colour: "blue",
      }),
    );

    // Assess
    expect(result.valid).toBe(false);
    expect(result.valid ? [] : result.errors.map(({ path, rule }) => `${path} ${rule}`)).toEqual([
      "irflow.policy.colour unknown-field",
      "irflow.policy.current.instanceCount current-target",
      "irflow.policy.instanceFamilies[0] pattern",
      "irflow.policy.maxInstances min-max",
      "irflow.policy.objective enum",
    ]);
  });

  it("gives the same rules in a spec as on its own", () => {
    // Prepare
    const policy = { headroom: "lots", current: { instanceType: "ml.m5.large" } };

    // Act
    const inSpec = validateSpec(withPolicy(policy));
    const alone = parsePolicy(policy);

    // Assess
    const specRules = inSpec.valid ? [] : inSpec.errors.map((issue) => issue.rule);
    const policyRules = alone.ok ? [] : alone.issues.map((issue) => issue.rule);
    expect(specRules).toEqual(policyRules);
    expect(specRules).toEqual(["required", "type"]);
  });

  it("leaves defaulted fields optional in the spec's JSON Schema", () => {
    // Act
    const schema = jobSpecJsonSchema() as {
      properties: { irflow: { properties: { policy: { required?: string[] } } } };
    };

    // Assess
    expect(schema.properties.irflow.properties.policy.required ?? []).toEqual([]);
  });
});
