import { lambdaHandler } from "../src/handler.ts";
import { describeJobStep } from "../src/workflow/steps/describe-job.ts";

export const handler = lambdaHandler(describeJobStep);
