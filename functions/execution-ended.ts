import { lambdaHandler } from "../src/handler.ts";
import { executionEnded } from "../src/workflow/execution-ended.ts";

/** Cleans up after an execution that failed, timed out or was aborted. */
export const handler = lambdaHandler(executionEnded);
