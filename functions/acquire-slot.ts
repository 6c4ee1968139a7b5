import { lambdaHandler } from "../src/handler.ts";
import { acquireSlotStep } from "../src/workflow/steps/acquire-slot.ts";

export const handler = lambdaHandler(acquireSlotStep);
