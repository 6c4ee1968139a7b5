import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { captureIo } from "../../support/cli.ts";

const RESPONSE = "test/fixtures/describe/emulated-fraud-xgboost.json";
let dir: string;

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
});
