import { parseArgs } from "node:util";
import { AI_RECOMMENDATION_KIND } from "../src/kinds/ai-recommendation/spec.ts";
import { validateAiSpec } from "../src/kinds/ai-recommendation/validate.ts";
import { validateSpec } from "../src/spec/validate.ts";
import { inertLine } from "../src/text/inert.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";

export const validateUsage = `Usage: irflow validate <spec.json | -> [--json]

Checks a job spec against every documented rule of CreateInferenceRecommendationsJob and
irflow's own settings, before any job is created. A spec with "kind": "ai-recommendation" is
checked against CreateAIRecommendationJob's and CreateAIWorkloadConfig's rules and the workload
document's (events/specs/ai/).

  --json   print one JSON object: { valid, jobName, specHash, spec, errors, warnings }

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
  if (isAiSpec(input)) return validateAi(input, label, values.json, io);
  const result = validateSpec(input);

  if (values.json) {
    const body = result.valid
      ? { ...result, errors: [] }
      : { valid: false, errors: result.errors, warnings: result.warnings };
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return result.valid ? EXIT.ok : EXIT.invalid;
  }

  if (result.valid) {
    io.stdout(`valid: ${label}\njob name: ${result.jobName}\nspec hash: ${result.specHash}\n`);
    io.stdout(formatIssues("warning", result.warnings));
    io.stdout(`normalized spec:\n${JSON.stringify(result.spec, null, 2)}\n`);
    return EXIT.ok;
  }
  const count = result.errors.length;
  io.stderr(`invalid: ${label} (${count} error${count === 1 ? "" : "s"})\n`);
  io.stderr(formatIssues("error", result.errors));
  io.stderr(formatIssues("warning", result.warnings));
  return EXIT.invalid;
}

const isAiSpec = (input: unknown) =>
  typeof input === "object" &&
  input !== null &&
  (input as { kind?: unknown }).kind === AI_RECOMMENDATION_KIND;

/** A spec of the kind ai-recommendation: its own rules, its job and workload names. */
function validateAi(input: unknown, label: string, json: boolean, io: CliIo): number {
  const result = validateAiSpec(input);
  if (json) {
    io.stdout(`${JSON.stringify(result.valid ? { ...result, errors: [] } : result, null, 2)}\n`);
  } else if (result.valid) {
    io.stdout(
      `valid: ${label} (kind ${AI_RECOMMENDATION_KIND})\njob name: ${result.jobName}\n${result.workloadName ? `workload config: ${result.workloadName}\n` : ""}spec hash: ${result.specHash}\n`,
    );
  } else {
    const count = result.errors.length;
    io.stderr(`invalid: ${label} (${count} error${count === 1 ? "" : "s"})\n`);
    io.stderr(formatIssues("error", result.errors));
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
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
