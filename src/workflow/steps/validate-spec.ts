/** ValidateSpec: checks the spec against every rule and writes the job record, valid or not. */
import { z } from "zod";
import { modelIdentity } from "../../naming.ts";
import { validateSpec } from "../../spec/validate.ts";
import { rejected, validated } from "../lifecycle.ts";
import { deadlineSeconds } from "../polling.ts";
import { type ModelRef, type RecordedIssue, specIssueSchema, triggerSchema } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { workflowStep } from "./step.ts";

/** The execution input is `{ spec, trigger?, precheckErrors? }`; the state machine adds its ids. */
export const validateInput = z.object({
  request: z.object({
    spec: z.unknown(),
    trigger: triggerSchema.optional(),
    /** Problems a trigger found before the workflow (a model package without metadata). */
    precheckErrors: z.array(specIssueSchema).optional(),
  }),
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
});
export type ValidateInput = z.output<typeof validateInput>;

export type ValidateOutput =
  | { valid: true; jobName: string; jobType: "Default" | "Advanced"; deadlineSeconds: number }
  | { valid: false; jobName: string; errorCount: number };

export async function validateJobSpec(
  { request, executionArn, executionName }: ValidateInput,
  { store, now }: { store: JobStore; now: () => Date },
): Promise<ValidateOutput> {
  const execution = { executionArn, trigger: request.trigger ?? { type: "manual" as const } };
  const result = validateSpec(request.spec);
  const errors: RecordedIssue[] = [
    ...(result.valid ? [] : result.errors),
    ...(request.precheckErrors ?? []),
  ];
  if (!result.valid || errors.length > 0) {
    const jobName = `rejected-${executionName}`;
    await store.create(rejected(execution, jobName, errors, now()));
    return { valid: false, jobName, errorCount: errors.length };
  }
  const deadline = deadlineSeconds(result.spec);
  const record = validated(
    execution,
    {
      jobName: result.jobName,
      spec: result.spec,
      specHash: result.specHash,
      model: modelRef(result.spec),
      deadlineSeconds: deadline,
    },
    now(),
  );
  await store.create(record);
  return {
    valid: true,
    jobName: result.jobName,
    jobType: result.spec.job.JobType,
    deadlineSeconds: deadline,
  };
}

function modelRef(spec: Parameters<typeof modelIdentity>[0]): ModelRef {
  const identity = modelIdentity(spec);
  return identity.kind === "model-package"
    ? {
        key: identity.key,
        kind: identity.kind,
        packageGroup: identity.group,
        packageVersion: identity.version,
        packageArn: identity.arn,
      }
    : { key: identity.key, kind: identity.kind, modelName: identity.name };
}

export const validateSpecStep = workflowStep({
  name: "ValidateSpec",
  input: validateInput,
  connect: (runtime, config) => ({ store: jobStore(runtime, config.TABLE_NAME), now: runtime.now }),
  run: validateJobSpec,
});
