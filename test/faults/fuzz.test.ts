/**
 * Whatever arrives, irflow answers with a structured result: a spec validation, a rejected or
 * validated job record that fits the record schema, a trigger result or a named error. Never a
 * crash. At least 10,000 inputs of each kind.
 */
import {
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import triggers from "../../config/triggers.json" with { type: "json" };
import * as errors from "../../src/errors.ts";
import { type LambdaHandler, lambdaHandler } from "../../src/handler.ts";
import { createRuntime } from "../../src/runtime.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { registryTrigger, scheduleTrigger } from "../../src/triggers/handler.ts";
import type { JobRecord } from "../../src/workflow/record.ts";
import { validateJobSpec } from "../../src/workflow/steps/validate-spec.ts";
import { type JobStore, parseRecord } from "../../src/workflow/store.ts";
import { sampleSpec, setPath } from "../support/specs.ts";

const RUNS = 10_000;
const NAMED_ERRORS = new Set(
  Object.values(errors).flatMap((value) => (typeof value === "function" ? [value.name] : [])),
);
const SAMPLES = [
  "default-model-package.json",
  "default-model-name.json",
  "advanced-phases.json",
  "advanced-stairs.json",
  "serverless-endpoints.json",
  "existing-endpoint.json",
].map(sampleSpec);
const PATHS = [
  "job.JobType",
  "job.RoleArn",
  "job.JobName",
  "job.InputConfig",
  "job.InputConfig.ModelName",
  "job.InputConfig.JobDurationInSeconds",
  "job.InputConfig.TrafficPattern.Phases[0].SpawnRate",
  "job.InputConfig.EndpointConfigurations[0].InstanceType",
  "job.InputConfig.ResourceLimit.MaxParallelOfTests",
  "job.StoppingConditions.ModelLatencyThresholds[0].Percentile",
  "irflow.runKey",
  "irflow.deadlineSeconds",
  "specVersion",
  "extra",
];

/** A sample spec with a few fields set to anything at all. */
const mutatedSpec = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 2 })), {
      maxLength: 4,
    }),
  )
  .map(([sample, changes]) => {
    const spec = structuredClone(sample);
    for (const [path, value] of changes) {
      try {
        setPath(spec, path, value);
      } catch {
        // A path through a value that is no longer an object: that change is skipped.
      }
    }
    return spec;
  });

const anySpec = fc.oneof(mutatedSpec, fc.jsonValue({ maxDepth: 3 }));

const executionInput = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      spec: anySpec,
      trigger: fc.oneof(
        fc.record({ type: fc.constantFrom("manual", "schedule", "model-registry") }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      precheckErrors: fc.oneof(
        fc.array(fc.record({ path: fc.string(), rule: fc.string(), message: fc.string() })),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  ),
);

const context = { awsRequestId: "fuzz", functionName: "fuzz" } as unknown as Context;

describe("irflow under arbitrary input", () => {
  it("validates any spec into a verdict with every problem named", () => {
    fc.assert(
      fc.property(anySpec, (spec) => {
        const result = validateSpec(spec);
        if (result.valid) {
          expect(result.jobName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}$/);
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const issue of result.errors) {
            expect(typeof issue.path).toBe("string");
            expect(issue.rule.length).toBeGreaterThan(0);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("answers any execution input with a job record that fits the schema", async () => {
    // Prepare
    const written: JobRecord[] = [];
    const store = {
      create: async (record: JobRecord) => {
        const parsed = parseRecord(record);
        written.push(parsed);
        return parsed;
      },
    } as unknown as JobStore;
    const deps = { store, now: () => new Date("2026-11-23T10:00:00.000Z") };

    // Act and assess
    await fc.assert(
      fc.asyncProperty(executionInput, async (input) => {
        written.length = 0;
        const output = await validateJobSpec(
          {
            request: input,
            executionArn: "arn:aws:states:us-east-1:111122223333:execution:irflow:fuzz",
            executionName: "fuzz",
          },
          deps,
        );
        expect(written).toHaveLength(1);
        const [record] = written;
        expect(record?.jobName).toBe(output.jobName);
        expect(record?.outcome).toBe(output.valid ? undefined : "rejected");
        expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(400_000);
      }),
      { numRuns: RUNS },
    );
  });

  describe("the triggers", () => {
    const sagemaker = mockClient(SageMakerClient);
    const sfn = mockClient(SFNClient);
    let registry: LambdaHandler;
    let schedule: LambdaHandler;

    beforeAll(() => {
      sagemaker.on(DescribeModelPackageCommand).resolves({});
      sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
      sfn
        .on(StartExecutionCommand)
        .resolves({ executionArn: "arn:execution", startDate: new Date() });
      const runtime = createRuntime({
        env: {
          STATE_MACHINE_ARN: "arn:aws:states:us-east-1:111122223333:stateMachine:irflow",
        },
        aws: { region: "us-east-1" },
        logLevel: "SILENT",
      });
      registry = lambdaHandler(registryTrigger(triggers), runtime);
      schedule = lambdaHandler(scheduleTrigger(triggers), runtime);
    });

    const registryEvent = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        "detail-type": fc.constantFrom("SageMaker Model Package State Change", "Other"),
        source: fc.constantFrom("aws.sagemaker", "x"),
        detail: fc.record(
          {
            ModelPackageGroupName: fc.oneof(fc.constantFrom("fraud-xgboost"), fc.string()),
            ModelPackageVersion: fc.oneof(fc.integer(), fc.string()),
            ModelPackageArn: fc.string(),
            ModelApprovalStatus: fc.constantFrom("Approved", "Rejected", "PendingManualApproval"),
          },
          { requiredKeys: [] },
        ),
      }),
    );

    it("answers any event with a result or a named error", async () => {
      await fc.assert(
        fc.asyncProperty(registryEvent, fc.jsonValue({ maxDepth: 3 }), async (event, tick) => {
          for (const [handler, input] of [
            [registry, event],
            [schedule, tick],
          ] as const) {
            try {
              const result = await handler(input, context);
              expect(typeof result).toBe("object");
            } catch (error) {
              expect(NAMED_ERRORS).toContain((error as Error).name);
            }
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
});
