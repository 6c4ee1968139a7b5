/**
 * A job mix for the polling benchmark: what each job is (its spec), how it runs (PENDING, then
 * IN_PROGRESS for runSeconds, its benchmarks' start and end), and what irflow knows of the model's
 * earlier jobs. A mix file is
 *
 *   {"jobs": [{"spec": {...}, "pendingSeconds": 60, "runSeconds": 2700,
 *              "benchmarks": [{"startOffset": 0, "endOffset": 300}], "history": [2500, 2710]}]}
 *
 * spec: optional, a spec as in events/specs/ (the Default sample when absent). benchmarks:
 * optional, seconds after the run starts; absent means the steps show no progress (every step
 * IN_PROGRESS until the job ends). history: optional, run seconds of this model's earlier jobs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { priorFromRequest, type SchedulePrior } from "../../src/schedule/index.ts";
import type { JobRequest } from "../../src/spec/schema.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { deadlineSeconds } from "../../src/workflow/polling.ts";

const ROOT = join(import.meta.dirname, "../..");
export const DEFAULT_SAMPLE_SPEC = join(ROOT, "events/specs/default-model-package.json");

const seconds = z
  .number({ error: "must be a number of seconds" })
  .finite({ error: "must be finite" })
  .min(0, { error: "must not be negative" });

export const mixFileSchema = z.strictObject({
  jobs: z
    .array(
      z.strictObject({
        spec: z.unknown().optional(),
        pendingSeconds: seconds,
        runSeconds: seconds.positive({ error: "must be positive" }),
        benchmarks: z
          .array(
            z
              .strictObject({ startOffset: seconds, endOffset: seconds })
              .refine((benchmark) => benchmark.endOffset >= benchmark.startOffset, {
                message: "endOffset must not be before startOffset",
              }),
          )
          .optional(),
        history: z.array(seconds.positive({ error: "must be positive" })).optional(),
      }),
    )
    .min(1, { error: "must hold at least one job" }),
});

export type MixFile = z.input<typeof mixFileSchema>;

/** One job as the simulation runs it; times in seconds since CreateJob unless said otherwise. */
export interface SimJob {
  /** What kind of job it is, for the breakdown: e.g. "Default, progress, history". */
  kind: string;
  prior: SchedulePrior;
  deadlineSeconds: number;
  pendingSeconds: number;
  runSeconds: number;
  /** Seconds after the run starts; undefined when the steps show no progress. */
  benchmarks?: { startOffset: number; endOffset: number }[];
  /** Steps listed when they show no progress. */
  hiddenSteps: number;
  /** Completion times of the model's earlier jobs (CompletionTime - CreationTime). */
  historySeconds: number[];
  /** The spec it came from, when known (to save the mix). */
  spec?: unknown;
}

export function loadMixFile(path: string): SimJob[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`mix file ${path}: ${(error as Error).message}`);
  }
  return resolveMix(json, path);
}

export function resolveMix(json: unknown, origin: string): SimJob[] {
  const parsed = mixFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join(".") || "(mix)"}: ${issue.message}`,
    );
    throw new Error(`mix ${origin}: ${problems.join("; ")}`);
  }
  const sample = JSON.parse(readFileSync(DEFAULT_SAMPLE_SPEC, "utf8")) as unknown;
  return parsed.data.jobs.map((job, index) => {
    const validation = validateSpec(job.spec ?? sample);
    if (!validation.valid) {
      const problems = validation.errors.map(
        (error) => `${error.path}: ${error.message} (${error.rule})`,
      );
      throw new Error(`mix ${origin}: jobs.${index}.spec: ${problems.join("; ")}`);
    }
    return {
      ...simJob(validation.spec.job, deadlineSeconds(validation.spec), {
        pendingSeconds: job.pendingSeconds,
        runSeconds: job.runSeconds,
        ...(job.benchmarks ? { benchmarks: job.benchmarks } : {}),
        history: job.history ?? [],
      }),
      ...(job.spec !== undefined ? { spec: job.spec } : {}),
    };
  });
}

export function simJob(
  request: JobRequest,
  deadline: number,
  run: {
    pendingSeconds: number;
    runSeconds: number;
    benchmarks?: { startOffset: number; endOffset: number }[];
    history: number[];
  },
): SimJob {
  const prior = priorFromRequest(request);
  return {
    kind: [
      request.JobType,
      run.benchmarks ? "progress" : "no progress",
      run.history.length > 0 ? "history" : "no history",
    ].join(", "),
    prior,
    deadlineSeconds: deadline,
    pendingSeconds: run.pendingSeconds,
    runSeconds: run.runSeconds,
    ...(run.benchmarks ? { benchmarks: run.benchmarks } : {}),
    hiddenSteps: Math.max(1, prior.tests ?? 1),
    // Earlier jobs waited in PENDING too; their wait is taken to be this job's.
    historySeconds: run.history.map((runSeconds) => runSeconds + run.pendingSeconds),
  };
}

/** A mix in the file format, e.g. to save a generated one. */
export function toMixFile(jobs: readonly SimJob[]): MixFile {
  return {
    jobs: jobs.map((job) => ({
      ...(job.spec !== undefined ? { spec: job.spec } : {}),
      pendingSeconds: job.pendingSeconds,
      runSeconds: job.runSeconds,
      ...(job.benchmarks ? { benchmarks: job.benchmarks } : {}),
      ...(job.historySeconds.length > 0
        ? { history: job.historySeconds.map((value) => value - job.pendingSeconds) }
        : {}),
    })),
  };
}
