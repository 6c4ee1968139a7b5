import triggers from "../config/triggers.json" with { type: "json" };
import { lambdaHandler } from "../src/handler.ts";
import { registryTrigger } from "../src/triggers/handler.ts";

export const handler = lambdaHandler(registryTrigger(triggers));
