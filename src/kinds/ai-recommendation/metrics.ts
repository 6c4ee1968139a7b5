/**
 * Reading an AI recommendation's ExpectedPerformance rows ({Metric, Stat, Value, Unit}, all
 * strings) into figures in milliseconds and per second. Names are compared case-insensitively,
 * ignoring `_`, `-` and spaces; a value that is not a number, or a unit this reader does not know,
 * leaves that figure unavailable with a note: a figure is never guessed.
 */

export const METRICS = [
  "ttft",
  "interTokenLatency",
  "requestLatency",
  "requestThroughput",
  "outputTokenThroughput",
] as const;
export type Metric = (typeof METRICS)[number];

export const STATS = ["avg", "p50", "p90", "p95", "p99", "min", "max"] as const;
export type Stat = (typeof STATS)[number];

const LATENCIES: ReadonlySet<Metric> = new Set(["ttft", "interTokenLatency", "requestLatency"]);

const METRIC_NAMES: Record<string, Metric> = {
  timetofirsttoken: "ttft",
  ttft: "ttft",
  intertokenlatency: "interTokenLatency",
  itl: "interTokenLatency",
  timeperoutputtoken: "interTokenLatency",
  tpot: "interTokenLatency",
  requestlatency: "requestLatency",
  e2e: "requestLatency",
  requestthroughput: "requestThroughput",
  outputtokenthroughput: "outputTokenThroughput",
};

const STAT_NAMES: Record<string, Stat> = {
  avg: "avg",
  average: "avg",
  mean: "avg",
  p50: "p50",
  median: "p50",
  p90: "p90",
  p95: "p95",
  p99: "p99",
  min: "min",
  max: "max",
};

/** Milliseconds per unit of a latency; no unit means milliseconds. */
const LATENCY_UNITS: Record<string, number> = {
  "": 1,
  ms: 1,
  milliseconds: 1,
  s: 1000,
  us: 0.001,
  µs: 0.001,
};

/**
 * Per-second factor of a throughput's unit, by metric. No unit is per second, as AIPerf reports
 * both throughputs.
 */
const THROUGHPUT_UNITS: Record<
  "requestThroughput" | "outputTokenThroughput",
  Record<string, number>
> = {
  requestThroughput: { "": 1, "requests/s": 1, "req/s": 1, "requests/min": 1 / 60 },
  outputTokenThroughput: { "": 1, "tokens/s": 1, "tok/s": 1 },
};

const normalized = (text: string) => text.toLowerCase().replace(/[_\-\s]/g, "");

export interface PerformanceRow {
  Metric?: string | undefined;
  Stat?: string | undefined;
  Value?: string | number | undefined;
  Unit?: string | undefined;
}

/** Every figure by metric and stat (latencies in ms, throughputs per second). */
export type Figures = Partial<Record<Metric, Partial<Record<Stat, number>>>>;

export interface ReadPerformance {
  figures: Figures;
  /** Rows kept as they came: metrics this reader does not use. */
  other: PerformanceRow[];
  /** What could not be read, and why. */
  notes: string[];
}

/** A decimal string or a number; anything else (NaN, "n/a", "") is no value. */
function numberOf(value: string | number | undefined): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || !/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

export function readPerformance(rows: readonly PerformanceRow[]): ReadPerformance {
  const read: ReadPerformance = { figures: {}, other: [], notes: [] };
  for (const row of rows) {
    const metric = METRIC_NAMES[normalized(row.Metric ?? "")];
    const stat = STAT_NAMES[normalized(row.Stat ?? "avg")];
    if (!metric || !stat) {
      read.other.push(row);
      continue;
    }
    const value = numberOf(row.Value);
    if (value === undefined) {
      read.notes.push(
        `${row.Metric} ${row.Stat ?? "avg"} has no numeric value (${String(row.Value)})`,
      );
      continue;
    }
    const unit = (row.Unit ?? "").trim().toLowerCase();
    const factor = LATENCIES.has(metric)
      ? LATENCY_UNITS[unit]
      : THROUGHPUT_UNITS[metric as keyof typeof THROUGHPUT_UNITS][unit];
    if (factor === undefined) {
      read.notes.push(
        `${row.Metric} ${row.Stat ?? "avg"} is in an unknown unit, ${JSON.stringify(row.Unit)}: not used`,
      );
      continue;
    }
    const byStat = read.figures[metric] ?? {};
    byStat[stat] = value * factor;
    read.figures[metric] = byStat;
  }
  return read;
}
