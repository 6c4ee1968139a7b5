import { z } from "zod";
import { stepHandler } from "../src/handler.ts";
import { validateStep } from "../src/workflow/steps.ts";

/**
 * The execution input is `{ spec, trigger?, precheckErrors? }`; a missing spec is reported as a
 * rejected spec.
 */
const input = z.object({
  request: z.object({
    spec: z.unknown(),
    trigger: z
      .object({
        type: z.enum(["manual", "model-registry", "schedule"]),
        detail: z.string().optional(),
      })
      .optional(),
    /** Problems a trigger found before the workflow; the spec is rejected with them. */
    precheckErrors: z
      .array(z.object({ path: z.string(), rule: z.string(), message: z.string() }))
      .optional(),
  }),
  executionArn: z.string().min(1),
  executionName: z.string().min(1),
});

export const handler = stepHandler(
  "ValidateSpec",
  input,
  ({ request, executionArn, executionName }, context) =>
    validateStep(
      {
        spec: request.spec,
        executionArn,
        executionName,
        ...(request.trigger ? { trigger: request.trigger } : {}),
        ...(request.precheckErrors ? { precheckErrors: request.precheckErrors } : {}),
      },
      context,
    ),
);
