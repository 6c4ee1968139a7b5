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
/** Dollars to a hundredth of a cent: what a cost is recorded, summed and compared at. */
export const roundDollars = (dollars: number) => Math.round(dollars * 1e4) / 1e4;

/** Dollars to the cent, always with cents ("$0.36", "$500.00"): for amounts a budget is set in. */
export const formatCents = (value: number) => `$${value.toFixed(2)}`;

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

/**
 * Dollars with enough digits to tell small per-hour and per-inference prices apart: "$0.204",
 * "$0.1632", "$2.94e-7" never "$0.00".
 */
export function formatPrice(value: number): string {
  if (value === 0) return "$0";
  if (value >= 0.01)
    return `$${value
      .toFixed(value >= 100 ? 2 : 4)
      .replace(/0+$/, "")
      .replace(/\.$/, "")}`;
  return `$${value.toPrecision(3)}`;
}

/**
 * A policy value as written in a relaxation: numbers plain (without the float noise of
 * 0.1 + 0.2), lists in brackets.
 */
export function formatPolicyValue(value: unknown): string {
  if (value === undefined) return "(none)";
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  if (typeof value === "number")
    return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : String(value);
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

/** The units a figure is compared with its limit in. */
export type FigureUnit = "ms" | "dollars" | "count" | "percent";

/** How each unit is written on its own; percent figures are percentages (12.5, not 0.125). */
const PLAIN: Record<FigureUnit, (value: number) => string> = {
  ms: formatMs,
  dollars: formatDollars,
  count: formatCount,
  percent: (value) => formatPercent(value / 100),
};

const UNIT_TEXT: Record<FigureUnit, (digits: string) => string> = {
  ms: (digits) => `${digits} ms`,
  dollars: (digits) => `$${digits}`,
  count: (digits) => digits,
  percent: (digits) => `${digits}%`,
};

/**
 * A figure and the limit it is held to, each written as its unit's formatter writes it, with as
 * many more decimals as it takes for unequal numbers to read unequal: "10.2 ms" against "10 ms",
 * never "10 ms" against "10 ms". The last resort, the shortest text that reads back as the number,
 * differs for any two numbers.
 */
export function formatAgainst(value: number, limit: number, unit: FigureUnit): [string, string] {
  const plain: [string, string] = [PLAIN[unit](value), PLAIN[unit](limit)];
  if (value === limit || plain[0] !== plain[1]) return plain;
  const text = UNIT_TEXT[unit];
  for (let digits = 1; digits <= 20; digits++) {
    const pair: [string, string] = [
      text(grouped(digits).format(value)),
      text(grouped(digits).format(limit)),
    ];
    if (pair[0] !== pair[1]) return pair;
  }
  return [text(String(value)), text(String(limit))];
}

/** "latency 10.2 ms is above 10 ms": the figure, the word, the limit, told apart. */
export function aboveLimit(value: number, limit: number, unit: FigureUnit): string {
  const [figure, bound] = formatAgainst(value, limit, unit);
  return `${figure} is above ${bound}`;
}

/** "$120/month is above $100/month", the dollars told apart. */
export function perAbove(value: number, limit: number, per: "month" | "hour"): string {
  const [figure, bound] = formatAgainst(value, limit, "dollars");
  return `${figure}/${per} is above ${bound}/${per}`;
}

/** "sustains 13,441 requests/min; the load with headroom is 14,400", the counts told apart. */
export function sustainsAgainst(capacity: number, required: number): string {
  const [sustained, load] = formatAgainst(capacity, required, "count");
  return `sustains ${sustained} requests/min; the load with headroom is ${load}`;
}
