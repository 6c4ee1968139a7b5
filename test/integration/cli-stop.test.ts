import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { LOCAL_BUS, type LocalStack } from "../../local/stack.ts";
import { type CapturedIo, type CliStack, openCliStack } from "../support/cli.ts";
import { sampleSpec } from "../support/specs.ts";

let cli: CliStack;
let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  // Slow enough that a Default job is still running when it is stopped.
  cli = await openCliStack({ timeScale: 60, logLevel: "ERROR" }, "stop");
  ({ stack, dir } = cli);
});

afterAll(() => cli.close());

function captureIo(): CapturedIo {
  return cli.io();
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function until<T>(probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe("irflow stop and status by any name", () => {
  it("names a job by its execution's name or ARN, stops it once and shows STOPPED", async () => {
    // Prepare
    const spec = { ...sampleSpec("default-model-package.json"), irflow: { runKey: "cli-stop" } };
    const path = join(dir, "spec.json");
    await writeFile(path, JSON.stringify(spec));
    const started = await run(["start", path, "--json"]);
    const { jobName, executionArn } = JSON.parse(started.out) as {
      jobName: string;
      executionArn: string;
    };
    const executionName = executionArn.split(":").at(-1) ?? "";
    await until(async () => {
      const status = await run(["status", jobName, "--json"]);
      return status.code === 0 && (JSON.parse(status.out) as { jobArn?: string }).jobArn
        ? true
        : undefined;
    }, 30);

    // Act
    const byName = await run(["status", executionName, "--json"]);
    const byArn = await run(["status", executionArn, "--json"]);
    const stopped = await run(["stop", executionArn]);
    const again = await run(["stop", jobName]);
    const finalStatus = await until(async () => {
      const status = await run(["status", jobName]);
      return /^status +STOPPED$/m.test(status.out) ? status.out : undefined;
    }, 60);

    // Assess
    expect(started.code).toBe(0);
    expect(byName.code, byName.err).toBe(0);
    expect((JSON.parse(byName.out) as { jobName: string }).jobName).toBe(jobName);
    expect((JSON.parse(byArn.out) as { jobName: string }).jobName).toBe(jobName);
    expect(stopped.code, stopped.err).toBe(0);
    expect(stopped.out).toContain(`stopped execution ${executionArn}`);
    expect(stopped.out).toMatch(new RegExp(`job ${jobName}: outcome \\S+ published`));
    expect(again.code).toBe(0);
    expect(again.out).toContain("already ended ABORTED");
    expect(finalStatus).toMatch(/^history$/m);
    const events = stack.eventbridge.bus
      .received({ busName: LOCAL_BUS })
      .filter((event) => (event.detail as { jobName?: unknown }).jobName === jobName);
    expect(events).toHaveLength(1);
    // The clean-up that stopped the job recorded what it cost up to the stop, in the event too.
    const record = JSON.parse((await run(["status", jobName, "--json"])).out) as {
      tuningCost?: { method: string };
    };
    expect(record.tuningCost?.method).toBe("benchmark-windows");
    expect((events[0]?.detail as { tuningCost?: unknown } | undefined)?.tuningCost).toEqual(
      record.tuningCost,
    );
  }, 120_000);

  it("answers a name that is neither a job nor an execution with exit 1", async () => {
    // Act
    const status = await run(["status", "no-such-thing"]);
    const stop = await run(["stop", "no-such-thing"]);

    // Assess
    expect(status.code).toBe(1);
    expect(status.err).toContain("no job or execution named no-such-thing");
    expect(stop.code).toBe(1);
    expect(stop.err).toContain("no job or execution named no-such-thing");
  });
});
