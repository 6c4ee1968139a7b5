/**
 * A spec with a traffic profile on the local stack: the selected real-time entry ends with irflow's
 * autoscaling proposal and AWS's (emulated) GetScalingConfigurationRecommendation side by side, in
 * the record, the outcome event, `irflow status`, `irflow report --json` and the page.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { LocalStack } from "../../local/stack.ts";
import type { AwsScaling } from "../../src/decision/index.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import {
  outcomeEvents,
  record,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

/** 20 quiet hours at 300 requests/min and a 4-hour peak at 3,000. */
const PROFILE = [...Array.from({ length: 20 }, () => 300), 3000, 3000, 3000, 3000];

let cli: CliStack;
let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "aws-scaling");
  stack = cli.stack;
  clients = stackClients(stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function run(args: string[]) {
  const io = cli.io();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** The sample Default job under a policy with the profile, real-time entries only, run to its end. */
async function runWithProfile(runKey: string) {
  const spec = sample("default-model-package.json", runKey);
  spec.irflow = {
    ...(spec.irflow as object),
    policy: { hourlyRequestsPerMinute: PROFILE, endpointTypes: ["RealTime"] },
  };
  const validated = validateSpec(spec);
  if (!validated.valid) throw new Error(`the test spec is invalid: ${JSON.stringify(validated)}`);
  const execution = await runWorkflow(stack, clients, spec, runKey);
  expect(execution.status).toBe("SUCCEEDED");
  return validated.jobName;
}

describe("a spec with a traffic profile", () => {
  let jobName: string;

  beforeAll(async () => {
    jobName = await runWithProfile("aws-scaling");
  });

  it("records AWS's recommendation beside irflow's proposal, and its event carries both", async () => {
    // Act
    const job = await record(clients, jobName);
    const [event] = outcomeEvents(stack, jobName);

    // Assess
    expect(job.outcome).toBe("selected");
    const selected = job.decision?.selected;
    expect(selected?.endpointType).toBe("RealTime");
    expect(selected?.autoscaling).toBeDefined();
    const scaling = job.awsScaling as AwsScaling;
    expect(scaling.request).toEqual({
      recommendationId: selected?.recommendationId,
      minInvocationsPerMinute: 300,
      maxInvocationsPerMinute: 3000,
    });
    // The emulator holds an instance at the 50% CPU target's share of MaxInvocations.
    expect(scaling).toMatchObject({
      scaleInCooldown: 300,
      scaleOutCooldown: 300,
      metric: { predefined: "SageMakerVariantInvocationsPerInstance" },
    });
    expect(scaling.targetValue).toBeGreaterThan(0);
    expect(scaling.maxCapacity).toBe(Math.ceil(3000 / (scaling.targetValue ?? 1)));
    // irflow scales out after 60 s, the emulator after 300 s: at least that differs, and says why.
    const cooldown = scaling.differences.find((item) => item.field === "scaleOutCooldown");
    expect(cooldown).toMatchObject({
      aws: 300,
      irflow: 60,
      how: "AWS's scale-out cooldown 300 s against irflow's 60 s",
    });
    const detail = event?.detail as Record<string, unknown>;
    expect(detail.awsScaling).toEqual(scaling);
    expect((detail.selected as { autoscaling?: unknown }).autoscaling).toEqual(
      selected?.autoscaling,
    );
  });

  it("status, report --json and the page show both", async () => {
    // Prepare
    const job = await record(clients, jobName);
    const scaling = job.awsScaling as AwsScaling;
    const page = join(cli.dir, `${jobName}.html`);

    // Act
    const status = await run(["status", jobName]);
    const report = await run(["report", jobName, "--json", "--html", page]);
    const html = await readFile(page, "utf8");

    // Assess
    expect(status.code).toBe(0);
    expect(status.out).toContain("aws scaling\n  AWS recommends ");
    expect(status.out).toContain(
      "  differs: AWS's scale-out cooldown 300 s against irflow's 60 s\n",
    );
    expect(report.code).toBe(0);
    const reported = JSON.parse(report.out);
    expect(reported.awsScaling).toEqual(scaling);
    expect(reported.selected.autoscaling).toEqual(job.decision?.selected?.autoscaling);
    expect(html).toContain('<section id="aws-scaling">');
    expect(html).toContain("AWS's scaling recommendation");
    expect(html).toContain(
      `<li data-field="scaleOutCooldown">AWS&#39;s scale-out cooldown 300 s against irflow&#39;s 60 s:`,
    );
    const data = JSON.parse(
      /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(html)?.[1] ?? "null",
    );
    expect(data.awsScaling).toEqual(scaling);
  });
});
