import { jobInput, stepHandler } from "../src/handler.ts";
import { diagnoseStep } from "../src/workflow/steps.ts";

export const handler = stepHandler("DiagnoseFailure", jobInput, diagnoseStep);
