/**
 * What the workflow steps share: their settings, the input most of them take, and the way each is
 * declared as a function.
 */
import * as z from "zod";
import { type Config, workflowConfigSchema } from "../../config.ts";
import { defineFunction, type FunctionDefinition } from "../../handler.ts";
import type { Runtime } from "../../runtime.ts";

/** The input of the steps that act on a job the state machine already knows by name. */
export const jobInput = z.object({
  jobName: z.string().min(1),
  executionArn: z.string().optional(),
});
export type JobInput = z.output<typeof jobInput>;

export function workflowStep<Input, Output, Deps>(step: {
  name: string;
  input: z.ZodType<Input>;
  connect(runtime: Runtime, config: Config): Deps;
  run(input: Input, deps: Deps): Promise<Output>;
}): FunctionDefinition<Input, Output, Config, Deps> {
  return defineFunction({ ...step, kind: "step", settings: workflowConfigSchema });
}
