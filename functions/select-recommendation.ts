import { lambdaHandler } from "../src/handler.ts";
import { selectRecommendationStep } from "../src/workflow/steps/select-recommendation.ts";

export const handler = lambdaHandler(selectRecommendationStep);
