import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.ts";
import {
  loadTriggerEnvironment,
  parseTriggerConfig,
  withEnvironmentRole,
} from "../../../src/triggers/config.ts";
import { sampleSpec } from "../../support/specs.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:irflow";

function problemsOf(raw: unknown): string {
  try {
    parseTriggerConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("parseTriggerConfig", () => {
  it("accepts the committed config/triggers.json", () => {
    // Prepare
    const raw = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../config/triggers.json"), "utf8"),
    );

    // Act
    const config = parseTriggerConfig(raw);

    // Assess
    expect(Object.keys(config.groups)).toContain("fraud-xgboost");
    expect(config.schedule.targets.map((target) => target.kind)).toEqual(["group", "spec"]);
  });

  it("turns targets into groups and labelled specs, and defaults the schedule", () => {
    // Prepare
    const spec = sampleSpec("default-model-name.json");

    // Act
    const withTargets = parseTriggerConfig({
      roleArn: ROLE,
      groups: { a: {} },
      schedule: { window: "daily", targets: [{ group: "a" }, { name: "bert", spec }] },
    });
    const withoutSchedule = parseTriggerConfig({ roleArn: ROLE, groups: {} });

    // Assess
    expect(withTargets.groups.a).toEqual({ job: {} });
    expect(withTargets.schedule.targets).toEqual([
      { kind: "group", label: "a", group: "a" },
      { kind: "spec", label: "bert", spec },
    ]);
    expect(withoutSchedule.schedule).toEqual({ window: "weekly", targets: [] });
  });

  it("keeps every key of a target's spec and policy as written, __proto__ and constructor included", () => {
    // Prepare: JSON.parse makes __proto__ an own key, as a file read at cold start would.
    const raw = JSON.parse(`{
      "roleArn": "${ROLE}",
      "groups": { "a": { "irflow": { "policy": { "__proto__": { "x": 1 } } } } },
      "schedule": { "window": "daily", "targets": [
        { "name": "bert", "spec": { "__proto__": { "x": 1 }, "constructor": 2 },
          "policy": { "__proto__": { "x": 1 } } }
      ] }
    }`);

    // Act
    const message = problemsOf(raw);

    // Assess: the keys reach the rules that refuse them, instead of vanishing on the way.
    expect(message).toContain("groups.a.irflow.policy.__proto__");
    expect(message).toContain("schedule.targets[0].policy.__proto__");
  });

  it("refuses a spec target's spec with a __proto__ key, naming it, instead of dropping it", () => {
    // Prepare
    const spec = sampleSpec("default-model-name.json");
    const raw = JSON.parse(
      JSON.stringify({
        roleArn: ROLE,
        groups: {},
        schedule: { window: "daily", targets: [{ name: "bert", spec }] },
      }).replace('"specVersion"', '"__proto__":{"polluted":true},"specVersion"'),
    );

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain("schedule.targets[0].spec.__proto__: is not a field of this object");
  });

  it("lists every problem with where it is", () => {
    // Prepare
    const invalidSpec = sampleSpec("default-model-name.json");
    (invalidSpec.job as Record<string, unknown>).JobType = "Sometimes";
    const raw = {
      roleArn: ROLE,
      groups: {
        a: { job: { JobName: "fixed", InputConfig: { ResourceLimit: { MaxNumberOfTests: 40 } } } },
        b: {
          job: { InputConfig: { ResourceLimit: { MaxNumberOfTests: 2, MaxParallelOfTests: 5 } } },
        },
      },
      schedule: {
        window: "hourly",
        targets: [{ group: "missing" }, { name: "x", spec: invalidSpec }, { name: "only-a-name" }],
      },
    };

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain("groups.a.job (JobName)");
    expect(message).toContain("groups.a.job.InputConfig.ResourceLimit.MaxNumberOfTests");
    expect(message).toContain("schedule.window");
    expect(message).toContain("schedule.targets[2]: a spec target needs both name and spec");
  });

  it("checks the defaults as a whole spec, and the targets against the groups and each other", () => {
    // Prepare
    const invalidSpec = sampleSpec("default-model-name.json");
    (invalidSpec.job as Record<string, unknown>).JobType = "Sometimes";
    const raw = {
      roleArn: ROLE,
      groups: {
        b: {
          job: { InputConfig: { ResourceLimit: { MaxNumberOfTests: 2, MaxParallelOfTests: 5 } } },
        },
      },
      schedule: {
        window: "weekly",
        targets: [
          { group: "missing" },
          { name: "x", spec: invalidSpec },
          { group: "b" },
          { name: "b", spec: sampleSpec("default-model-name.json") },
        ],
      },
    };

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain("groups.b.job.InputConfig.ResourceLimit.MaxParallelOfTests");
    expect(message).toContain('schedule.targets[0].group: names no group of "groups"');
    expect(message).toContain("schedule.targets[1].spec.job.JobType: must be one of");
    expect(message).toContain(
      "schedule.targets[3]: has the same execution name as schedule.targets[2]",
    );
  });
});

describe("the tuning budget in the trigger configuration", () => {
  it("takes a budget at the top and per schedule target", () => {
    // Act
    const config = parseTriggerConfig({
      roleArn: ROLE,
      tuningBudget: 250,
      groups: { g: { job: {} } },
      schedule: { window: "weekly", targets: [{ group: "g", tuningBudget: 40.5 }] },
    });

    // Assess
    expect(config.tuningBudget).toBe(250);
    expect(config.schedule.targets[0]).toMatchObject({ kind: "group", tuningBudget: 40.5 });
  });

  it("refuses a budget that is not a positive number of dollars, naming the field and the rule", () => {
    // Prepare
    const raw = {
      roleArn: ROLE,
      tuningBudget: -5,
      groups: { g: { job: {} } },
      schedule: { window: "weekly", targets: [{ group: "g", tuningBudget: "100" }] },
    };

    // Act
    const message = problemsOf(raw);

    // Assess
    expect(message).toContain(
      "tuningBudget: must be a positive number of US dollars per calendar month",
    );
    expect(message).toContain(
      "schedule.targets[0].tuningBudget: must be a number of US dollars per calendar month",
    );
  });
});

describe("loadTriggerEnvironment", () => {
  it("requires the state machine ARN", () => {
    // Act
    const load = () => loadTriggerEnvironment({});

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/STATE_MACHINE_ARN/);
  });

  it("lets the deploy's SageMaker role replace the configured one", () => {
    // Prepare
    const config = parseTriggerConfig({ roleArn: ROLE, groups: {} });
    const deployed = "arn:aws:iam::444455556666:role/deployed";

    // Act
    const replaced = withEnvironmentRole(
      config,
      loadTriggerEnvironment({ STATE_MACHINE_ARN: STATE_MACHINE, SAGEMAKER_ROLE_ARN: deployed }),
    );
    const kept = withEnvironmentRole(
      config,
      loadTriggerEnvironment({ STATE_MACHINE_ARN: STATE_MACHINE, SAGEMAKER_ROLE_ARN: "" }),
    );

    // Assess
    expect(replaced.roleArn).toBe(deployed);
    expect(kept.roleArn).toBe(ROLE);
  });
});
