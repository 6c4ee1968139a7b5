import { jobInput, stepHandler } from "../src/handler.ts";
import { selectStep } from "../src/workflow/steps.ts";

export const handler = stepHandler("SelectRecommendation", jobInput, selectStep);
