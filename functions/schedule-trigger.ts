import triggers from "../config/triggers.json" with { type: "json" };
import { scheduleTriggerHandler } from "../src/triggers/handler.ts";

/** Starts one execution per schedule target and window. */
export const handler = scheduleTriggerHandler(triggers);
