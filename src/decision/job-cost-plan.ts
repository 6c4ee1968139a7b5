/**
 * What a spec says a job will run, before it runs: each endpoint it will provision, with its
 * instance type and count and how long it is taken to stay up. Each kind reads its own spec into
 * a plan (src/kinds/<kind>/cost.ts); src/decision/job-cost-estimate.ts prices the plan.
 */
import * as z from "zod";

export const jobCostPlanPartSchema = z.object({
  /** Absent for an endpoint without an instance type (serverless, or chosen by SageMaker). */
  instanceType: z.string().optional(),
  instanceCount: z.number().int().positive(),
  /** Seconds the endpoint is taken to stay up, its provisioning included; absent if unknown. */
  seconds: z.number().nonnegative().optional(),
  /** The spec's own price per instance-hour for the type (an LLM policy's prices), if it gives one. */
  pricePerHour: z.number().positive().optional(),
});

export type JobCostPlanPart = z.output<typeof jobCostPlanPartSchema>;

export interface JobCostPlan {
  parts: JobCostPlanPart[];
  /** Seconds from the first endpoint to the end of the job, as far as the spec says. */
  jobSeconds?: number | undefined;
  /** What the plan assumes or could not tell, in words. */
  notes: string[];
  /** The job provisions no endpoint (it load-tests an existing one): it costs nothing of its own. */
  provisionsNothing?: boolean | undefined;
}

/** What a kind's plan may know beyond the spec: the model package's supported instance types. */
export interface JobCostPlanContext {
  supportedInstanceTypes?: readonly string[] | undefined;
}
