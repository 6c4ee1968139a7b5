/**
 * How the decision writes numbers for people: dollars, milliseconds, counts and percentages, in
 * US English, the same way everywhere (sentences, relaxations, reports). Pure and locale-fixed, so
 * a sentence never depends on the machine that wrote it.
 */

/** Formatters made on first use: making one costs milliseconds at every Lambda cold start. */
const formatters = new Map<number, Intl.NumberFormat>();
const grouped = (digits: number) => {
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", {
      maximumFractionDigits: digits,
      useGrouping: true,
    });
    formatters.set(digits, formatter);
  }
  return formatter;
};

const WHOLE = { format: (value: number) => grouped(0).format(value) };
const ONE_DECIMAL = { format: (value: number) => grouped(1).format(value) };
const TWO_DECIMALS = { format: (value: number) => grouped(2).format(value) };

/** A count with thousands separators: 12000 -> "12,000"; fractions keep up to two decimals. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? WHOLE.format(value) : TWO_DECIMALS.format(value);
}

/** Dollars: whole dollars from $100 up ("$447"), cents below ("$7.30"), "<$0.01" for dust. */
export function formatDollars(value: number): string {
  if (value >= 100) return `$${WHOLE.format(Math.round(value))}`;
  if (value > 0 && value < 0.01) return "<$0.01";
  return `$${value.toFixed(2)}`;
}

/** Milliseconds: whole from 10 ms ("13 ms"), one decimal from 1 ms, two significant digits below. */
export function formatMs(value: number): string {
  if (value >= 10) return `${WHOLE.format(Math.round(value))} ms`;
  if (value >= 1) return `${ONE_DECIMAL.format(value)} ms`;
  if (value === 0) return "0 ms";
  return `${Number(value.toPrecision(2))} ms`;
}

/** A fraction as a percentage: 0.2 -> "20%", 0.125 -> "12.5%". */
export function formatPercent(fraction: number): string {
  return `${ONE_DECIMAL.format(fraction * 100)}%`;
}

/** A policy value as written in a relaxation: numbers plain, lists in brackets. */
export function formatPolicyValue(value: unknown): string {
  if (value === undefined) return "(none)";
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  if (typeof value === "number") return String(value);
  return String(value);
}

/** What an entry deploys, for a sentence: "ml.c6g.xlarge x 3", "serverless 4096 MB (max concurrency 20)". */
export function entryLabel(entry: {
  recommendationId: string;
  endpointType: "RealTime" | "Serverless";
  instanceType?: string | undefined;
  instanceCount?: number | undefined;
  serverless?:
    | { memorySizeInMB?: number | undefined; maxConcurrency?: number | undefined }
    | undefined;
}): string {
  if (entry.endpointType === "Serverless") {
    const memory = entry.serverless?.memorySizeInMB;
    const concurrency = entry.serverless?.maxConcurrency;
    if (memory === undefined) return entry.recommendationId;
    return concurrency === undefined
      ? `serverless ${formatCount(memory)} MB`
      : `serverless ${formatCount(memory)} MB (max concurrency ${formatCount(concurrency)})`;
  }
  if (entry.instanceType === undefined) return entry.recommendationId;
  return entry.instanceCount === undefined
    ? entry.instanceType
    : `${entry.instanceType} x ${formatCount(entry.instanceCount)}`;
}
