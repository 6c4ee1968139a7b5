import { outcomeJsonSchemas } from "./outcome.ts";
import { jobSpecJsonSchema } from "./spec/schema.ts";
import { OUTCOMES } from "./workflow/record.ts";

/** Every JSON Schema kept in the repository, by path, with the function that generates it. */
export const SCHEMA_FILES: Record<string, () => Record<string, unknown>> = {
  "events/schemas/spec.schema.json": () => ({
    $id: "urn:irflow:schema:spec:1",
    ...jobSpecJsonSchema(),
  }),
  ...Object.fromEntries(
    OUTCOMES.map((outcome) => [
      `events/schemas/outcome-${outcome}.schema.json`,
      () => outcomeJsonSchemas()[outcome],
    ]),
  ),
};
