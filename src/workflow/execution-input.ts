/** The input every execution of the state machine starts with. */
import * as z from "zod";
import { executionBudgetSchema, specIssueSchema, triggerSchema } from "./record.ts";

/** What an execution is started with: `{ spec, trigger?, precheckErrors?, budget? }`. */
export const executionInputSchema = z.object({
  spec: z.unknown(),
  trigger: triggerSchema.optional(),
  /** Problems a trigger found before the workflow (a model package without metadata). */
  precheckErrors: z.array(specIssueSchema).optional(),
  /** The monthly tuning budget the job must fit in (src/budget/), or that it was allowed past. */
  budget: executionBudgetSchema.optional(),
});
export type ExecutionInput = z.input<typeof executionInputSchema>;
