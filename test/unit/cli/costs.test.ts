import { describe, expect, it } from "vitest";
import { costTable, costTotals, parseMonth } from "../../../cli/costs.ts";
import { main } from "../../../cli/main.ts";
import type { TuningCost } from "../../../src/decision/tuning-cost.ts";
import type { JobRecord } from "../../../src/workflow/record.ts";
import { runningRecord } from "../../support/records.ts";

const cost = (dollars: number, unpriced = 0): TuningCost => ({
  dollars,
  method: "benchmark-windows",
  provisioningSeconds: 420,
  parts: [],
  unpriced,
  benchmarks: 2,
});

const ended = (
  jobName: string,
  modelKey: string,
  jobCompletedAt: string,
  tuningCost?: TuningCost,
): JobRecord => ({
  ...runningRecord(jobName),
  modelKey,
  status: "COMPLETED",
  jobCompletedAt,
  ...(tuningCost ? { tuningCost } : {}),
});

const records = [
  ended("a1", "model/a", "2026-10-31T23:59:00Z", cost(1.5)),
  ended("a2", "model/a", "2026-11-01T00:01:00Z", cost(2.25, 1)),
  ended("a3", "model/a", "2026-11-20T10:00:00Z", cost(0.25)),
  ended("b1", "model/b", "2026-11-02T10:00:00Z"),
  ended("b2", "model/b", "2026-11-03T10:00:00Z", cost(4)),
  runningRecord("c1"),
];

describe("irflow list --costs", () => {
  it("sums each model's jobs per UTC month of their end, counts jobs without an estimate apart, and totals them", () => {
    // Act
    const totals = costTotals(records);

    // Assess
    expect(totals.rows).toEqual([
      {
        month: "2026-10",
        modelKey: "model/a",
        jobs: 1,
        dollars: 1.5,
        unpricedBenchmarks: 0,
        withoutEstimate: 0,
      },
      {
        month: "2026-11",
        modelKey: "model/a",
        jobs: 2,
        dollars: 2.5,
        unpricedBenchmarks: 1,
        withoutEstimate: 0,
      },
      {
        month: "2026-11",
        modelKey: "model/b",
        jobs: 1,
        dollars: 4,
        unpricedBenchmarks: 0,
        withoutEstimate: 1,
      },
    ]);
    expect(totals.total).toEqual({
      jobs: 4,
      dollars: 8,
      unpricedBenchmarks: 1,
      withoutEstimate: 1,
    });
    expect(totals.running).toBe(1);
  });

  it("leaves out the records of executions that created no job", () => {
    // Prepare: a spec rejected, and a job the budget refused, both decided with no job.
    const { jobArn: _arn, createRequestedAt: _asked, ...validated } = runningRecord("r1");
    const noJobs: JobRecord[] = [
      { ...validated, modelKey: "model/a", outcome: "rejected", status: "REJECTED" },
      { ...validated, jobName: "o1", modelKey: "model/a", outcome: "over-budget" },
    ];

    // Act
    const totals = costTotals([...records, ...noJobs]);

    // Assess
    expect(totals).toEqual(costTotals(records));
  });

  it("keeps only the model and the month asked for", () => {
    // Act
    const totals = costTotals(records, { modelKey: "model/a", month: "2026-11" });

    // Assess
    expect(totals.rows.map((row) => [row.month, row.modelKey, row.dollars])).toEqual([
      ["2026-11", "model/a", 2.5],
    ]);
    expect(totals.total.dollars).toBe(2.5);
  });

  it("prints a row per model and month and the total", () => {
    // Act
    const text = costTable(costTotals(records));

    // Assess
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^MONTH\s+MODEL\s+JOBS\s+COST\s+UNPRICED BENCHMARKS\s+NO ESTIMATE$/);
    expect(lines[2]).toMatch(/^2026-11\s+model\/a\s+2\s+\$2\.50\s+1\s+0$/);
    expect(lines[4]).toMatch(/^total\s+4\s+\$8\.00\s+1\s+1$/);
    expect(lines[5]).toBe("1 job still running, not counted");
  });

  it("refuses a month not of the form YYYY-MM, and --month without --costs, before any AWS call", async () => {
    // Prepare
    const err: string[] = [];
    const io = {
      stdout: () => {},
      stderr: (text: string) => err.push(text),
      readStdin: async () => "",
      cwd: process.cwd(),
    };

    // Act
    const badMonth = await main(["list", "--costs", "--month", "2026-13"], io);
    const alone = await main(["list", "--month", "2026-11"], io);

    // Assess
    expect(parseMonth("2026-11")).toBe("2026-11");
    expect(badMonth).toBe(64);
    expect(alone).toBe(64);
    expect(err).toEqual([
      "irflow list: --month must be YYYY-MM, got '2026-13'\n",
      "irflow list: --month goes with --costs\n",
    ]);
  });
});
