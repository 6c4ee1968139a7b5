import { lambdaHandler } from "../src/handler.ts";
import { diagnoseFailureStep } from "../src/workflow/steps/diagnose-failure.ts";

export const handler = lambdaHandler(diagnoseFailureStep);
