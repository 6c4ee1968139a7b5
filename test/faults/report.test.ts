import { describe, expect, it } from "vitest";
import type { ExecutionResult } from "./campaign.ts";
import { verdictLine } from "./report.ts";

/** An execution whose job's outcome events carry these outcome ids, with these event ids. */
function execution(
  name: string,
  events: [eventId: string, outcomeId: string][],
  kind?: "ai-recommendation",
): ExecutionResult {
  return {
    name,
    expectation: kind ? { kind } : {},
    events: events.map(([id, outcomeId]) => ({ id, detail: { outcome: "selected", outcomeId } })),
  } as unknown as ExecutionResult;
}

describe("the fault campaign's verdict line", () => {
  it("counts lost outcomes and extra copies, and says when lost answers explain every copy", () => {
    // Prepare
    const executions = [
      execution("once", [["e1", "o1"]]),
      execution("copied", [
        ["e2", "o2"],
        ["e3", "o2"],
      ]),
      execution("silent", []),
    ];

    // Act
    const line = verdictLine({ executions, lostEventIds: new Set(["e2"]) });

    // Assess
    expect(line).toBe(
      "fault campaign: 3 executions, 1 outcomes lost, 0 doubled, 1 event copies (all from lost PutEvents answers)",
    );
  });

  it("counts an execution that published two outcomes as doubled and a copy no lost answer explains", () => {
    // Prepare
    const executions = [
      execution("twice", [
        ["e1", "o1"],
        ["e2", "o2"],
      ]),
    ];

    // Act
    const line = verdictLine({ executions, lostEventIds: new Set() });

    // Assess
    expect(line).toBe(
      "fault campaign: 1 executions, 0 outcomes lost, 1 doubled, 1 event copies (0 from lost PutEvents answers, 1 unexplained)",
    );
  });

  it("says how many executions ran ai-recommendation jobs, and their own lost and doubled", () => {
    // Prepare
    const executions = [
      execution("classic", [["e1", "o1"]]),
      execution("llm", [["e2", "o2"]], "ai-recommendation"),
      execution("llm-silent", [], "ai-recommendation"),
    ];

    // Act
    const line = verdictLine({ executions, lostEventIds: new Set() });

    // Assess
    expect(line).toBe(
      "fault campaign: 3 executions (of which 2 ai-recommendation), 1 outcomes lost, 0 doubled (ai-recommendation: 1 lost, 0 doubled), 0 event copies",
    );
  });
});
