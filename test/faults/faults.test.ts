/**
 * The fault-injection suite: more than 100 executions on the local stack with every fault it
 * injects mixed in (SageMaker throttling, 5xx, lost create answers, failed and stuck jobs and the
 * account's job limit; EventBridge refused entries, throttling and lost answers; DynamoDB
 * throttling, 5xx and lost write answers; Lambda functions dying after their work), registry
 * approvals delivered more than once and executions started twice at once; a share of the
 * executions run ai-recommendation jobs, which meet the same SageMaker faults and their own limit
 * on jobs in flight. Each test checks one
 * guarantee of docs/reliability.md over the whole campaign; the figures are printed as a table.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_TABLE } from "../../local/stack.ts";
import { rejected } from "../../src/workflow/lifecycle.ts";
import type { Outcome } from "../../src/workflow/record.ts";
import { outcomeEvents, stackClients } from "../support/stack.ts";
import {
  AI_ACCOUNT_JOB_LIMIT,
  AI_JOB_LIMIT,
  AI_RUNS,
  CAMPAIGN_BUDGET_MS,
  type Campaign,
  COMPLETED,
  JOB_LIMIT,
  runCampaign,
} from "./campaign.ts";
import { EXECUTION_PREFIX, publishAsRetried, publisherDeps } from "./publishers.ts";
import {
  extraCopies,
  RUNNING_JOB_STATUSES,
  recordMatchesEvents,
  renderReport,
  verdictLine,
} from "./report.ts";

/**
 * The Fail state each outcome routes to; the completed outcomes, and a job the budget refused,
 * end in a Succeed state.
 */
const FAIL_STATE: Partial<Record<Outcome, string>> = {
  failed: "JobFailed",
  "timed-out": "JobTimedOut",
  rejected: "SpecRejected",
  "queue-timed-out": "QueueTimedOut",
};

let campaign: Campaign;

// biome-ignore lint/correctness/noEmptyPattern: vitest reads a hook's context from an object pattern; the hook needs only its file.
beforeAll(async ({}, file) => {
  campaign = await runCampaign();
  console.log(renderReport(campaign));
  // Printed last by the suite's reporter (verdict-reporter.ts), after vitest's own summary.
  file.meta.faultVerdict = verdictLine(campaign);
}, CAMPAIGN_BUDGET_MS + 120_000);

afterAll(async () => {
  await campaign?.stack.close();
});

describe("irflow under every fault the local stack injects", () => {
  it("starts over 100 executions, one per name however often a start is repeated, and ends them all", () => {
    const { executions, duplicateStarts } = campaign;

    expect(executions.length).toBeGreaterThanOrEqual(100);
    expect(new Set(executions.map((execution) => execution.name)).size).toBe(executions.length);
    expect(duplicateStarts.length).toBeGreaterThan(0);
    for (const [first, second] of duplicateStarts) {
      expect(second.executionArn).toBe(first.executionArn);
    }
    expect(
      executions.filter((execution) => execution.status === "RUNNING").map(({ name }) => name),
    ).toEqual([]);
  });

  it("answers every execution with a published record and the outcome its job's fate calls for", () => {
    const wrong = campaign.executions.flatMap((execution) => {
      const { record, expectation } = execution;
      if (!record) return [`${execution.name}: no record ${expectation.jobName}`];
      const problems: string[] = [];
      if (!expectation.outcomes.includes(record.outcome as Outcome)) {
        problems.push(
          `${execution.name}: outcome ${record.outcome}, expected ${expectation.outcomes.join(" or ")} (job ${expectation.jobName}, fate ${expectation.fate ?? "none"}; ${record.failure?.reason ?? ""})`,
        );
      }
      if (record.executionArn !== execution.executionArn) {
        problems.push(`${execution.name}: the record belongs to ${record.executionArn}`);
      }
      if (expectation.trigger && !isDeepStrictEqual(record.trigger, expectation.trigger)) {
        problems.push(
          `${execution.name}: trigger recorded as ${JSON.stringify(record.trigger)}, given ${JSON.stringify(expectation.trigger)}`,
        );
      }
      return problems;
    });

    expect(wrong).toEqual([]);
  });

  it("writes exactly one record per execution, under the name its outcome is published with", () => {
    const { executions, recordsByExecution } = campaign;
    const arns = new Set(executions.map((execution) => execution.executionArn));

    const wrong = executions.flatMap((execution) => {
      const names = recordsByExecution.get(execution.executionArn) ?? [];
      return names.length === 1 && names[0] === execution.expectation.jobName
        ? []
        : [`${execution.name}: records ${names.join(", ") || "none"}`];
    });
    const unknown = [...recordsByExecution.keys()].filter((arn) => !arns.has(arn));

    expect(wrong).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it("ends each execution in the state its outcome routes to, never in PublishFailed", () => {
    const wrong = campaign.executions.flatMap((execution) => {
      const outcome = execution.record?.outcome;
      if (!outcome) return [];
      // A null input fails inside Step Functions; the clean-up answers it (docs/reliability.md).
      if (execution.name === "faults-odd-null") {
        return execution.status === "FAILED" ? [] : [`${execution.name}: ${execution.status}`];
      }
      const succeeds = COMPLETED.includes(outcome) || outcome === "over-budget";
      const expected = succeeds ? "SUCCEEDED" : `FAILED ${FAIL_STATE[outcome]}`;
      const actual =
        execution.status === "FAILED" ? `FAILED ${execution.error}` : String(execution.status);
      return actual === expected ? [] : [`${execution.name}: ${actual}, expected ${expected}`];
    });

    expect(wrong).toEqual([]);
  });

  it("creates one SageMaker job for each job that should have one, and none for the others", () => {
    const { jobs, executions, outsideJob, lostCreateResponses } = campaign;
    const expected = executions
      .filter((execution) => execution.expectation.createsJob)
      .map((execution) => execution.expectation.jobName)
      .sort();

    expect([...jobs.keys()].filter((name) => name !== outsideJob).sort()).toEqual(expected);
    expect([...jobs].filter(([, statuses]) => statuses.length > 1)).toEqual([]);
    expect(lostCreateResponses.length).toBeGreaterThan(0);
    for (const lost of lostCreateResponses) expect(expected).toContain(lost);
  });

  it("publishes exactly one outcome per job, with the same outcomeId in every copy of its event", () => {
    const wrong = campaign.executions.flatMap((execution) => {
      // Each copy is checked against the outcome's committed JSON Schema and detail-type.
      const events = outcomeEvents(campaign.stack, execution.expectation.jobName);
      const outcomes = new Set(
        events.map((event) => `${event.detail.outcome} ${event.detail.outcomeId}`),
      );
      return outcomes.size === 1 && typeof events[0]?.detail.outcomeId === "string"
        ? []
        : [`${execution.name}: ${events.length} events, outcomes ${[...outcomes].join(" | ")}`];
    });

    expect(wrong).toEqual([]);
    expect(campaign.strayEvents.map((event) => event.detail.jobName)).toEqual([]);
  });

  it("puts an extra copy of an outcome event only where EventBridge accepted a PutEvents whose answer was lost", () => {
    const extras = extraCopies(campaign);

    expect(extras.filter((extra) => !extra.lost)).toEqual([]);
    expect(extras.length).toBeLessThanOrEqual(campaign.lostEventIds.size);
    expect(campaign.stack.faults.eventbridge.injected.lostResponses).toBeGreaterThan(0);
  });

  it("keeps every record consistent with its event, within DynamoDB's and EventBridge's size limits", () => {
    const inconsistent = campaign.executions
      .filter((execution) => !recordMatchesEvents(execution))
      .map(
        (execution) =>
          `${execution.name}: record ${execution.record?.phase} ${execution.record?.outcome} ${execution.record?.outcomeId} ${execution.record?.eventId}; events ${execution.events.map((event) => `${event.id} ${event.detail.outcome} ${event.detail.outcomeId}`).join(", ")}`,
      );
    const oversized = campaign.executions.flatMap((execution) => [
      ...(Buffer.byteLength(JSON.stringify(execution.record ?? {})) >= 400_000
        ? [`${execution.name}: record`]
        : []),
      ...execution.events
        .filter((event) => Buffer.byteLength(JSON.stringify(event.detail)) >= 256_000)
        .map(() => `${execution.name}: event`),
    ]);

    expect(inconsistent).toEqual([]);
    expect(oversized).toEqual([]);
  });

  it("leaves no job running and nothing in the queue, every path having freed its slot", () => {
    const { jobs, queue } = campaign;

    expect(
      [...jobs].filter(([, statuses]) =>
        statuses.some((status) => RUNNING_JOB_STATUSES.has(status)),
      ),
    ).toEqual([]);
    expect(queue.end).toEqual({ holders: {}, waiters: {} });
    expect(campaign.aiQueueEnd).toEqual({ holders: {}, waiters: {} });
  });

  it("never lets more executions hold a slot than the job limit, returning one to the queue when SageMaker refuses its job", () => {
    const returned = campaign.executions.reduce(
      (total, execution) => total + (execution.statesEntered.ReturnToQueue ?? 0),
      0,
    );

    expect(campaign.queue.samples).toBeGreaterThan(0);
    expect(campaign.queue.peakHolders).toBeLessThanOrEqual(JOB_LIMIT);
    expect(campaign.queue.peakWaiters).toBeGreaterThan(JOB_LIMIT);
    expect(returned).toBeGreaterThan(0);
  });

  it("runs ai-recommendation jobs through the same faults, returning one to the queue when SageMaker refuses it for the AI jobs limit", () => {
    const ai = campaign.executions.filter(
      (execution) => execution.expectation.kind === "ai-recommendation",
    );
    const returned = ai.reduce(
      (total, execution) => total + (execution.statesEntered.ReturnToQueue ?? 0),
      0,
    );
    const wrongKind = ai.flatMap((execution) =>
      execution.events
        .filter((event) => event.detail.kind !== "ai-recommendation")
        .map((event) => `${execution.name}: event ${event.id} of kind ${event.detail.kind}`),
    );

    expect(ai).toHaveLength(AI_RUNS);
    expect([...campaign.aiJobs].sort()).toEqual(
      ai.map((execution) => execution.expectation.jobName).sort(),
    );
    expect(ai.every((execution) => execution.events.length > 0)).toBe(true);
    expect(wrongKind).toEqual([]);
    expect(campaign.aiRefusedCreates).toBeGreaterThan(0);
    expect(returned).toBeGreaterThan(0);
    expect(AI_ACCOUNT_JOB_LIMIT).toBeLessThan(AI_JOB_LIMIT);
  });

  it("starts one execution per approved package version however often its approval is delivered", () => {
    const { registry, executions } = campaign;
    const started = executions.filter((execution) => execution.expectation.source === "registry");

    expect(started).toHaveLength(registry.approvals);
    expect(registry.deliveries.delivered).toBeGreaterThan(registry.approvals * 3);
    expect(registry.executionsAfterLastDeliveries).toBe(registry.executionsBeforeLastDeliveries);
    expect(new Set(started.map((execution) => execution.expectation.jobName)).size).toBe(
      registry.approvals,
    );
  });

  it("meets every kind of fault it was configured with", () => {
    const { sagemaker, eventbridge, dynamodb, lambda } = campaign.stack.faults;
    const fates = campaign.executions.map((execution) => execution.expectation.fate);

    for (const count of [
      sagemaker.injected.throttled,
      sagemaker.injected.serverErrors,
      sagemaker.injected.lostCreateResponses,
      fates.filter((fate) => fate === "fail").length,
      fates.filter((fate) => fate === "stuck").length,
      eventbridge.injected.failedEntries,
      eventbridge.injected.throttledCalls,
      eventbridge.injected.lostResponses,
      dynamodb.injected.throttled,
      dynamodb.injected.serverErrors,
      dynamodb.injected.lostResponses,
      lambda.injected["Lambda.Unknown"],
      lambda.injected["Sandbox.Timedout"],
      lambda.injected["States.Timeout"],
      lambda.injected.before,
    ]) {
      expect(count).toBeGreaterThan(0);
    }
    expect(new Set(dynamodb.log().flatMap((fault) => fault.tables))).toEqual(
      new Set([LOCAL_TABLE]),
    );
  });
});

describe("publishers of one outcome at once", () => {
  it("put its event once however many publish it together, through the stack's faults", async () => {
    // Prepare: decided records, and publishers that reach DynamoDB and EventBridge through the
    // stack's faults. They run on the real clock, as on Lambda, so that a claim outlasts the
    // publisher holding it (the stack's handlers run on the simulated clock).
    const { stack } = campaign;
    const names = Array.from({ length: 20 }, (_, index) => `publishers-${index}`);
    const direct = stackClients(stack);
    for (const name of names) {
      await direct.store.create(
        rejected(
          { executionArn: `${EXECUTION_PREFIX}${name}`, trigger: { type: "manual" } },
          name,
          [{ path: "job", rule: "required", message: "job is required" }],
          new Date(),
        ),
      );
    }
    const publishers = publisherDeps(stack);

    // Act: four publishers per job at once, each retried as the state machine retries.
    const results = await Promise.all(
      names.map((name) =>
        Promise.all(Array.from({ length: 4 }, () => publishAsRetried(name, publishers.deps))),
      ),
    );

    // Assess
    const lost = stack.faults.eventbridge.lostEventIds();
    const wrong: string[] = [];
    for (const [index, name] of names.entries()) {
      const answers = results[index] ?? [];
      const events = outcomeEvents(stack, name);
      const record = await direct.store.require(name);
      const last = events.at(-1);
      if (new Set(answers.map((answer) => `${answer.outcomeId} ${answer.eventId}`)).size !== 1) {
        wrong.push(`${name}: publishers answered ${answers.map((a) => a.eventId).join(", ")}`);
      }
      if (events.slice(0, -1).some((event) => !lost.has(event.id))) {
        wrong.push(`${name}: ${events.length} copies, not all but the last from lost answers`);
      }
      if (record.phase !== "published" || record.eventId !== last?.id) {
        wrong.push(`${name}: record ${record.phase} ${record.eventId}, last event ${last?.id}`);
      }
      if (answers[0]?.outcomeId !== record.outcomeId) {
        wrong.push(`${name}: outcomeId ${answers[0]?.outcomeId}, record ${record.outcomeId}`);
      }
    }
    publishers.destroy();
    direct.destroy();

    expect(wrong).toEqual([]);
  });
});
