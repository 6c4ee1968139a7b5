import { parseArgs } from "node:util";
import type { SpecIssue } from "../src/spec/rules.ts";
import { validateSpec } from "../src/spec/validate.ts";
import { inertLine } from "../src/text/inert.ts";
import { type CliIo, EXIT, readJsonInput } from "./io.ts";

export const validateUsage = `Usage: irflow validate <spec.json | -> [--json]

Checks a job spec against every documented rule of CreateInferenceRecommendationsJob and
irflow's own settings, before any job is created.

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
  const result = validateSpec(await readJsonInput(source, io));

  if (values.json) {
    const body = result.valid
      ? { ...result, errors: [] }
      : { valid: false, errors: result.errors, warnings: result.warnings };
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return result.valid ? EXIT.ok : EXIT.invalid;
  }

  const label = source === "-" ? "standard input" : source;
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

export function formatIssues(kind: "error" | "warning", issues: SpecIssue[]): string {
  return issues
    .map(
      (issue) =>
        `  ${kind} ${inertLine(issue.path)} [${issue.rule}]: ${inertLine(issue.message)}\n`,
    )
    .join("");
}
