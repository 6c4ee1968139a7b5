import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  INSTANCE_TYPE_PATTERN,
  INSTANCE_TYPES,
  isListedInstanceType,
} from "../../src/spec/instance-types.ts";
import { RULES } from "../../src/spec/rules.ts";
import { JOB_NAME_PATTERN } from "../../src/spec/schema.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { setPath } from "../support/specs.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow";
const PACKAGE = "arn:aws:sagemaker:us-east-1:111122223333:model-package/group-a/3";
const MAX_PHASES = 3;

const modelSource = fc.oneof(
  fc.constant({ ModelPackageVersionArn: PACKAGE }),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).map((ModelName) => ({ ModelName })),
);

const phases = fc.array(
  fc.record({
    InitialNumberOfUsers: fc.integer({ min: 1, max: 3 }),
    SpawnRate: fc.integer({ min: 0, max: 3 }),
    DurationInSeconds: fc.integer({ min: 120, max: 3600 }),
  }),
  { minLength: 1, maxLength: MAX_PHASES },
);

const trafficPattern = fc.oneof(
  phases.map((Phases) => ({ TrafficType: "PHASES", Phases })),
  fc
    .record({
      DurationInSeconds: fc.integer({ min: 1, max: 600 }),
      NumberOfSteps: fc.integer({ min: 1, max: 20 }),
      UsersPerStep: fc.integer({ min: 1, max: 3 }),
    })
    .map((Stairs) => ({ TrafficType: "STAIRS", Stairs })),
);

const endpointConfiguration = fc.oneof(
  fc
    .constantFrom(...INSTANCE_TYPES.filter((type) => !type.startsWith("ml.t2.")))
    .map((InstanceType) => ({ InstanceType })),
  fc
    .record({
      MemorySizeInMB: fc.constantFrom(1024, 2048, 3072, 4096, 5120, 6144),
      MaxConcurrency: fc.integer({ min: 1, max: 200 }),
    })
    .map((ServerlessConfig) => ({ ServerlessConfig })),
);

const resourceLimit = fc
  .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }))
  .map(([a, b]) => ({ MaxNumberOfTests: Math.max(a, b), MaxParallelOfTests: Math.min(a, b) }));

/** Advanced load-test specs whose every field is within its documented limits. */
const validAdvancedSpec = fc
  .record({
    source: modelSource,
    traffic: trafficPattern,
    limit: resourceLimit,
    endpoints: fc.array(endpointConfiguration, { minLength: 1, maxLength: 10 }),
    maxInvocations: fc.integer({ min: 1, max: 30000 }),
    latency: fc.integer({ min: 1, max: 10000 }),
    runKey: fc.option(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/), { nil: undefined }),
  })
  .map(({ source, traffic, limit, endpoints, maxInvocations, latency, runKey }) => ({
    specVersion: 1,
    job: {
      JobType: "Advanced",
      RoleArn: ROLE,
      InputConfig: {
        ...source,
        // Long enough for any generated phases or stairs, so the totals never interfere.
        JobDurationInSeconds: 18000,
        TrafficPattern: traffic,
        ResourceLimit: limit,
        EndpointConfigurations: endpoints,
      },
      StoppingConditions: {
        MaxInvocations: maxInvocations,
        ModelLatencyThresholds: [{ Percentile: "P95", ValueInMilliseconds: latency }],
      },
    },
    ...(runKey ? { irflow: { runKey } } : {}),
  }));

/** Fields with a documented range, and values just outside it that touch no other rule. */
const OUT_OF_RANGE: [path: string, values: number[]][] = [
  ["job.InputConfig.JobDurationInSeconds", [18001, 1e6]],
  ["job.InputConfig.ResourceLimit.MaxNumberOfTests", [11, 99]],
  ["job.InputConfig.ResourceLimit.MaxParallelOfTests", [0, 11, -3]],
  ["job.StoppingConditions.MaxInvocations", [0, 30001]],
];

describe("spec properties", () => {
  it("accepts every generated valid spec and names its job validly", () => {
    fc.assert(
      fc.property(validAdvancedSpec, (spec) => {
        // Act
        const result = validateSpec(spec);

        // Assess
        expect(result.valid ? [] : result.errors).toEqual([]);
        expect(result.valid && result.jobName).toMatch(JOB_NAME_PATTERN);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a single out-of-range mutation with exactly that path", () => {
    const mutation = fc
      .constantFrom(...OUT_OF_RANGE)
      .chain(([path, values]) => fc.constantFrom(...values).map((value) => ({ path, value })));
    const phaseMutation = fc.record({
      index: fc.nat({ max: MAX_PHASES - 1 }),
      field: fc.constantFrom(
        ["InitialNumberOfUsers", [0, 4]] as const,
        ["SpawnRate", [-1, 4]] as const,
        ["DurationInSeconds", [119, 3601]] as const,
      ),
      pick: fc.boolean(),
    });

    fc.assert(
      fc.property(
        validAdvancedSpec,
        mutation,
        phaseMutation,
        fc.boolean(),
        (spec, field, phase, usePhase) => {
          // Prepare
          const traffic = spec.job.InputConfig.TrafficPattern;
          const phases = "Phases" in traffic ? traffic.Phases : undefined;
          let path = field.path;
          let value = field.value;
          if (usePhase && phases) {
            const index = phase.index % phases.length;
            const name = phase.field[0];
            const values = phase.field[1];
            path = `job.InputConfig.TrafficPattern.Phases[${index}].${name}`;
            value = phase.pick ? values[0] : values[1];
          }
          setPath(spec, path, value);

          // Act
          const result = validateSpec(spec);

          // Assess
          expect(result.valid ? [] : result.errors.map((error) => error.path)).toEqual([path]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("accepts any instance type of the API's form, warning exactly when irflow does not list it", () => {
    const instanceType = fc.oneof(
      fc.stringMatching(INSTANCE_TYPE_PATTERN).filter((type) => !type.startsWith("ml.t2.")),
      fc.constantFrom(...INSTANCE_TYPES.filter((type) => !type.startsWith("ml.t2."))),
    );

    fc.assert(
      fc.property(validAdvancedSpec, instanceType, (spec, type) => {
        // Prepare
        const path = "job.InputConfig.EndpointConfigurations[0].InstanceType";
        setPath(spec, "job.InputConfig.EndpointConfigurations", [{ InstanceType: type }]);

        // Act
        const result = validateSpec(spec);

        // Assess
        expect(result.valid ? [] : result.errors).toEqual([]);
        const warned = result.warnings.filter((warning) => warning.path === path);
        expect(warned.map((warning) => warning.rule)).toEqual(
          isListedInstanceType(type) ? [] : ["unlisted-instance-type"],
        );
      }),
      { numRuns: 300 },
    );
  });

  it("returns a structured result for any JSON value, never throwing", () => {
    const anyPlace = fc.record({
      spec: validAdvancedSpec,
      path: fc.constantFrom(
        "specVersion",
        "job",
        "job.InputConfig",
        "job.InputConfig.TrafficPattern",
        "job.InputConfig.TrafficPattern.Phases",
        "job.InputConfig.TrafficPattern.Phases[0]",
        "job.InputConfig.EndpointConfigurations[0].ServerlessConfig",
        "job.InputConfig.ResourceLimit",
        "job.StoppingConditions.ModelLatencyThresholds",
        "irflow",
      ),
      value: fc.jsonValue(),
    });
    const input = fc.oneof(
      fc.jsonValue(),
      fc.anything(),
      anyPlace.map(({ spec, path, value }) => {
        setPath(spec, path, value);
        return spec;
      }),
    );

    fc.assert(
      fc.property(input, (value) => {
        // Act
        const result = validateSpec(value);

        // Assess
        const issues = result.valid ? result.warnings : [...result.errors, ...result.warnings];
        for (const issue of issues) {
          expect(typeof issue.path).toBe("string");
          expect(Object.keys(RULES)).toContain(issue.rule);
          expect(issue.message).not.toBe("");
        }
        if (!result.valid) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
