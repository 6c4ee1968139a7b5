import { jobInput, stepHandler } from "../src/handler.ts";
import { describeJobStep } from "../src/workflow/steps.ts";

export const handler = stepHandler("DescribeJob", jobInput, describeJobStep);
