import { aiSpecJsonSchema } from "./kinds/ai-recommendation/spec.ts";
import { DETAIL_KEYS, outcomeJsonSchemas } from "./outcome.ts";
import { jobSpecJsonSchema } from "./spec/schema.ts";

/**
 * The JSON Schema of a spec of either kind: the classic one, without `kind` (an Inference
 * Recommender job), or `"kind": "ai-recommendation"` (an AI recommendation job for an LLM). The
 * two never both match, as the classic spec has no `kind` field.
 */
export function specJsonSchema(): Record<string, unknown> {
  const { $schema, ...classic } = jobSpecJsonSchema();
  const { $schema: _, ...ai } = aiSpecJsonSchema();
  return {
    $id: "urn:irflow:schema:spec:1",
    $schema,
    title: "irflow spec",
    description:
      'A spec of either kind: without kind, an Inference Recommender job; with "kind": "ai-recommendation", an AI recommendation job for an LLM.',
    oneOf: [classic, ai],
  };
}

/** Every JSON Schema kept in the repository, by path, with the function that generates it. */
export const SCHEMA_FILES: Record<string, () => Record<string, unknown>> = {
  "events/schemas/spec.schema.json": specJsonSchema,
  ...Object.fromEntries(
    DETAIL_KEYS.map((key) => [
      `events/schemas/outcome-${key}.schema.json`,
      () => outcomeJsonSchemas()[key],
    ]),
  ),
};
