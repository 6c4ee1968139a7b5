import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../local/aws-json.ts";
import { ManualClock } from "../../../../local/clock.ts";
import { FaultInjector } from "../../../../local/sagemaker/faults.ts";
import { PENDING_SECONDS } from "../../../../local/sagemaker/plan.ts";
import { InferenceRecommenderService } from "../../../../local/sagemaker/service.ts";

const SAMPLE = JSON.parse(
  readFileSync(
    new URL("../../../../events/specs/default-model-name.json", import.meta.url),
    "utf8",
  ),
) as { job: JsonObject };

let clock: ManualClock;
let service: InferenceRecommenderService;

beforeEach(() => {
  clock = new ManualClock();
  service = new InferenceRecommenderService({ clock, faults: new FaultInjector() });
});

function create(name: string): void {
  service.createJob({ ...SAMPLE.job, JobName: name });
}

function status(name: string): string {
  return String(service.describeJob({ JobName: name }).Status);
}

interface StepView {
  status: string;
  start?: number;
  end?: number;
}

function steps(name: string): StepView[] {
  const listed = service.listJobSteps({ JobName: name }).Steps as JsonObject[];
  return listed.map((step) => {
    const benchmark = step.InferenceBenchmark as JsonObject;
    const start = benchmark.InvocationStartTime as Date | undefined;
    const end = benchmark.InvocationEndTime as Date | undefined;
    return {
      status: String(step.Status),
      ...(start ? { start: start.getTime() } : {}),
      ...(end ? { end: end.getTime() } : {}),
    };
  });
}

function advance(seconds: number): void {
  clock.advance(seconds * 1000);
}

describe("emulated job steps", () => {
  it("move each benchmark from PENDING to IN_PROGRESS to COMPLETED when it really starts and ends", () => {
    // Prepare
    create("steps-live");
    const created = clock.now();
    const firstSeen = new Map<number, { running?: number; done?: number }>();

    // Act: watch the steps every 10 s until the job is over.
    let rows = 0;
    while (status("steps-live") !== "COMPLETED") {
      steps("steps-live").forEach((step, index) => {
        const seen = firstSeen.get(index) ?? {};
        if (step.status === "IN_PROGRESS" && seen.running === undefined) seen.running = clock.now();
        if (step.status === "COMPLETED" && seen.done === undefined) seen.done = clock.now();
        firstSeen.set(index, seen);
      });
      advance(10);
      rows += 1;
    }
    const final = steps("steps-live");

    // Assess
    expect(rows).toBeGreaterThan(60);
    expect(final.length).toBe(3);
    final.forEach((step, index) => {
      const seen = firstSeen.get(index)!;
      expect(step.status).toBe("COMPLETED");
      expect(step.start).toBeGreaterThan(created + PENDING_SECONDS * 1000);
      expect(seen.running! - step.start!).toBeGreaterThanOrEqual(0);
      expect(seen.running! - step.start!).toBeLessThan(10_000);
      expect(seen.done! - step.end!).toBeGreaterThanOrEqual(0);
      expect(seen.done! - step.end!).toBeLessThan(10_000);
    });
    const ends = final.map((step) => step.end!);
    expect(new Set(ends).size).toBe(3);
  });

  it("complete after the run time a faults-file entry sets", () => {
    // Prepare
    service.faults.configure({ jobs: [{ match: "^timed-", runSeconds: 1234 }] });
    create("timed-1");

    // Act
    advance(PENDING_SECONDS + 1233);
    const before = status("timed-1");
    const stepsBefore = steps("timed-1");
    advance(1);
    const after = status("timed-1");

    // Assess
    expect(before).toBe("IN_PROGRESS");
    expect(stepsBefore.some((step) => step.status === "COMPLETED")).toBe(true);
    expect(after).toBe("COMPLETED");
    expect(steps("timed-1").every((step) => step.status === "COMPLETED")).toBe(true);
  });

  it("show no progress when a faults-file entry says so: all IN_PROGRESS, then all flip at the end", () => {
    // Prepare
    service.faults.configure({ jobs: [{ match: "^quiet-", progress: false, runSeconds: 2000 }] });
    create("quiet-1");

    // Act
    advance(PENDING_SECONDS + 1);
    const early = steps("quiet-1").map((step) => step.status);
    advance(1998);
    const late = steps("quiet-1").map((step) => step.status);
    advance(1);
    const done = steps("quiet-1").map((step) => step.status);

    // Assess
    expect(early).toEqual(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS"]);
    expect(late).toEqual(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS"]);
    expect(done).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(status("quiet-1")).toBe("COMPLETED");
  });

  it("take each setting from the first matching entry that has it", () => {
    // Prepare
    service.faults.configure({
      jobs: [
        { match: "^mixed-", runSeconds: 600 },
        { match: "^mixed-", fate: "stuck" },
        { match: ".", runSeconds: 5 },
      ],
    });
    create("mixed-1");

    // Act
    const overrides = service.faults.planOverridesOf("mixed-1");
    advance(PENDING_SECONDS + 10_000);

    // Assess
    expect(overrides).toEqual({ runSeconds: 600 });
    expect(status("mixed-1")).toBe("IN_PROGRESS");
  });

  it("refuses a faults-file jobs entry that sets nothing, naming the rule", () => {
    // Act
    const configure = () => service.faults.configure({ jobs: [{ match: "^nothing" }] });

    // Assess
    expect(configure).toThrow(/fate, runSeconds or progress/);
  });
});
