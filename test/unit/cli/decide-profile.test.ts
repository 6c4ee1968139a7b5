import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { formatRecord, statusJson } from "../../../cli/status.ts";
import {
  type AutoscalingProposal,
  capDecision,
  compareWithProduction,
  decide,
  parseDescribeResponse,
  parsePolicy,
  RECORD_LIMITS,
} from "../../../src/decision/index.ts";
import { parseRecord } from "../../../src/workflow/store.ts";
import { captureIo } from "../../support/cli.ts";

const RESPONSE = "test/fixtures/describe/emulated-fraud-xgboost.json";
const HOURS = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];
let dir: string;

async function profilePolicy(extra: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, `profile-${Object.keys(extra).join("-") || "plain"}.json`);
  await writeFile(
    path,
    JSON.stringify({ hourlyRequestsPerMinute: HOURS, endpointTypes: ["RealTime"], ...extra }),
  );
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-decide-profile-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("irflow decide with a traffic profile", () => {
  it("prints each entry's autoscaled and fixed costs and the calls that apply the proposal", async () => {
    // Prepare
    const path = join(dir, "profile.json");
    const hours = [...Array.from({ length: 20 }, () => 1500), 12000, 12000, 12000, 12000];
    await writeFile(
      path,
      JSON.stringify({
        hourlyRequestsPerMinute: hours,
        endpointTypes: ["RealTime"],
        current: { endpointName: "fraud-prod" },
      }),
    );
    const io = captureIo();

    // Act
    const code = await main(["decide", RESPONSE, "--policy", path, "--json"], io);

    // Assess
    expect(code).toBe(0);
    const decision = JSON.parse(io.out());
    const selected = decision.selected;
    expect(selected.autoscaling.minCapacity).toBeLessThan(selected.autoscaling.maxCapacity);
    expect(selected.monthlyCost).toBeLessThan(selected.fixedMonthlyCost);
    for (const entry of decision.ranked) {
      expect(entry).toHaveProperty("fixedMonthlyCost");
      expect(entry).toHaveProperty("autoscaling.targetInvocationsPerInstance");
    }
    expect(decision.autoscalingCalls.registerScalableTarget).toMatchObject({
      ResourceId: "endpoint/fraud-prod/variant/AllTraffic",
      MinCapacity: selected.autoscaling.minCapacity,
      MaxCapacity: selected.autoscaling.maxCapacity,
    });
  });

  it("prints the proposal in the text: the saving, the hourly fleet and each call with its command", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["report", RESPONSE, "--policy", await profilePolicy()], io);

    // Assess
    expect(code).toBe(0);
    const text = io.out();
    const block = text.slice(text.indexOf("\nautoscaling\n"));
    expect(block).toMatch(
      /Autoscaling ml\.\S+ between 1 and 3 instances costs \$\d+\/month, saving \$\d+\/month \([\d.]+%\) over a fixed fleet of 3 \(\$\d+\/month\)\./,
    );
    expect(block).toContain(
      "instances by hour (UTC): 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 3 3 3 3",
    );
    expect(block).toContain("replace <endpoint-name> in ResourceId with the endpoint's name");
    const register = "aws application-autoscaling register-scalable-target --cli-input-json:";
    const put = "aws application-autoscaling put-scaling-policy --cli-input-json:";
    expect(block).toContain(register);
    // Each call's JSON, as printed, is what its command takes.
    const first = block.slice(block.indexOf(register) + register.length, block.indexOf(put));
    expect(JSON.parse(first)).toMatchObject({
      ResourceId: "endpoint/<endpoint-name>/variant/AllTraffic",
      MinCapacity: 1,
      MaxCapacity: 3,
    });
  });

  it("gives report --json the proposal with its calls, and says the comparison is autoscaled", async () => {
    // Prepare
    const policy = await profilePolicy({
      current: { instanceType: "ml.c5.xlarge", instanceCount: 3 },
    });
    const jsonIo = captureIo();
    const textIo = captureIo();

    // Act
    const code = await main(["report", RESPONSE, "--policy", policy, "--json"], jsonIo);
    await main(["report", RESPONSE, "--policy", policy], textIo);

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(jsonIo.out());
    expect(report.autoscaling).toMatchObject({
      recommendationId: report.selected.recommendationId,
      minCapacity: 1,
      maxCapacity: 3,
      hourlyRequestsPerMinute: HOURS,
      monthlyCost: report.selected.monthlyCost,
      fixedMonthlyCost: report.selected.fixedMonthlyCost,
    });
    expect(report.autoscaling.hourlyInstances).toHaveLength(24);
    expect(report.autoscaling.calls).toEqual(report.autoscalingCalls);
    expect(report.comparison.proposed.monthlyCost).toBe(report.selected.monthlyCost);
    expect(textIo.out()).toContain("proposal cost autoscaled on the traffic profile");
    expect(textIo.out()).toMatch(/the proposal costs \$\d+\/month autoscaled/);
  });

  it("shows a recorded proposal in irflow status, as text and as --json", async () => {
    // Prepare: the golden selected record, decided again under a profile.
    const policy = parsePolicy({
      hourlyRequestsPerMinute: HOURS,
      current: { endpointName: "fraud-prod" },
    });
    const job = parseDescribeResponse(JSON.parse(await readFile(RESPONSE, "utf8")));
    if (!policy.ok || !job.ok) throw new Error("the test inputs are invalid");
    const decision = decide(job.value, policy.value);
    const golden = parseRecord(
      JSON.parse(await readFile("test/fixtures/records/v2/decided-selected.json", "utf8")),
    );
    const comparison = compareWithProduction(decision, job.value);
    const record = {
      ...golden,
      decision: capDecision(decision, RECORD_LIMITS),
      ...(comparison ? { comparison } : {}),
    };

    // Act
    const text = formatRecord(record);
    const json = statusJson(record) as { autoscaling?: AutoscalingProposal };

    // Assess
    expect(text).toContain("\nautoscaling\n  Autoscaling ");
    expect(text).toContain('"ResourceId": "endpoint/fraud-prod/variant/AllTraffic"');
    expect(json.autoscaling?.calls.putScalingPolicy.ResourceId).toBe(
      "endpoint/fraud-prod/variant/AllTraffic",
    );
    expect(json.autoscaling?.endpointName).toBe("fraud-prod");
    expect(statusJson(golden)).not.toHaveProperty("autoscaling");
  });
});
