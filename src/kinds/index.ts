/**
 * Every job kind irflow runs, by name. The workflow, the record and the CLI reach a kind's rules
 * only through here, so a kind is added in its own folder and one line below.
 */
import { aiRecommendationKind } from "./ai-recommendation/definition.ts";
import { inferenceRecommendationKind } from "./inference-recommendation/definition.ts";
import {
  DEFAULT_KIND,
  JOB_KINDS,
  type JobKindName,
  type KindDefinition,
  type KindValidation,
  kindNameOf,
} from "./kind.ts";

// biome-ignore lint/suspicious/noExplicitAny: each kind's spec type is its own.
export const KINDS: Record<JobKindName, KindDefinition<any>> = {
  "inference-recommendation": inferenceRecommendationKind,
  "ai-recommendation": aiRecommendationKind,
};

/** The definition of the kind a stored spec (or a record without one) is of. */
export function kindOfSpec(spec: unknown): KindDefinition<unknown> {
  return KINDS[kindNameOf(spec) ?? DEFAULT_KIND];
}

/** Validates a spec of any kind; an unknown `kind` is one error naming the kinds there are. */
export function validateAnySpec(
  input: unknown,
): KindValidation<unknown> & { kind: JobKindName | undefined } {
  const kind = kindNameOf(input);
  if (!kind) {
    return {
      kind,
      valid: false,
      warnings: [],
      errors: [
        {
          path: "kind",
          rule: "enum",
          message: `must be one of ${JOB_KINDS.join(", ")} (absent means ${DEFAULT_KIND}); got ${JSON.stringify((input as { kind?: unknown }).kind)}`,
        },
      ],
    };
  }
  return { ...KINDS[kind].validate(input), kind };
}

export { DEFAULT_KIND, JOB_KINDS, type JobKindName, kindNameOf };
