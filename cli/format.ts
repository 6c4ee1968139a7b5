/** Text formatting shared by the CLI commands: recommendations, tables, times. */
import type { Candidate } from "../src/selection.ts";

/** `ml.c7g.xlarge x1` or `serverless 2048 MB x5`. */
export function endpointText(candidate: Candidate): string {
  if (candidate.endpointType === "Serverless" && candidate.serverless) {
    return `serverless ${candidate.serverless.memorySizeInMB} MB, max concurrency ${candidate.serverless.maxConcurrency}`;
  }
  return `${candidate.instanceType ?? "unknown instance"} x${candidate.instanceCount}`;
}

/** One line: instance, count and the metrics selection uses. */
export function recommendationLine(candidate: Candidate): string {
  const metrics = candidate.metrics;
  const parts = [
    metrics.costPerHour === undefined ? undefined : `${usd(metrics.costPerHour)}/h`,
    metrics.costPerInference === undefined
      ? undefined
      : `${usd(metrics.costPerInference * 1e6)}/1M inferences`,
    metrics.maxInvocations === undefined ? undefined : `${metrics.maxInvocations} invocations/min`,
    metrics.modelLatencyMs === undefined ? undefined : `${metrics.modelLatencyMs} ms latency`,
  ].filter((part): part is string => part !== undefined);
  if (candidate.environment) parts.push(environmentText(candidate.environment));
  return `${endpointText(candidate)}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

/** Labeled lines describing a recommendation in full. */
export function recommendationDetails(candidate: Candidate, indent = "  "): string[] {
  const metrics = candidate.metrics;
  const rows: [string, string | undefined][] = [
    [
      "instance type",
      candidate.endpointType === "Serverless" ? "serverless" : candidate.instanceType,
    ],
    ["instance count", String(candidate.instanceCount)],
    [
      "serverless",
      candidate.serverless
        ? `${candidate.serverless.memorySizeInMB} MB, max concurrency ${candidate.serverless.maxConcurrency}`
        : undefined,
    ],
    ["cost per hour", metrics.costPerHour === undefined ? undefined : usd(metrics.costPerHour)],
    [
      "cost per inference",
      metrics.costPerInference === undefined
        ? undefined
        : `${usd(metrics.costPerInference)} (${usd(metrics.costPerInference * 1e6)} per million)`,
    ],
    [
      "max invocations",
      metrics.maxInvocations === undefined ? undefined : `${metrics.maxInvocations} per minute`,
    ],
    [
      "model latency",
      metrics.modelLatencyMs === undefined ? undefined : `${metrics.modelLatencyMs} ms`,
    ],
    ["environment", candidate.environment ? environmentText(candidate.environment) : undefined],
    ["recommendation", candidate.recommendationId],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${indent}${label.padEnd(19)}${value}`);
}

/** The recommendations as a table, one row each; their environment when any sets one. */
export function recommendationTable(candidates: readonly Candidate[], indent = "  "): string[] {
  const withEnvironment = candidates.some((candidate) => candidate.environment);
  return table(
    [
      "ENDPOINT",
      "COUNT",
      "$/HOUR",
      "$/1M INFERENCES",
      "INVOCATIONS/MIN",
      "LATENCY MS",
      ...(withEnvironment ? ["ENVIRONMENT"] : []),
    ],
    candidates.map((candidate) => [
      candidate.endpointType === "Serverless" && candidate.serverless
        ? `serverless ${candidate.serverless.memorySizeInMB} MB`
        : (candidate.instanceType ?? "?"),
      String(candidate.instanceCount),
      optional(candidate.metrics.costPerHour, usd),
      optional(candidate.metrics.costPerInference, (value) => usd(value * 1e6)),
      optional(candidate.metrics.maxInvocations, String),
      optional(candidate.metrics.modelLatencyMs, String),
      ...(withEnvironment ? [environmentText(candidate.environment)] : []),
    ]),
    indent,
  );
}

export function environmentText(environment: Record<string, string> | undefined): string {
  const entries = Object.entries(environment ?? {});
  return entries.length > 0 ? entries.map(([key, value]) => `${key}=${value}`).join(" ") : "-";
}

/** Left-aligned columns, separated by two spaces. */
export function table(header: string[], rows: string[][], indent = ""): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `${indent}${cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}

/** Dollars with enough digits to tell small per-inference costs apart. */
export function usd(value: number): string {
  if (value === 0) return "$0";
  if (value >= 0.01)
    return `$${value
      .toFixed(value >= 100 ? 2 : 4)
      .replace(/0+$/, "")
      .replace(/\.$/, "")}`;
  return `$${value.toPrecision(3)}`;
}

function optional(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? "-" : format(value);
}
