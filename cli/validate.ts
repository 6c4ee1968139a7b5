import { parseArgs } from "node:util";
import { formatDollars } from "../src/decision/format.ts";
import { HOSTING_PRICES, HOSTING_PRICES_SOURCE } from "../src/decision/hosting-prices.ts";
import {
  estimateJobCost,
  type JobCostEstimate,
  type StoredJobSpec,
} from "../src/decision/job-cost-estimate.ts";
import { DEFAULT_KIND } from "../src/kinds/kind.ts";
import { validateAnySpec } from "../src/kinds/validate.ts";
import { inertLine } from "../src/text/inert.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";
import { presenterOfKind } from "./kinds/index.ts";

export const validateUsage = `Usage: irflow validate <spec.json | -> [--json]

Checks a job spec against every documented rule of CreateInferenceRecommendationsJob and
irflow's own settings, before any job is created. A spec with "kind": "ai-recommendation" is
checked against CreateAIRecommendationJob's and CreateAIWorkloadConfig's rules and the workload
document's (events/specs/ai/).

A valid spec's cost estimate is printed too: what the endpoints the job will provision cost at
the us-east-1 on-demand list prices, from the spec alone (docs/decision.md, "What a job costs").

  --json   print one JSON object: { valid, kind, jobName, specHash, spec, costEstimate, errors,
           warnings }, with workloadName for an LLM job that creates its workload config

Exit status: 0 valid, 1 invalid, 2 unreadable input.`;

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${validateUsage}\n`);
    return EXIT.ok;
  }
  const [source, ...extra] = positionals;
  if (!source || extra.length > 0) {
    io.stderr(`${validateUsage}\n`);
    return EXIT.usage;
  }
  const input = await readJsonInput(source, io);
  const label = source === "-" ? "standard input" : source;
  const { kind, ...result } = validateAnySpec(input);
  // A spec's kind says what else it names (an LLM job's workload config).
  const facts = result.valid && kind ? presenterOfKind(kind).specFacts(result.spec) : [];

  if (values.json) {
    const body = result.valid
      ? {
          ...result,
          ...(kind ? { kind } : {}),
          ...Object.fromEntries(facts.map((fact) => [fact.key, fact.value])),
          costEstimate: specEstimate(result.spec),
          errors: [],
        }
      : { valid: false, errors: result.errors, warnings: result.warnings };
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return result.valid ? EXIT.ok : EXIT.invalid;
  }

  if (result.valid) {
    const kindNote = kind && kind !== DEFAULT_KIND ? ` (kind ${kind})` : "";
    io.stdout(
      [
        `valid: ${label}${kindNote}`,
        `job name: ${result.jobName}`,
        ...facts.map((fact) => `${fact.label}: ${fact.value}`),
        `spec hash: ${result.specHash}`,
        "",
      ].join("\n"),
    );
    io.stdout(formatIssues("warning", result.warnings));
    io.stdout(costLines(specEstimate(result.spec)));
    io.stdout(`normalized spec:\n${JSON.stringify(result.spec, null, 2)}\n`);
    return EXIT.ok;
  }
  const count = result.errors.length;
  io.stderr(`invalid: ${label} (${count} error${count === 1 ? "" : "s"})\n`);
  io.stderr(formatIssues("error", result.errors));
  io.stderr(formatIssues("warning", result.warnings));
  return EXIT.invalid;
}

/** The estimate from the spec alone: validate reads no history and calls no AWS API. */
function specEstimate(spec: StoredJobSpec): JobCostEstimate {
  return estimateJobCost({ spec, history: [], prices: HOSTING_PRICES });
}

/** `cost estimate: about $0.50 for 5 endpoints ...`, a line per endpoint, then the notes. */
export function costLines(estimate: JobCostEstimate): string {
  const count = estimate.parts.length;
  const endpoints = `${count} endpoint${count === 1 ? "" : "s"}`;
  const left =
    estimate.unpriced > 0 ? `, ${estimate.unpriced} without a price or duration left out` : "";
  const head =
    estimate.dollars !== undefined
      ? `cost estimate: about ${formatDollars(estimate.dollars)} for ${endpoints}${left} (${estimate.method})`
      : `cost estimate: unknown (${estimate.method})`;
  const parts = estimate.parts.map((part) => {
    const time = part.seconds !== undefined ? `${Math.round(part.seconds)} s` : "unknown time";
    const price = part.pricePerHour !== undefined ? ` at $${part.pricePerHour}/h` : ", no price";
    const dollars = part.dollars !== undefined ? `: ${formatDollars(part.dollars)}` : "";
    return `  ${inertLine(part.instanceType ?? "(no instance type)")} x ${part.instanceCount}, ${time}${price}${dollars}\n`;
  });
  const notes = (estimate.notes ?? []).map((note) => `  note: ${inertLine(note)}\n`);
  const source = count > 0 ? [`  prices: ${HOSTING_PRICES_SOURCE}\n`] : [];
  return [`${head}\n`, ...parts, ...notes, ...source].join("");
}

export function formatIssues(
  kind: "error" | "warning",
  issues: readonly { path: string; rule: string; message: string }[],
): string {
  return issues
    .map(
      (issue) =>
        `  ${kind} ${inertLine(issue.path)} [${issue.rule}]: ${inertLine(issue.message)}\n`,
    )
    .join("");
}
