/** The input every execution of the state machine starts with. */
import * as z from "zod";
import { specIssueSchema, triggerSchema } from "./record.ts";

/** What an execution is started with: `{ spec, trigger?, precheckErrors? }`. */
export const executionInputSchema = z.object({
  spec: z.unknown(),
  trigger: triggerSchema.optional(),
  /** Problems a trigger found before the workflow (a model package without metadata). */
  precheckErrors: z.array(specIssueSchema).optional(),
});
export type ExecutionInput = z.input<typeof executionInputSchema>;
