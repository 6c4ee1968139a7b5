import { describe, expect, it } from "vitest";
import { RULES } from "../../../src/spec/rules.ts";
import { validateSpec } from "../../../src/spec/validate.ts";
import { sampleSpec, setPath } from "../../support/specs.ts";

const CREATE = "reference 004: create-inference-recommendations-job (CLI v2 web reference)";
const LIMITS = "reference README: documented limits";
const IC = "job.InputConfig";
const TROUBLESHOOTING = "SageMaker developer guide: Troubleshoot Inference Recommender errors";

interface CrossFieldCase {
  rule: string;
  source: string;
  sample: string;
  /** Edits that keep the spec valid, at the edge of the rule. */
  passing: Record<string, unknown>;
  /** Edits that break exactly this rule. */
  failing: Record<string, unknown>;
  path: string;
}

const CASES: CrossFieldCase[] = [
  {
    rule: "reserved-tag",
    source: "irflow: the tags that prove a job is irflow's",
    sample: "default-model-package.json",
    passing: {
      "job.Tags": [
        { Key: "irflowteam", Value: "x" },
        { Key: "team:irflow:", Value: "y" },
      ],
    },
    failing: {
      "job.Tags": [
        { Key: "team", Value: "x" },
        { Key: "irflow:execution", Value: "someone-elses" },
      ],
    },
    path: "job.Tags[1].Key",
  },
  {
    rule: "run-key-with-job-name",
    source: "irflow: a JobName is the job's name whatever the run key",
    sample: "default-model-package.json",
    passing: { "irflow.runKey": "2026-w47" },
    failing: { "job.JobName": "fraud-xgboost-weekly", "irflow.runKey": "2026-w47" },
    path: "irflow.runKey",
  },
  {
    rule: "model-source",
    source: LIMITS,
    sample: "default-model-package.json",
    passing: {},
    failing: { [`${IC}.ModelPackageVersionArn`]: undefined },
    path: IC,
  },
  {
    rule: "model-source",
    source: LIMITS,
    sample: "default-model-package.json",
    passing: {},
    failing: { [`${IC}.ModelName`]: "fraud" },
    path: IC,
  },
  {
    rule: "traffic-type",
    source: CREATE,
    sample: "advanced-stairs.json",
    passing: { [`${IC}.TrafficPattern.TrafficType`]: "STAIRS" },
    failing: { [`${IC}.TrafficPattern.TrafficType`]: undefined },
    path: `${IC}.TrafficPattern.TrafficType`,
  },
  {
    rule: "traffic-type",
    source: CREATE,
    sample: "advanced-phases.json",
    passing: { [`${IC}.TrafficPattern.TrafficType`]: undefined },
    failing: {
      [`${IC}.TrafficPattern.Stairs`]: { DurationInSeconds: 60, NumberOfSteps: 2, UsersPerStep: 1 },
    },
    path: `${IC}.TrafficPattern`,
  },
  {
    rule: "phase-duration-total",
    source: CREATE,
    sample: "advanced-phases.json",
    passing: { [`${IC}.JobDurationInSeconds`]: 1500 },
    failing: { [`${IC}.JobDurationInSeconds`]: 1499 },
    path: `${IC}.TrafficPattern.Phases`,
  },
  {
    rule: "parallel-tests",
    source: CREATE,
    sample: "advanced-phases.json",
    passing: { [`${IC}.ResourceLimit`]: { MaxNumberOfTests: 4, MaxParallelOfTests: 4 } },
    failing: { [`${IC}.ResourceLimit`]: { MaxNumberOfTests: 4, MaxParallelOfTests: 5 } },
    path: `${IC}.ResourceLimit.MaxParallelOfTests`,
  },
  {
    rule: "provisioned-concurrency",
    source: CREATE,
    sample: "serverless-endpoints.json",
    passing: {},
    failing: { [`${IC}.EndpointConfigurations[1].ServerlessConfig.ProvisionedConcurrency`]: 1 },
    path: `${IC}.EndpointConfigurations[1].ServerlessConfig.ProvisionedConcurrency`,
  },
  {
    rule: "load-test-percentile",
    source: CREATE,
    sample: "advanced-phases.json",
    passing: { "job.StoppingConditions.ModelLatencyThresholds[0].Percentile": "P95" },
    failing: { "job.StoppingConditions.ModelLatencyThresholds[0].Percentile": "P99" },
    path: "job.StoppingConditions.ModelLatencyThresholds[0].Percentile",
  },
  {
    rule: "burstable-instance",
    source: TROUBLESHOOTING,
    sample: "advanced-phases.json",
    passing: { [`${IC}.EndpointConfigurations[1].InstanceType`]: "ml.m5.large" },
    failing: { [`${IC}.EndpointConfigurations[1].InstanceType`]: "ml.t2.medium" },
    path: `${IC}.EndpointConfigurations[1].InstanceType`,
  },
];

function edited(sample: string, edits: Record<string, unknown>): Record<string, unknown> {
  const spec = sampleSpec(sample);
  for (const [path, value] of Object.entries(edits)) setPath(spec, path, value);
  return spec;
}

describe("cross-field rules", () => {
  it.each(CASES)("accepts a spec within $rule ($source)", ({ sample, passing }) => {
    // Prepare
    const spec = edited(sample, passing);

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it.each(CASES)("rejects a spec that breaks $rule at $path", ({ sample, failing, rule, path }) => {
    // Prepare
    const spec = edited(sample, failing);

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors).toEqual([
      { path, rule, message: expect.any(String) },
    ]);
  });

  it("reports every mistake of a spec in one pass", () => {
    // Prepare
    const spec = edited("advanced-phases.json", {
      "job.RoleArn": undefined,
      [`${IC}.ModelName`]: "second-source",
      [`${IC}.TrafficPattern.Phases[1].SpawnRate`]: 9,
      [`${IC}.ResourceLimit`]: { MaxNumberOfTests: 1, MaxParallelOfTests: 2 },
    });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors.map((error) => [error.path, error.rule])).toEqual([
      [IC, "model-source"],
      [`${IC}.ResourceLimit.MaxParallelOfTests`, "parallel-tests"],
      [`${IC}.TrafficPattern.Phases[1].SpawnRate`, "range"],
      ["job.RoleArn", "required"],
    ]);
  });

  it("names every reported rule in the rule catalog", () => {
    // Prepare
    const reported = CASES.map((testCase) => testCase.rule);

    // Act
    const unknown = reported.filter((rule) => !(rule in RULES));

    // Assess
    expect(unknown).toEqual([]);
  });
});

describe("warnings", () => {
  it("warns about load-test settings on a Default job without rejecting it", () => {
    // Prepare
    const spec = edited("default-model-package.json", {
      [`${IC}.ResourceLimit`]: { MaxNumberOfTests: 2 },
    });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([
      { path: `${IC}.ResourceLimit`, rule: "advanced-only", message: expect.any(String) },
    ]);
  });

  it("warns when stairs may outlast the job duration", () => {
    // Prepare
    const spec = edited("advanced-stairs.json", { [`${IC}.JobDurationInSeconds`]: 1799 });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid).toBe(true);
    expect(result.warnings.map((warning) => warning.rule)).toEqual(["stairs-duration-total"]);
  });

  it("accepts an instance type of the right form that irflow does not list, with a warning naming it", () => {
    // Prepare
    const spec = edited("advanced-phases.json", {
      [`${IC}.EndpointConfigurations[1].InstanceType`]: "ml.g7e.2xlarge",
    });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: `${IC}.EndpointConfigurations[1].InstanceType`,
        rule: "unlisted-instance-type",
        message: expect.stringContaining("ml.g7e.2xlarge"),
      },
    ]);
  });

  it("warns about each unlisted type of SupportedInstanceTypes, and not about listed ones", () => {
    // Prepare
    const spec = edited("default-model-name.json", {
      [`${IC}.ContainerConfig.SupportedInstanceTypes`]: [
        "ml.p6-b300.48xlarge",
        "ml.m5.xlarge",
        "ml.g7e.48xlarge",
      ],
    });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid).toBe(true);
    expect(result.warnings.map((warning) => [warning.path, warning.rule])).toEqual([
      [`${IC}.ContainerConfig.SupportedInstanceTypes[0]`, "unlisted-instance-type"],
      [`${IC}.ContainerConfig.SupportedInstanceTypes[2]`, "unlisted-instance-type"],
    ]);
  });

  it("rejects a malformed instance type without also warning about it", () => {
    // Prepare
    const spec = edited("advanced-phases.json", {
      [`${IC}.EndpointConfigurations[0].InstanceType`]: "ml.g7e.huge",
    });

    // Act
    const result = validateSpec(spec);

    // Assess
    expect(result.valid ? [] : result.errors.map((error) => error.rule)).toEqual(["instance-type"]);
    expect(result.warnings).toEqual([]);
  });

  it("gives no warnings for the valid samples", () => {
    // Prepare
    const samples = ["advanced-stairs.json", "advanced-phases.json", "default-model-name.json"];

    // Act
    const warnings = samples.flatMap((sample) => validateSpec(sampleSpec(sample)).warnings);

    // Assess
    expect(warnings).toEqual([]);
  });
});
