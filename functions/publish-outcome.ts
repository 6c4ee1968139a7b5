import { jobInput, stepHandler } from "../src/handler.ts";
import { publishStep } from "../src/workflow/steps.ts";

export const handler = stepHandler("PublishOutcome", jobInput, (input, context) =>
  publishStep(input, context),
);
