import { z } from "zod";
import { jobInput, stepHandler } from "../src/handler.ts";
import { stopJobStep } from "../src/workflow/steps.ts";

const input = jobInput.extend({
  reason: z.enum(["deadline", "error"]),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

export const handler = stepHandler("StopJob", input, stopJobStep);
