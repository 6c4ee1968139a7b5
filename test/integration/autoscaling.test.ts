import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import type { LocalStack } from "../../local/stack.ts";
import { type CliStack, openCliStack } from "../support/cli.ts";
import { jobNameOf } from "../support/specs.ts";
import {
  outcomeEvents,
  runWorkflow,
  type StackClients,
  sample,
  stackClients,
} from "../support/stack.ts";

let cli: CliStack;
let stack: LocalStack;
let clients: StackClients;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "autoscaling");
  ({ stack } = cli);
  clients = stackClients(stack);
});

afterAll(async () => {
  clients.destroy();
  await cli.close();
});

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const io = cli.io();
  const code = await main(args, io);
  return { code, out: io.out() };
}

describe("the autoscaling proposal of a job run with a traffic profile", () => {
  it("is the same in the event, status, report and the page, and names production's endpoint", async () => {
    // Prepare: a quiet day with four busy hours, against production's endpoint.
    const spec = sample("default-slo-policy.json", "autoscaled");
    const irflow = spec.irflow as { policy: Record<string, unknown> };
    const hours = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];
    const { requestsPerMinute: _peak, ...policy } = irflow.policy;
    spec.irflow = { ...irflow, policy: { ...policy, hourlyRequestsPerMinute: hours } };
    const jobName = jobNameOf(spec);
    await runWorkflow(stack, clients, spec, "autoscaled");
    const page = join(cli.dir, "autoscaled.html");

    // Act
    const [event] = outcomeEvents(stack, jobName);
    const status = await run(["status", jobName, "--json"]);
    const report = await run(["report", jobName, "--json", "--html", page]);
    const text = await run(["report", jobName]);
    const html = await readFile(page, "utf8");

    // Assess
    const detail = event?.detail as { outcome?: string; autoscaling?: Record<string, unknown> };
    expect(detail.outcome).toBe("selected");
    const proposal = detail.autoscaling;
    expect(proposal).toMatchObject({
      hourlyRequestsPerMinute: hours,
      endpointName: "fraud-xgboost-prod",
      calls: {
        registerScalableTarget: { ResourceId: "endpoint/fraud-xgboost-prod/variant/AllTraffic" },
        putScalingPolicy: { PolicyType: "TargetTrackingScaling" },
      },
    });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out).autoscaling).toEqual(proposal);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out).autoscaling).toEqual(proposal);
    const data = JSON.parse(
      /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(html)?.[1] ?? "null",
    );
    expect(data.autoscaling).toEqual(proposal);
    expect(html).toContain('<section id="autoscaling">');
    expect(text.out).toContain("\nautoscaling\n  Autoscaling ");
  });
});
