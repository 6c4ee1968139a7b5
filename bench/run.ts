/**
 * Benchmarks: figures, printed, never asserted. `npm run bench` runs every subcommand;
 * `npm run bench -- <subcommand> [options]` runs one:
 *
 * - core [--json]: spec validation throughput, selection speed.
 * - workflow [--json]: one job per job type on the local stack: transitions, invocations, cost.
 * - polling [--mix FILE | --preset NAME | --all-presets] [--seed S] [--jobs N] [--save-mix FILE]
 *   [--json]: irflow's poll schedule against fixed schedules and an oracle.
 * - ai-polling [--seed S] [--jobs N] [--json]: the poll schedule of AI recommendation jobs against
 *   fixed 30 s polling.
 * - scale [--jobs N] [--limit L] [--throttle R] [--time-scale S] [--json]: N executions at once
 *   against the account's job limit.
 * - coldstart [--profile NAME] [--baseline-sourcemap linked|inline] [--json]: per packaged Lambda
 *   function, zip size, AWS clients and import time, against the bundling deployed before.
 * - local [--runs N] [--json]: the demo's wall time and 100 executions at once on the local stack.
 * - own-cost [--jobs N] [--json]: irflow's own AWS cost per job (Step Functions, Lambda, DynamoDB,
 *   EventBridge, SageMaker calls) from the local stack's meters, beside fixed 60 s polling.
 * - cli-start [--runs N] [--baseline COMMIT] [--json]: `irflow --help` and `irflow validate` start
 *   time against a baseline commit (default bff3cd7, before the CLI was compiled).
 *
 * Method and figures: docs/performance.md.
 */
import { POLLING_USAGE } from "./polling/usage.ts";

type Subcommand = (argv: readonly string[]) => void | Promise<void>;

/** Loaded on demand, so that one subcommand runs even while another's imports are broken. */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  core: async () => (await import("./core.ts")).coreBench,
  workflow: async () => (await import("./workflow.ts")).workflowBench,
  polling: async () => (await import("./polling/command.ts")).pollingBench,
  "ai-polling": async () => (await import("./polling/ai.ts")).aiPollingBench,
  scale: async () => (await import("./scale.ts")).scaleBench,
  coldstart: async () => (await import("./coldstart.ts")).coldStartBench,
  local: async () => (await import("./local.ts")).localBench,
  "cli-start": async () => (await import("./cli-start.ts")).cliStartBench,
  "own-cost": async () => (await import("./own-cost/index.ts")).ownCostBench,
};

const USAGE = [
  "usage: npm run bench [-- <subcommand> [options]]",
  "  core [--json]",
  "  workflow [--json]",
  `  ${POLLING_USAGE.replace("npm run bench -- ", "")}`,
  "  ai-polling [--seed S] [--jobs N] [--json]",
  "  scale [--jobs N] [--limit L] [--throttle R] [--time-scale S] [--json]",
  "  coldstart [--profile NAME] [--baseline-sourcemap linked|inline] [--json]",
  "  local [--runs N] [--json]",
  "  cli-start [--runs N] [--baseline COMMIT] [--json]",
  "  own-cost [--jobs N] [--json]",
  "Without a subcommand, every one runs in turn but scale (local runs 100 executions at once).",
].join("\n");

async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    for (const [title, load] of Object.entries(SUBCOMMANDS)) {
      console.log(`\n== ${title}`);
      if (title === "scale") {
        // `local` runs 100 executions at once; 500 take some 25 minutes on two cores.
        console.log("not run by default: npm run bench -- scale (500 executions, limit 10)");
        continue;
      }
      await (await load())([]);
    }
    return;
  }
  if (name === "--help" || name === "-h") {
    console.log(USAGE);
    return;
  }
  const load = SUBCOMMANDS[name];
  if (!load) throw new Error(`unknown subcommand ${JSON.stringify(name)}\n${USAGE}`);
  await (await load())(rest);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
