/** The fault suite's figures, counted from a campaign and printed as one table. */
import {
  AI_ACCOUNT_JOB_LIMIT,
  AI_JOB_LIMIT,
  type Campaign,
  type ExecutionResult,
  JOB_LIMIT,
  SEED,
  type Source,
  TIME_SCALE,
} from "./campaign.ts";

/** Statuses of a job that still runs. */
export const RUNNING_JOB_STATUSES: ReadonlySet<string> = new Set(["PENDING", "IN_PROGRESS"]);

function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = key(item);
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function list(counts: Map<string, number>): string {
  return [...counts].map(([key, count]) => `${key} ${count}`).join(", ") || "none";
}

/** Copies of each job's event beyond the first: each should come from a lost PutEvents answer. */
export function extraCopies(
  campaign: Pick<Campaign, "executions" | "lostEventIds">,
): { execution: string; eventId: string; lost: boolean }[] {
  return campaign.executions.flatMap((execution) =>
    execution.events.slice(0, -1).map((event) => ({
      execution: execution.name,
      eventId: event.id,
      lost: campaign.lostEventIds.has(event.id),
    })),
  );
}

/** Whether the record says what its last event says: published, same outcome and ids. */
export function recordMatchesEvents(execution: ExecutionResult): boolean {
  const { record, events } = execution;
  const last = events.at(-1);
  return (
    record !== undefined &&
    last !== undefined &&
    record.phase === "published" &&
    events.every(
      (event) =>
        event.detail.outcome === record.outcome && event.detail.outcomeId === record.outcomeId,
    ) &&
    record.eventId === last.id
  );
}

const isLost = (execution: ExecutionResult) => execution.events.length === 0;
const isDoubled = (execution: ExecutionResult) =>
  new Set(execution.events.map((event) => `${event.detail.outcome}/${event.detail.outcomeId}`))
    .size > 1;
const isAi = (execution: ExecutionResult) => execution.expectation?.kind === "ai-recommendation";

/**
 * The campaign's verdict in one line: outcomes never published, executions that published two
 * different outcomes, and event copies beyond the first with how many a lost answer explains;
 * when ai-recommendation jobs ran, how many executions were theirs and their own lost and doubled.
 */
export function verdictLine(campaign: Pick<Campaign, "executions" | "lostEventIds">): string {
  const { executions } = campaign;
  const lost = executions.filter(isLost).length;
  const doubled = executions.filter(isDoubled).length;
  const ai = executions.filter(isAi);
  const ofWhich = ai.length === 0 ? "" : ` (of which ${ai.length} ai-recommendation)`;
  const aiVerdict =
    ai.length === 0
      ? ""
      : ` (ai-recommendation: ${ai.filter(isLost).length} lost, ${ai.filter(isDoubled).length} doubled)`;
  const extras = extraCopies(campaign);
  const fromLost = extras.filter((extra) => extra.lost).length;
  const explained =
    extras.length === 0
      ? ""
      : fromLost === extras.length
        ? " (all from lost PutEvents answers)"
        : ` (${fromLost} from lost PutEvents answers, ${extras.length - fromLost} unexplained)`;
  return `fault campaign: ${executions.length} executions${ofWhich}, ${lost} outcomes lost, ${doubled} doubled${aiVerdict}, ${extras.length} event copies${explained}`;
}

export function renderReport(campaign: Campaign): string {
  const { executions, stack } = campaign;
  const bySource = countBy(executions, (execution) => execution.expectation.source);
  const sourceCount = (source: Source) => bySource.get(source) ?? 0;
  const ended = executions.filter((execution) => execution.status !== "RUNNING");
  const failedBy = countBy(
    executions.filter((execution) => execution.status === "FAILED"),
    (execution) => execution.error ?? "no error",
  );
  const outcomes = countBy(executions, (execution) => execution.record?.outcome ?? "no record");
  const asExpected = executions.filter((execution) =>
    execution.expectation.outcomes.some((outcome) => outcome === execution.record?.outcome),
  ).length;

  const expectedJobs = new Set(
    executions
      .filter((execution) => execution.expectation.createsJob)
      .map((execution) => execution.expectation.jobName),
  );
  const irflowJobs = [...campaign.jobs.keys()].filter((name) => name !== campaign.outsideJob);
  const createdAsExpected = irflowJobs.filter((name) => expectedJobs.has(name)).length;
  const duplicateJobs = [...campaign.jobs.values()].filter((statuses) => statuses.length > 1);
  const stillRunning = [...campaign.jobs.values()].filter((statuses) =>
    statuses.some((status) => RUNNING_JOB_STATUSES.has(status)),
  );
  const fates = countBy(executions, (execution) => execution.expectation.fate);

  const oneOutcome = executions.filter(
    (execution) =>
      execution.events.length > 0 &&
      new Set(execution.events.map((event) => `${event.detail.outcome}/${event.detail.outcomeId}`))
        .size === 1,
  ).length;
  const copies = sum(executions.map((execution) => execution.events.length));
  const extras = extraCopies(campaign);
  const consistent = executions.filter(recordMatchesEvents).length;
  const returned = sum(executions.map((execution) => execution.statesEntered.ReturnToQueue ?? 0));
  const taskFailures = new Map<string, number>();
  for (const execution of executions) {
    for (const [error, count] of Object.entries(execution.lambdaFailures)) {
      taskFailures.set(error, (taskFailures.get(error) ?? 0) + count);
    }
  }
  const sagemaker = stack.faults.sagemaker.injected;
  const ai = executions.filter(isAi);
  const aiOutcomes = countBy(ai, (execution) => execution.record?.outcome ?? "no record");
  const aiReturned = sum(ai.map((execution) => execution.statesEntered.ReturnToQueue ?? 0));
  const eventbridge = stack.faults.eventbridge.injected;
  const dynamodb = stack.faults.dynamodb.injected;
  const lambda = stack.faults.lambda.injected;
  const duplicateStartsShared = campaign.duplicateStarts.filter(
    ([first, second]) => first.executionArn === second.executionArn,
  ).length;

  const rows: [string, string | number, string?][] = [
    ["Executions started", executions.length, list(bySource)],
    [
      "  started twice at once",
      campaign.duplicateStarts.length,
      `${duplicateStartsShared} answered with one execution`,
    ],
    [
      "  registry approvals",
      campaign.registry.approvals,
      `${campaign.registry.deliveries.delivered} deliveries (${campaign.registry.deliveries.failed} failed), ${sourceCount("registry")} executions`,
    ],
    ["Executions ended", ended.length, `failed: ${list(failedBy)}`],
    ["Outcomes by kind", executions.length, list(outcomes)],
    ["  ai-recommendation", ai.length, list(aiOutcomes)],
    ["  as the job's fate calls for", asExpected, `of ${executions.length}; fates ${list(fates)}`],
    [
      "Jobs created",
      irflowJobs.length,
      `${createdAsExpected} of ${expectedJobs.size} expected, +1 outside irflow; ${duplicateJobs.length} names twice`,
    ],
    ["  create answers lost", campaign.lostCreateResponses.length, "each job adopted once"],
    ["  left PENDING or IN_PROGRESS", stillRunning.length],
    ["Jobs with exactly one outcome", oneOutcome, `of ${executions.length}, one outcomeId each`],
    [
      "Outcome event copies",
      copies,
      `${copies - extras.length} first copies + ${extras.length} extra; ${extras.filter((extra) => extra.lost).length} extra from lost PutEvents answers; ${campaign.strayEvents.length} stray`,
    ],
    ["Records consistent with events", consistent, `of ${executions.length}`],
    ["Queue peak holders", campaign.queue.peakHolders, `limit ${JOB_LIMIT}`],
    [
      "  peak waiters",
      campaign.queue.peakWaiters,
      `${campaign.queue.samples} samples of the queue item`,
    ],
    [
      "  at the end",
      Object.keys(campaign.queue.end.holders).length +
        Object.keys(campaign.queue.end.waiters).length,
      "holders and waiters",
    ],
    [
      "  returned for the account's limit",
      returned,
      `ReturnToQueue; ${aiReturned} by ai-recommendation executions, ${campaign.aiRefusedCreates} AI creates refused (account limit ${AI_ACCOUNT_JOB_LIMIT}, irflow's ${AI_JOB_LIMIT})`,
    ],
    ["Clean-up deliveries failed", campaign.cleanUpFailures.length],
    ["Faults injected", "", ""],
    [
      "  SageMaker",
      sagemaker.throttled +
        sagemaker.serverErrors +
        sagemaker.lostCreateResponses +
        sagemaker.lostWorkloadConfigResponses,
      `throttled ${sagemaker.throttled}, 5xx ${sagemaker.serverErrors}, create answers lost ${sagemaker.lostCreateResponses} (+${sagemaker.lostWorkloadConfigResponses} workload configs); jobs failed ${fates.get("fail") ?? 0}, stuck ${fates.get("stuck") ?? 0}`,
    ],
    [
      "  EventBridge",
      eventbridge.failedEntries + eventbridge.throttledCalls + eventbridge.lostResponses,
      `entries refused ${eventbridge.failedEntries}, calls throttled ${eventbridge.throttledCalls}, answers lost ${eventbridge.lostResponses} (${eventbridge.eventsInLostResponses} events)`,
    ],
    [
      "  DynamoDB",
      dynamodb.throttled + dynamodb.serverErrors + dynamodb.lostResponses,
      `throttled ${dynamodb.throttled}, 5xx ${dynamodb.serverErrors}, write answers lost ${dynamodb.lostResponses}`,
    ],
    [
      "  Lambda",
      lambda.after + lambda.before,
      `Lambda.Unknown ${lambda["Lambda.Unknown"]}, Sandbox.Timedout ${lambda["Sandbox.Timedout"]}, States.Timeout ${lambda["States.Timeout"]}; after the handler ${lambda.after}, before ${lambda.before}`,
    ],
    ["Task failures in histories", sum(taskFailures.values()), list(taskFailures)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const figureWidth = Math.max(...rows.map(([, figure]) => String(figure).length));
  const lines = rows.map(([label, figure, detail]) =>
    `${label.padEnd(width)}  ${String(figure).padStart(figureWidth)}  ${detail ?? ""}`.trimEnd(),
  );
  return [
    `irflow fault suite: seed ${SEED}, job limit ${JOB_LIMIT}, time scale ${TIME_SCALE}x`,
    `wall time ${campaign.wallSeconds.toFixed(1)} s, simulated ${(campaign.simulatedSeconds / 3600).toFixed(1)} h`,
    "",
    ...lines,
  ].join("\n");
}
