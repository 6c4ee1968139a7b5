import { jobInput, stepHandler } from "../src/handler.ts";
import { createJobStep } from "../src/workflow/steps.ts";

export const handler = stepHandler("CreateJob", jobInput, createJobStep);
