/** An LLM job's decision as the workflow records it: in `llmDecision`, its lists cut. */
import type { SelectionResult } from "../../workflow/lifecycle.ts";
import { capLlmDecision, type LlmDecision } from "./decide.ts";

/** Entries of each list an LLM decision keeps in the record (some 1 KB each). */
const LLM_RECORD_ITEMS = 100;

export function llmSelection(decision: LlmDecision): SelectionResult {
  return {
    outcome: decision.outcome,
    ...(decision.outcome === "failed"
      ? { failureReason: decision.notes[0] ?? `the job ended ${decision.job.status}` }
      : {}),
    recorded: (limits) => ({
      llmDecision: capLlmDecision(decision, Math.min(LLM_RECORD_ITEMS, limits.maxItems)),
    }),
  };
}
