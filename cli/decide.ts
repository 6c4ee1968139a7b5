import { parseArgs } from "node:util";
import { readDescribeInput } from "./describe-input.ts";
import { type CliIo, EXIT } from "./io.ts";
import { presenterOfResponse } from "./kinds/index.ts";

export const decideUsage = `Usage: irflow decide <describe.json | -> [--policy policy.json] [--prices prices.json] [--json]

Decides on a saved DescribeInferenceRecommendationsJob response (as the AWS CLI prints it, or as
the SDK returns it): which configuration to deploy under the policy, on how many instances, at
what monthly cost, and why not the others. No AWS call is made. A DescribeAIRecommendationJob
response (an LLM job, recognized by its shape) is decided under an LLM policy: token latencies at
one statistic, a load in requests or output tokens per second, prices per instance-hour
(docs/decision.md, "LLM jobs").

  --policy FILE   the decision policy (the spec's irflow.policy); default: every default
  --prices FILE   LLM jobs only: prices per instance-hour read from the AWS Price List, as
                  {"ml.g5.12xlarge": 7.09}; recorded as price-list, and policy.prices win
  --json          print one JSON object: the decision (outcome, selected, ranked, rejected,
                  frontier, relaxations, totals, ...), its sentence and the comparison; with a
                  traffic profile, autoscaling: the proposal and its Application Auto Scaling calls

Exit status: 0 a decision (selected, unsatisfiable, measured or failed), 1 an invalid policy or
response (every problem named), 2 unreadable input.`;

export async function decideCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      policy: { type: "string" },
      prices: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${decideUsage}\n`);
    return EXIT.ok;
  }
  const [source, ...extra] = positionals;
  if (!source || extra.length > 0) {
    io.stderr(`${decideUsage}\n`);
    return EXIT.usage;
  }
  const response = await readDescribeInput(source, io);
  // The response's shape says its kind: a DescribeAIRecommendationJob answer is an LLM job's.
  return presenterOfResponse(response).decide(response, values, io);
}
