import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../../local/stack.ts";
import { SpendStore } from "../../../src/budget/spend.ts";
import { type JobsTable, openJobsTable } from "../../support/jobs-table.ts";

let table: JobsTable;
let spend: SpendStore;
let months = 0;
/** Each test its own month, so the tests share one table without sharing a spend. */
function freshMonth(): string {
  months += 1;
  return `2031-${String(months).padStart(2, "0")}`;
}

beforeAll(async () => {
  table = await openJobsTable();
  spend = new SpendStore(table.documents, LOCAL_TABLE);
});

afterAll(async () => {
  await table.close();
});

describe("the month's tuning spend", () => {
  it("reserves estimates while they fit the budget and refuses the one that would go over", async () => {
    // Prepare
    const month = freshMonth();
    await spend.reserve(month, "a", 40, 100);
    await spend.reserve(month, "b", 50, 100);

    // Act
    const over = await spend.reserve(month, "c", 20, 100);
    const fits = await spend.reserve(month, "d", 10, 100);

    // Assess
    expect(over).toEqual({ reserved: false, spend: 90 });
    expect(fits).toEqual({ reserved: true, dollars: 10 });
    expect(await spend.read(month)).toEqual({
      dollars: 100,
      reservations: { a: 40, b: 50, d: 10 },
      settled: {},
    });
  });

  it("counts a retried reservation once, keeping the first estimate", async () => {
    // Prepare
    const month = freshMonth();
    await spend.reserve(month, "a", 30, 100);

    // Act
    const again = await spend.reserve(month, "a", 35, 100);

    // Assess
    expect(again).toEqual({ reserved: true, dollars: 30 });
    expect((await spend.read(month)).dollars).toBe(30);
  });

  it("reserves without a limit when the execution has no budget to keep to", async () => {
    // Prepare
    const month = freshMonth();
    await spend.reserve(month, "a", 90, 100);

    // Act
    const unlimited = await spend.reserve(month, "b", 50, undefined);

    // Assess
    expect(unlimited).toEqual({ reserved: true, dollars: 50 });
    expect((await spend.read(month)).dollars).toBe(140);
  });

  it("replaces a reservation by the actual cost once, however often it is settled", async () => {
    // Prepare
    const month = freshMonth();
    await spend.reserve(month, "a", 30, 100);
    await spend.reserve(month, "b", 20, 100);

    // Act
    await spend.settle(month, "a", 30, 12.5);
    await spend.settle(month, "a", 30, 12.5);
    await spend.settle(month, "never-reserved", 0, 7);

    // Assess
    expect(await spend.read(month)).toEqual({
      dollars: 32.5,
      reservations: { a: 30, b: 20 },
      settled: { a: 12.5 },
    });
  });

  it("gives the month's budget notice to one execution, and to it again on a retry", async () => {
    // Prepare
    const month = freshMonth();
    const at = new Date("2031-01-02T00:00:00Z");

    // Act
    const first = await spend.claimNotice(month, "arn:first", at);
    const retried = await spend.claimNotice(month, "arn:first", at);
    const second = await spend.claimNotice(month, "arn:second", at);
    const nextMonth = await spend.claimNotice(freshMonth(), "arn:second", at);

    // Assess
    expect([first, retried, second, nextMonth]).toEqual([true, true, false, true]);
  });
});
