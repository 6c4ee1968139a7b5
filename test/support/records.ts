/** Job records for tests, built by the lifecycle itself so that they keep its invariants. */
import { readFileSync } from "node:fs";
import { validateAiRecommendationSpec } from "../../src/kinds/ai-recommendation/validate.ts";
import { created, validated } from "../../src/workflow/lifecycle.ts";
import type { JobRecord } from "../../src/workflow/record.ts";

export const TEST_ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
export const TEST_EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:irflow:first";
export const TEST_START = new Date("2026-11-23T10:00:00.000Z");

/** A validated record of a Default job on model `m`, with `overrides` applied. */
export function validatedRecord(
  jobName: string,
  overrides: Partial<JobRecord> = {},
  now: Date = TEST_START,
): JobRecord {
  const model = overrides.model ?? { key: "model/m", kind: "model" as const, modelName: "m" };
  const record = validated(
    { executionArn: TEST_EXECUTION, trigger: { type: "manual" } },
    {
      jobName,
      spec: {
        specVersion: 1,
        job: {
          JobName: jobName,
          JobType: "Default",
          RoleArn: TEST_ROLE,
          InputConfig: { ModelName: "m" },
        },
      },
      specHash: "0123456789abcdef",
      model,
      deadlineSeconds: 7200,
    },
    now,
  );
  return { ...record, ...overrides, modelKey: overrides.modelKey ?? model.key };
}

/** A validated record of the sample AI recommendation job, named after `runKey`. */
export function validatedAiRecord(runKey: string, now: Date = TEST_START): JobRecord {
  const result = validateAiRecommendationSpec({
    ...JSON.parse(readFileSync("events/specs/ai/llama-3-8b-chat.json", "utf8")),
    irflow: { runKey },
  });
  if (!result.valid) throw new Error("the AI sample spec does not validate");
  return validated(
    {
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:irflow:${runKey}`,
      trigger: { type: "manual" },
    },
    {
      jobName: result.jobName,
      spec: result.spec,
      specHash: result.specHash,
      model: { key: "model-artifacts/m", kind: "model-artifacts", modelUri: "s3://m/" },
      deadlineSeconds: 3600,
    },
    now,
  );
}

/** A record of a job SageMaker accepted. */
export function runningRecord(
  jobName: string,
  overrides: Partial<JobRecord> = {},
  now: Date = TEST_START,
): JobRecord {
  const record = validatedRecord(jobName, {}, now);
  return {
    ...record,
    ...created(record, { jobArn: `arn:job/${jobName}`, historySeconds: [] }, now),
    ...overrides,
  };
}
