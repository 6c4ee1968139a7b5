/**
 * Validation of a spec of any kind, all errors at once. Apart from the kinds' definitions so that
 * only what validates (ValidateSpec, the CLI, and the triggers, which check every group's and
 * target's spec at cold start) bundles every kind's validator and its parsers.
 */
import { validateSpec } from "../spec/validate.ts";
import { validateAiRecommendationSpec } from "./ai-recommendation/validate.ts";
import {
  DEFAULT_KIND,
  JOB_KINDS,
  type JobKindName,
  type KindValidation,
  kindNameOf,
} from "./kind.ts";

const VALIDATORS = {
  "inference-recommendation": validateSpec,
  "ai-recommendation": validateAiRecommendationSpec,
} satisfies Record<JobKindName, (input: unknown) => KindValidation<unknown>>;

/** A validation of any kind: a valid one's spec is typed as its kind's. */
type AnySpecValidation = ReturnType<(typeof VALIDATORS)[JobKindName]>;

/** Validates a spec of any kind; an unknown `kind` is one error naming the kinds there are. */
export function validateAnySpec(
  input: unknown,
): AnySpecValidation & { kind: JobKindName | undefined } {
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
  return { ...VALIDATORS[kind](input), kind };
}
