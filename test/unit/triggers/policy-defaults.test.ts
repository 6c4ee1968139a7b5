import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.ts";
import { validateSpec } from "../../../src/spec/validate.ts";
import { groupForTarget, parseTriggerConfig, specForTarget } from "../../../src/triggers/config.ts";
import { buildPackageSpec } from "../../../src/triggers/package-spec.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud-xgboost/7";

function config(overrides: Record<string, unknown> = {}) {
  return {
    roleArn: ROLE,
    groups: {
      "fraud-xgboost": {
        job: {},
        irflow: { policy: { requestsPerMinute: 12_000, headroom: 0.5, maxLatencyMs: 20 } },
      },
    },
    ...overrides,
  };
}

describe("decision policies in the trigger configuration", () => {
  it("gives a group's jobs its policy, with the decision core's defaults", () => {
    // Prepare
    const parsed = parseTriggerConfig(config());
    const group = parsed.groups["fraud-xgboost"];
    if (!group) throw new Error("the group is missing");

    // Act
    const { spec } = buildPackageSpec({ ModelPackageArn: PACKAGE }, group, ROLE);

    // Assess
    expect(spec.irflow?.policy).toMatchObject({
      requestsPerMinute: 12_000,
      headroom: 0.5,
      maxLatencyMs: 20,
      minInstances: 1,
    });
    expect(validateSpec(spec).valid).toBe(true);
  });

  it("lets a schedule target override only the fields it sets over its group's policy", () => {
    // Prepare
    const parsed = parseTriggerConfig(
      config({
        schedule: {
          window: "weekly",
          targets: [
            {
              group: "fraud-xgboost",
              policy: { current: { endpointName: "fraud-xgboost-prod" }, maxLatencyMs: 15 },
            },
          ],
        },
      }),
    );
    const [target] = parsed.schedule.targets;
    const group = parsed.groups["fraud-xgboost"];
    if (!target || !group) throw new Error("the target is missing");

    // Act
    const { spec } = buildPackageSpec(
      { ModelPackageArn: PACKAGE },
      groupForTarget(group, target.policy),
      ROLE,
    );

    // Assess: the group's headroom stays; the target's bound and production come in.
    expect(spec.irflow?.policy).toMatchObject({
      requestsPerMinute: 12_000,
      headroom: 0.5,
      maxLatencyMs: 15,
      current: { endpointName: "fraud-xgboost-prod" },
    });
  });

  it("puts a spec target's policy under the spec's own", () => {
    // Act
    const spec = specForTarget(
      { specVersion: 1, irflow: { policy: { maxLatencyMs: 50 } } },
      { maxLatencyMs: 100, requestsPerMinute: 600 },
    );

    // Assess
    expect(spec.irflow).toEqual({ policy: { maxLatencyMs: 50, requestsPerMinute: 600 } });
  });

  it("refuses a bad policy at cold start, naming the field and the rule", () => {
    // Prepare
    const bad = config({
      schedule: {
        window: "weekly",
        targets: [{ group: "fraud-xgboost", policy: { maxInstances: 0, objective: "fast" } }],
      },
    });

    // Act
    const error = (() => {
      try {
        parseTriggerConfig(bad);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("schedule.targets[0].policy.maxInstances");
    expect((error as Error).message).toContain("schedule.targets[0].policy.objective");
  });

  it("refuses a target policy that contradicts its group's (maxInstances below minInstances)", () => {
    // Prepare
    const contradicting = config({
      groups: { "fraud-xgboost": { job: {}, irflow: { policy: { minInstances: 3 } } } },
      schedule: {
        window: "weekly",
        targets: [{ group: "fraud-xgboost", policy: { maxInstances: 2 } }],
      },
    });

    // Act
    const parse = () => parseTriggerConfig(contradicting);

    // Assess
    expect(parse).toThrow(
      /schedule\.targets\[0\]\.policy\.maxInstances: must be at least minInstances \(3\) \(with the group's policy\)/,
    );
  });

  it("accepts the committed configuration, whose targets carry policies", () => {
    // Act
    const parsed = parseTriggerConfig(
      JSON.parse(readFileSync(join(import.meta.dirname, "../../../config/triggers.json"), "utf8")),
    );

    // Assess
    expect(parsed.schedule.targets.map((target) => target.policy)).toEqual([
      { current: { endpointName: "fraud-xgboost-prod" } },
      { requestsPerMinute: 600, maxLatencyMs: 150 },
    ]);
  });
});
