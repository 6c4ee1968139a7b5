/** A classic job's decision as the workflow records it: in `decision`, cut to the record's room. */
import { capDecision, type Decision, decisionSentence } from "../../decision/index.ts";
import type { SelectionResult } from "../../workflow/lifecycle.ts";

export function classicSelection(
  decision: Decision,
  extras: Omit<SelectionResult, "outcome" | "failureReason" | "recorded"> = {},
): SelectionResult {
  return {
    ...extras,
    outcome: decision.outcome,
    ...(decision.outcome === "failed" ? { failureReason: decisionSentence(decision) } : {}),
    recorded: (limits) => ({ decision: capDecision(decision, limits) }),
  };
}
