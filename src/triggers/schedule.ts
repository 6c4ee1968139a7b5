/**
 * The re-tuning schedule: each tick starts one execution per configured target for the tick's
 * window (a UTC day or an ISO week). The window is the spec's run key, so each window runs a job
 * of its own, and is part of the execution name, so a repeated tick in the same window starts
 * nothing new.
 */
import { ListModelPackagesCommand } from "@aws-sdk/client-sagemaker";
import * as z from "zod";
import { classifyAwsError, ScheduleTargetError } from "../errors.ts";
import { scheduleExecutionName, withRunKey } from "../execution/names.ts";
import {
  groupForTarget,
  type ScheduleTarget,
  type ScheduleWindow,
  specForTarget,
} from "./config.ts";
import { budgetInput, executionInput, groupOf, specForPackage } from "./registry.ts";
import { type ExecutionInput, startWorkflow, type TriggerDeps } from "./start.ts";

/** The fields of EventBridge's scheduled event that the trigger reads. */
export const scheduledEventSchema = z.object({
  "detail-type": z.literal("Scheduled Event").optional(),
  time: z.iso.datetime({ offset: true }),
});

export type ScheduledEvent = z.output<typeof scheduledEventSchema>;

export interface ScheduleTargetResult {
  target: string;
  kind: ScheduleTarget["kind"];
  /**
   * accepted: the window's execution runs (started now, or a repeated tick while it runs);
   * already-started: it exists with this input; conflict: it exists with another input, such as a
   * group's newer version approved within the window. See src/execution/start.ts.
   */
  status: "accepted" | "already-started" | "conflict" | "skipped" | "failed";
  executionName?: string;
  executionArn?: string;
  /** The existing execution's status, for already-started and conflict. */
  executionStatus?: string;
  /** The package version a group target ran. */
  packageArn?: string;
  /** Why a target was skipped or failed. */
  reason?: string;
}

export interface ScheduleTickResult {
  window: string;
  targets: ScheduleTargetResult[];
}

/**
 * Starts the window's executions. A target that fails does not stop the others; the tick then
 * throws ScheduleTargetError (with the summary) so the failure is seen and a retried tick, which
 * starts nothing twice, finishes the job.
 */
export async function onScheduleTick(
  event: ScheduledEvent,
  deps: TriggerDeps,
): Promise<ScheduleTickResult> {
  const window = windowKey(new Date(event.time), deps.config.schedule.window);
  const targets: ScheduleTargetResult[] = [];
  for (const target of deps.config.schedule.targets) {
    targets.push(await runTarget(target, window, deps));
  }
  const result = { window, targets };
  const failed = targets.filter((target) => target.status === "failed");
  if (failed.length > 0) {
    throw new ScheduleTargetError(
      `${failed.length} of ${targets.length} schedule targets for ${window} did not start: ${failed.map((target) => `${target.target}: ${target.reason}`).join("; ")}`,
      result,
    );
  }
  return result;
}

async function runTarget(
  target: ScheduleTarget,
  window: string,
  deps: TriggerDeps,
): Promise<ScheduleTargetResult> {
  const summary = { target: target.label, kind: target.kind };
  const executionName = scheduleExecutionName(target.label, window);
  const trigger = { type: "schedule", detail: window } as const;
  // A target's own budget replaces the configuration's for the jobs it starts.
  const tuningBudget = target.tuningBudget ?? deps.config.tuningBudget;
  try {
    let input: ExecutionInput;
    let packageArn: string | undefined;
    if (target.kind === "group") {
      packageArn = await latestApproved(target.group, deps);
      const group = groupOf(deps, target.group);
      if (!packageArn || !group) {
        return { ...summary, status: "skipped", reason: `${target.group} has no approved version` };
      }
      const built = await specForPackage(packageArn, groupForTarget(group, target.policy), deps);
      input = executionInput(
        { ...built, spec: withRunKey(built.spec, window) },
        trigger,
        tuningBudget,
      );
    } else {
      const spec = specForTarget(target.spec, target.policy);
      input = {
        spec: withRole(withRunKey(spec, window), deps.config.roleArn),
        trigger,
        ...budgetInput(tuningBudget),
      };
    }
    const start = await startWorkflow(deps, executionName, input);
    return {
      ...summary,
      status: start.outcome,
      ...(packageArn ? { packageArn } : {}),
      executionName,
      executionArn: start.executionArn,
      ...(start.outcome === "accepted" ? {} : { executionStatus: start.status }),
    };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...summary, status: "failed", executionName, reason };
  }
}

/** The group's newest approved version, or undefined when it has none. */
async function latestApproved(group: string, deps: TriggerDeps): Promise<string | undefined> {
  try {
    const listed = await deps.sagemaker.send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: "Approved",
        SortBy: "CreationTime",
        SortOrder: "Descending",
        MaxResults: 1,
      }),
    );
    return listed.ModelPackageSummaryList?.[0]?.ModelPackageArn;
  } catch (error) {
    throw classifyAwsError(error, `list the approved versions of ${group}`);
  }
}

/**
 * Every triggered job runs with the deploy's SageMaker role, the only one the workflow may pass,
 * whatever RoleArn an explicit spec names.
 */
function withRole<T extends object>(spec: T, roleArn: string): T {
  const job = (spec as { job?: unknown }).job;
  return {
    ...spec,
    job: { ...(typeof job === "object" && job !== null ? job : {}), RoleArn: roleArn },
  };
}

/** The window a time falls in: its UTC date (`2026-11-23`) or its ISO week (`2026-W48`). */
export function windowKey(time: Date, window: ScheduleWindow): string {
  if (Number.isNaN(time.getTime())) throw new RangeError("the tick has no valid time");
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  if (window === "daily") return day.toISOString().slice(0, 10);
  // ISO 8601: a week belongs to the year of its Thursday, and week 1 holds the year's first one.
  const thursday = new Date(day);
  thursday.setUTCDate(day.getUTCDate() + 3 - ((day.getUTCDay() + 6) % 7));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
