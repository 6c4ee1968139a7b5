/**
 * The tuning budget at `irflow start`: the configuration's monthly budget (config/triggers.json's
 * tuningBudget) against the month's spend and this job's estimate. Over it, the start is refused
 * unless --over-budget is given; the execution input then says so and the workflow lets it run.
 */

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import * as z from "zod";
import { estimateFor, monthOf, overBudgetBy } from "../src/budget/admission.ts";
import { formatCents, roundDollars } from "../src/decision/format.ts";
import { queueEntryId } from "../src/queue/queue.ts";
import { tuningBudgetSchema } from "../src/triggers/config.ts";
import type { ExecutionBudget, JobRecord } from "../src/workflow/record.ts";
import { CliError, type CliIo, EXIT } from "./io.ts";
import type { Target } from "./target.ts";

/** Where the budget is read from: IRFLOW_TRIGGER_CONFIG, else config/triggers.json here. */
export const TRIGGER_CONFIG_FILE = "config/triggers.json";

/** The configuration's monthly budget, or undefined when the file or the field is absent. */
export async function configuredBudget(io: CliIo): Promise<number | undefined> {
  const env = io.env ?? process.env;
  const path = resolve(io.cwd, env.IRFLOW_TRIGGER_CONFIG || TRIGGER_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const raw = (JSON.parse(text) as { tuningBudget?: unknown }).tuningBudget;
  if (raw === undefined) return undefined;
  const parsed = tuningBudgetSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(
      `${path}: tuningBudget ${z.prettifyError(parsed.error).replace(/^✖ /, "")}`,
      EXIT.invalid,
    );
  }
  return parsed.data;
}

export type BudgetVerdict =
  | { kind: "none" }
  | { kind: "within"; budget: ExecutionBudget }
  /** The target names no jobs table: the workflow alone checks the budget. */
  | { kind: "unchecked"; budget: ExecutionBudget }
  | {
      kind: "over";
      budget: ExecutionBudget;
      month: string;
      spend: number;
      estimate: number;
    };

/**
 * Whether the job fits the month's budget, with the budget its execution input carries. The
 * spend leaves out what `executionArn` itself reserved, so starting a running spec again is
 * judged as its first start was.
 */
export async function judgeBudget(
  job: Pick<JobRecord, "spec" | "modelKey" | "kind" | "jobType" | "executionArn">,
  target: Pick<Target, "store" | "spend">,
  budget: number | undefined,
  now: Date,
): Promise<BudgetVerdict> {
  if (budget === undefined) return { kind: "none" };
  const month = monthOf(now);
  let stores: { store: ReturnType<Target["store"]>; spend: ReturnType<Target["spend"]> };
  try {
    stores = { store: target.store(), spend: target.spend() };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { kind: "unchecked", budget: { dollars: budget } };
  }
  const estimate = await estimateFor(job, stores.store);
  const read = await stores.spend.read(month);
  const own = read.reservations[queueEntryId(job.executionArn)] ?? 0;
  const spend = roundDollars(read.dollars - own);
  return overBudgetBy(spend, estimate.dollars, budget)
    ? { kind: "over", budget: { dollars: budget }, month, spend, estimate: estimate.dollars }
    : { kind: "within", budget: { dollars: budget } };
}

/** The warning an over-budget start prints. */
export function overBudgetWarning(verdict: Extract<BudgetVerdict, { kind: "over" }>): string {
  return `over budget: ${verdict.month}'s tuning spend of ${formatCents(verdict.spend)} with this job's estimate of ${formatCents(verdict.estimate)} would go over the budget of ${formatCents(verdict.budget.dollars)}`;
}
