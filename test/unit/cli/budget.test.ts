import { describe, expect, it } from "vitest";
import { judgeBudget } from "../../../cli/budget.ts";
import type { Target } from "../../../cli/target.ts";
import { queueEntryId } from "../../../src/queue/queue.ts";
import { validatedRecord } from "../../support/records.ts";

const NOW = new Date("2026-12-07T12:00:00Z");
const EXECUTION = "arn:aws:states:us-east-1:111122223333:execution:irflow:job-a";

/** A target whose month's spend is $10, of which `own` dollars are this execution's reservation. */
function target(own: number): Pick<Target, "store" | "spend"> {
  return {
    store: () => ({ listByModel: async () => ({ records: [] }) }) as never,
    spend: () =>
      ({
        read: async () => ({
          dollars: 10,
          reservations: { [queueEntryId(EXECUTION)]: own, other: 10 - own },
          settled: {},
        }),
      }) as never,
  };
}

describe("the tuning budget at irflow start", () => {
  it("judges a spec started again as its first start was, leaving its own reservation out", async () => {
    // Prepare: a Default job whose spec names no instance type estimates at $0.
    const job = { ...validatedRecord("job-a"), executionArn: EXECUTION };

    // Act
    const again = await judgeBudget(job, target(8), 5, NOW);
    const other = await judgeBudget(
      { ...job, executionArn: `${EXECUTION}-other` },
      target(8),
      5,
      NOW,
    );

    // Assess: $10 - $8 of its own leaves $2, within $5; another execution sees all $10.
    expect(again).toEqual({ kind: "within", budget: { dollars: 5 } });
    expect(other).toMatchObject({ kind: "over", spend: 10, month: "2026-12" });
  });
});
