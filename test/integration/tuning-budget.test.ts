/**
 * The monthly tuning budget on the local stack: a scheduled re-tune whose estimate would take the
 * month's spend over the budget creates no SageMaker job and ends over-budget; only the month's
 * first such execution notifies ops; `irflow start` refuses a job over the budget unless
 * --over-budget is given.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ListInferenceRecommendationsJobsCommand } from "@aws-sdk/client-sagemaker";
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { LOCAL_BUS } from "../../local/stack.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  eventually,
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
/** Less than any job of the sample model costs: once one has run, the month is over budget. */
const BUDGET = 0.01;

let cli: CliStack;
let clients: StackClients;
let configPath: string;

beforeAll(async () => {
  cli = await openCliStack(
    {
      timeScale: 3000,
      logLevel: "ERROR",
      triggers: {
        roleArn: ROLE,
        tuningBudget: 1000,
        groups: {},
        schedule: {
          window: "daily",
          targets: [
            { name: "sentiment", spec: sample("default-model-name.json"), tuningBudget: BUDGET },
          ],
        },
      },
    },
    "tuning-budget",
  );
  clients = stackClients(cli.stack);
  configPath = join(cli.dir, "triggers.json");
  await writeFile(configPath, JSON.stringify({ roleArn: ROLE, tuningBudget: BUDGET, groups: {} }));
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function finished(executionArn: string): Promise<string> {
  return eventually(async () => {
    const { status } = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status === "RUNNING" ? undefined : status;
  }, 30_000);
}

async function sageMakerJobNames(): Promise<string[]> {
  const listed = await clients.sagemaker.send(
    new ListInferenceRecommendationsJobsCommand({ MaxResults: 100 }),
  );
  return (listed.InferenceRecommendationsJobs ?? []).map((job) => job.JobName ?? "");
}

function budgetNotices(): string[] {
  return cli.stack.notifications
    .messages()
    .filter((item) => item.ruleName === `${LOCAL_BUS}-notify-tuning-budget`)
    .map((item) => item.message);
}

describe("the tuning budget on the local stack", () => {
  it("refuses scheduled re-tunes over the budget without a job, and tells ops once a month", async () => {
    // Prepare: a job of the same model has spent more than the target's budget this month.
    const spender = sample("default-model-name.json", "spender");
    const spent = await runWorkflow(cli.stack, clients, spender, "spender", 60_000);
    expect(spent.status).toBe("SUCCEEDED");
    const cost = (await clients.store.get(jobNameOf(spender)))?.tuningCost?.dollars ?? 0;
    expect(cost).toBeGreaterThan(BUDGET);

    // Act
    const first = await cli.stack.tickSchedule(new Date("2026-11-23T06:00:00Z"));
    const second = await cli.stack.tickSchedule(new Date("2026-11-24T06:00:00Z"));
    const arns = [first, second].map((tick) => tick.targets[0]?.executionArn ?? "");
    const statuses = await Promise.all(arns.map(finished));
    await eventually(async () => (budgetNotices().length > 0 ? true : undefined));
    await cli.stack.eventbridge.bus.settled();

    // Assess
    // Refused by the budget, not failed: the failed-executions alarm does not count them.
    expect(statuses).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const records = await Promise.all(
      arns.map(async (arn) => {
        const { error } = await clients.sfn.send(
          new DescribeExecutionCommand({ executionArn: arn }),
        );
        expect(error).toBeUndefined();
        const event = cli.stack.eventbridge.bus
          .received({ busName: LOCAL_BUS })
          .find((received) => received.detail.executionArn === arn);
        return clients.store.get(String(event?.detail.jobName));
      }),
    );
    const jobs = await sageMakerJobNames();
    for (const record of records) {
      expect(record).toMatchObject({ outcome: "over-budget", trigger: { type: "schedule" } });
      expect(record?.jobArn).toBeUndefined();
      expect(jobs).not.toContain(record?.jobName);
      const [event] = outcomeEvents(cli.stack, record?.jobName ?? "");
      expect(event?.["detail-type"]).toBe("Recommendation Over Budget");
      expect(event?.detail.budget).toMatchObject({
        month: new Date(cli.stack.clock.now()).toISOString().slice(0, 7),
        budgetDollars: BUDGET,
      });
      expect(record?.overBudget?.spendDollars).toBeGreaterThan(BUDGET);
    }
    expect(records.map((record) => record?.overBudget?.notifyOps)).toEqual([true, false]);
    const notices = budgetNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`was not created (spend $`);
    expect(notices[0]).toContain(`budget $${BUDGET})`);
  });

  it("refuses a manual start over the budget unless --over-budget is given", async () => {
    // Prepare
    const specPath = join(cli.dir, "manual.json");
    await writeFile(specPath, JSON.stringify(sample("default-model-name.json")));
    const io = () => cli.io({ IRFLOW_TRIGGER_CONFIG: configPath });
    const refusedIo = io();

    // Act
    const refused = await main(["start", specPath, "--run-key", "manual-over"], refusedIo);
    const allowedIo = io();
    const allowed = await main(
      ["start", specPath, "--run-key", "manual-over", "--over-budget", "--wait"],
      allowedIo,
    );

    // Assess
    expect(refused).toBe(1);
    expect(refusedIo.err()).toMatch(
      /over budget: \d{4}-\d{2}'s tuning spend of \$\d+\.\d\d with this job's estimate of \$\d+\.\d\d would go over the budget of \$0\.01; nothing started \(pass --over-budget to start it anyway\)/,
    );
    expect(allowed).toBe(0);
    expect(allowedIo.err()).toContain("starting it as --over-budget asks");
    const name = jobNameOf(sample("default-model-name.json", "manual-over"));
    const record = await clients.store.get(name);
    expect(record).toMatchObject({
      outcome: "selected",
      budget: { dollars: BUDGET, override: true },
      trigger: { type: "manual" },
    });
    expect(await sageMakerJobNames()).toContain(name);
  });
});
