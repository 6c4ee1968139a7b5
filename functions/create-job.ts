import { lambdaHandler } from "../src/handler.ts";
import { createJobStep } from "../src/workflow/steps/create-job.ts";

export const handler = lambdaHandler(createJobStep);
