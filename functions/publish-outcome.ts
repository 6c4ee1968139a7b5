import { lambdaHandler } from "../src/handler.ts";
import { publishOutcomeStep } from "../src/workflow/steps/publish-outcome.ts";

export const handler = lambdaHandler(publishOutcomeStep);
