import { lambdaHandler } from "../src/handler.ts";
import { stopJobStep } from "../src/workflow/steps/stop-job.ts";

export const handler = lambdaHandler(stopJobStep);
