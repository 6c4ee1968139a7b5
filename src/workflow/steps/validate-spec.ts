/** ValidateSpec: checks the spec against every rule and writes the job record, valid or not. */
import * as z from "zod";
import { capText } from "../../decision/index.ts";
import { rejectedRecordName } from "../../execution/record-name.ts";
import { type JobKindName, KINDS } from "../../kinds/index.ts";
import { validateAnySpec } from "../../kinds/validate.ts";
import { executionInputSchema } from "../execution-input.ts";
import { rejected, validated } from "../lifecycle.ts";
import type { JobRecord, RecordedIssue } from "../record.ts";
import { type JobStore, jobStore } from "../store.ts";
import { workflowStep } from "./step.ts";

/**
 * The step's input: the execution input as it came, whatever it is, and the state machine's ids.
 * An execution input that is not what irflow expects is a rejected spec, never a failed step.
 */

export const validateInput = z.object({
  request: z.unknown(),
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
});
export type ValidateInput = z.output<typeof validateInput>;

/** Bounds on what a rejected record keeps, so a huge input never outgrows a DynamoDB item. */
const MAX_RECORDED_ISSUES = 50;
const MAX_TEXT = 1000;

export type ValidateOutput =
  | {
      valid: true;
      jobName: string;
      kind: JobKindName;
      jobType?: "Default" | "Advanced" | undefined;
      deadlineSeconds: number;
    }
  | { valid: false; jobName: string; errorCount: number };

export async function validateJobSpec(
  { request, executionArn, executionName }: ValidateInput,
  { store, now }: { store: JobStore; now: () => Date },
): Promise<ValidateOutput> {
  const { input, result, errors } = judge(request);
  const execution = {
    executionArn,
    trigger: input.trigger
      ? {
          ...input.trigger,
          ...(input.trigger.detail ? { detail: bounded(input.trigger.detail) } : {}),
        }
      : { type: "manual" as const },
    ...(input.budget ? { budget: input.budget } : {}),
  };
  if (!result.valid || !result.kind || errors.length > 0) {
    const jobName = rejectedRecordName(executionName);
    const kept = errors.slice(0, MAX_RECORDED_ISSUES).map((issue) => ({
      ...issue,
      path: bounded(issue.path),
      message: bounded(issue.message),
    }));
    await store.create(rejected(execution, jobName, kept, now(), errors.length));
    return { valid: false, jobName, errorCount: errors.length };
  }
  const kind = KINDS[result.kind];
  const deadline = kind.deadlineSeconds(result.spec);
  const record = validated(
    execution,
    {
      jobName: result.jobName,
      spec: result.spec as NonNullable<JobRecord["spec"]>,
      specHash: result.specHash,
      model: kind.model(result.spec),
      deadlineSeconds: deadline,
    },
    now(),
  );
  await store.create(record);
  const jobType = kind.jobType(result.spec);
  return {
    valid: true,
    jobName: result.jobName,
    kind: kind.name,
    ...(jobType ? { jobType } : {}),
    deadlineSeconds: deadline,
  };
}

/** The execution input's verdict: the spec's own, and every problem of the input around it. */
function judge(request: unknown) {
  const parsed = executionInputSchema.safeParse(request);
  const input = parsed.success ? parsed.data : salvage(request);
  const result = validateAnySpec(input.spec);
  const errors: RecordedIssue[] = [
    ...(parsed.success ? [] : inputIssues(parsed.error, request)),
    // A missing spec is the input's problem, said once, with what to send instead.
    ...(result.valid || input.spec === undefined ? [] : result.errors),
    ...(input.precheckErrors ?? []),
  ];
  return { input, result, errors };
}

/** The parts of a malformed execution input that can still be used: the spec, if any. */
function salvage(request: unknown): z.output<typeof executionInputSchema> {
  const spec =
    typeof request === "object" && request !== null && !Array.isArray(request)
      ? (request as { spec?: unknown }).spec
      : undefined;
  return { spec };
}

/** The execution input's own problems, in the spec's issue form. */
function inputIssues(error: z.ZodError, request: unknown): RecordedIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join(".") : "(execution input)",
    rule: "execution-input",
    message:
      issue.path.length === 0
        ? "the execution input must be a JSON object { spec, trigger?, precheckErrors? }"
        : issue.path.join(".") === "spec" && issue.code === "invalid_type"
          ? missingSpecMessage(request)
          : issue.message,
  }));
}

/** The input has no `spec`: most often it is a job spec sent on its own, so say how to wrap it. */
function missingSpecMessage(request: unknown): string {
  const looksLikeSpec =
    typeof request === "object" &&
    request !== null &&
    ("job" in request || "specVersion" in request);
  return looksLikeSpec
    ? 'is required: this input is a job spec on its own; start the execution with { "spec": <the job spec> } instead'
    : 'is required: start the execution with { "spec": <the job spec>, "trigger"?: ... }';
}

const bounded = (text: string) => capText(text, MAX_TEXT);

export const validateSpecStep = workflowStep({
  name: "ValidateSpec",
  input: validateInput,
  connect: (runtime, config) => ({ store: jobStore(runtime, config.TABLE_NAME), now: runtime.now }),
  // The result replaces the state machine's state: the execution input goes no further.
  run: async (input: ValidateInput, deps: { store: JobStore; now: () => Date }) => ({
    job: await validateJobSpec(input, deps),
  }),
});
