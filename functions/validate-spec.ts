import { lambdaHandler } from "../src/handler.ts";
import { validateSpecStep } from "../src/workflow/steps/validate-spec.ts";

export const handler = lambdaHandler(validateSpecStep);
