/**
 * `irflow list --costs`: what the jobs themselves cost, from each job record's own estimate
 * (tuningCost), summed per model and per calendar month (UTC) of the job's end. A job that ended
 * without an estimate (its benchmarks could not be read, or of a kind that makes none) is counted
 * apart, never as zero dollars.
 */
import { formatDollars, roundDollars } from "../src/decision/format.ts";
import { inertLine } from "../src/text/inert.ts";
import type { JobRecord } from "../src/workflow/record.ts";
import { table } from "./format.ts";

export interface CostRow {
  modelKey: string;
  /** YYYY-MM, UTC, of the jobs' ends. */
  month: string;
  /** Jobs with an estimate, summed in `dollars`. */
  jobs: number;
  dollars: number;
  /** Benchmarks of those jobs left out of their estimates: no price or no window. */
  unpricedBenchmarks: number;
  /** Jobs that ended without an estimate. */
  withoutEstimate: number;
}

export interface CostTotals {
  rows: CostRow[];
  total: Omit<CostRow, "modelKey" | "month">;
  /** Jobs still running (no end yet), left out of every row. */
  running: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month an option names, or a clear error. */
export function parseMonth(text: string): string {
  if (!MONTH.test(text)) throw new Error(`--month must be YYYY-MM, got '${text}'`);
  return text;
}

/** When the job ended: SageMaker's time, else the workflow's, else when it was decided. */
export function jobEndOf(record: JobRecord): string | undefined {
  return (
    record.jobCompletedAt ??
    record.completedAt ??
    (record.outcome !== undefined ? record.updatedAt : undefined)
  );
}

export function costTotals(
  records: readonly JobRecord[],
  filter: { modelKey?: string | undefined; month?: string | undefined } = {},
): CostTotals {
  const rows = new Map<string, CostRow>();
  const total = { jobs: 0, dollars: 0, unpricedBenchmarks: 0, withoutEstimate: 0 };
  let running = 0;
  for (const record of records) {
    if (filter.modelKey !== undefined && record.modelKey !== filter.modelKey) continue;
    // A spec rejected, refused by the budget or timed out in the queue created no job to cost.
    if (!record.jobArn && !record.createRequestedAt) continue;
    const end = jobEndOf(record);
    if (end === undefined) {
      if (filter.month === undefined) running += 1;
      continue;
    }
    const month = new Date(end).toISOString().slice(0, 7);
    if (filter.month !== undefined && month !== filter.month) continue;
    const key = `${month}\n${record.modelKey}`;
    const row = rows.get(key) ?? {
      modelKey: record.modelKey,
      month,
      jobs: 0,
      dollars: 0,
      unpricedBenchmarks: 0,
      withoutEstimate: 0,
    };
    rows.set(key, row);
    const cost = record.tuningCost;
    for (const sum of [row, total]) {
      if (cost) {
        sum.jobs += 1;
        sum.dollars = roundDollars(sum.dollars + cost.dollars);
        sum.unpricedBenchmarks += cost.unpriced;
      } else sum.withoutEstimate += 1;
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || a.modelKey.localeCompare(b.modelKey),
  );
  return { rows: sorted, total, running };
}

export function costTable(totals: CostTotals): string {
  if (totals.rows.length === 0)
    return `no ended jobs${totals.running > 0 ? ` (${totals.running} running)` : ""}\n`;
  const cells = (row: Omit<CostRow, "modelKey" | "month">) => [
    String(row.jobs),
    formatDollars(row.dollars),
    String(row.unpricedBenchmarks),
    String(row.withoutEstimate),
  ];
  const lines = table(
    ["MONTH", "MODEL", "JOBS", "COST", "UNPRICED BENCHMARKS", "NO ESTIMATE"],
    [
      ...totals.rows.map((row) => [row.month, inertLine(row.modelKey), ...cells(row)]),
      ["total", "", ...cells(totals.total)],
    ],
  );
  const running =
    totals.running > 0
      ? `${totals.running} job${totals.running === 1 ? "" : "s"} still running, not counted\n`
      : "";
  return `${lines.join("\n")}\n${running}`;
}
