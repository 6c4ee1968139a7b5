import triggers from "../config/triggers.json" with { type: "json" };
import { lambdaHandler } from "../src/handler.ts";
import { scheduleTrigger } from "../src/triggers/handler.ts";

export const handler = lambdaHandler(scheduleTrigger(triggers));
