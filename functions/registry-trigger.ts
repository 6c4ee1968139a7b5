import triggers from "../config/triggers.json" with { type: "json" };
import { registryTriggerHandler } from "../src/triggers/handler.ts";

/** Starts one execution per approved model package version of a configured group. */
export const handler = registryTriggerHandler(triggers);
