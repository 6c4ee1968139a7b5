/**
 * Builds a Lambda handler from a workflow step: middy with the Powertools logger (structured JSON,
 * the job name and execution on every line), the step's input checked before it runs, and clients
 * and configuration created once per container.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { clients } from "./clients.ts";
import { config } from "./config.ts";
import type { StepContext } from "./workflow/steps.ts";

export const logger = new Logger({ serviceName: "irflow" });

/** The step's input did not come from the state machine as designed. */
export class InvalidStepInputError extends Error {
  override readonly name = "InvalidStepInputError";
}

const routing = z.object({ jobName: z.string().optional(), executionArn: z.string().optional() });

export function stepHandler<Input, Output>(
  stepName: string,
  inputSchema: z.ZodType<Input>,
  step: (input: Input, context: StepContext) => Promise<Output>,
) {
  // Read at cold start, so a misconfigured function fails before its first job.
  const settings = config();
  const aws = clients();
  return middy(async (event: unknown, _context: Context): Promise<Output> => {
    const keys = routing.safeParse(event);
    if (keys.success) logger.appendKeys({ step: stepName, ...keys.data });
    const parsed = inputSchema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidStepInputError(
        `${stepName} got unexpected input: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
      );
    }
    logger.info("step started");
    try {
      const output = await step(parsed.data, {
        clients: aws,
        config: settings,
        now: () => new Date(),
      });
      logger.info("step finished", { output: output as Record<string, unknown> });
      return output;
    } catch (error) {
      logger.warn("step failed", { error: error as Error });
      throw error;
    }
  }).use(injectLambdaContext(logger, { resetKeys: true }));
}

export const jobInput = z.object({
  jobName: z.string().min(1),
  executionArn: z.string().optional(),
});
