import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spanText } from "../../cli/format.ts";
import { main } from "../../cli/main.ts";
import type { LocalState } from "../../cli/target.ts";
import type { LocalStack } from "../../local/stack.ts";
import { QueueStore } from "../../src/queue/store.ts";
import { type CapturedIo, type CliStack, openCliStack } from "../support/cli.ts";
import { jobNameOf, sampleSpec } from "../support/specs.ts";
import { stackClients } from "../support/stack.ts";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/irflow.js");
const SPEC = "events/specs/default-model-package.json";

let cli: CliStack;
let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  cli = await openCliStack({ timeScale: 3000, logLevel: "ERROR" }, "cli");
  ({ stack, dir } = cli);
});

afterAll(() => cli.close());

function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  return cli.io(env);
}

function executionCount(): number {
  return stack.stepFunctions.listExecutions({
    stateMachineArn: stack.stateMachineArn,
    maxResults: 1000,
  }).executions.length;
}

/** Runs bin/irflow.js as a child process; resolves with its exit code and output. */
function runBin(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
    },
  );
  return { child, done };
}

describe("irflow CLI on the local stack", () => {
  const jobName = jobNameOf(sample("default-model-package.json", "cli-wait"));

  it("starts a spec, follows it to SUCCEEDED and prints each step", async () => {
    // Prepare
    const io = captureIo();
    const before = executionCount();

    // Act
    const code = await main(["start", SPEC, "--run-key", "cli-wait", "--wait"], io);

    // Assess
    const out = io.out();
    expect(code).toBe(0);
    expect(executionCount()).toBe(before + 1);
    expect(out).toContain(
      `running ${jobName} on local (started now, or already running with this input)`,
    );
    expect(out).toContain(`validated spec -> job ${jobName} (Default, deadline 2 h)`);
    expect(out).toMatch(/created job arn:aws:sagemaker:.*inference-recommendations-job\//);
    expect(out).toMatch(/polling \(1\): (PENDING|IN_PROGRESS), next poll in \d+ s/);
    expect(out).toMatch(/job COMPLETED \(poll \d+\)/);
    expect(out).toContain("published the selected event");
    expect(out).toContain("execution SUCCEEDED");
    expect(out).toMatch(/^decision {3}ml\.\S+ x \d+, \$[\d,.]+\/month, [\d.]+ ms$/m);
    expect(out).toMatch(/^selected {3}ml\.\S+ x \d+: \$[\d,.]+\/month, [\d.]+ ms, /m);
  });

  it("starts nothing new for the same spec and names the existing execution", async () => {
    // Prepare
    const io = captureIo();
    const before = executionCount();

    // Act
    const code = await main(["start", SPEC, "--run-key", "cli-wait"], io);

    // Assess
    expect(code).toBe(0);
    expect(executionCount()).toBe(before);
    expect(io.out()).toContain(
      `already started as ${stack.stateMachineArn.replace(":stateMachine:", ":execution:")}:${jobName} (SUCCEEDED); use --run-key to run it again`,
    );
  });

  it("names the existing execution in --json, with its status", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["start", SPEC, "--run-key", "cli-wait", "--json"], io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      outcome: "already-started",
      jobName,
      executionArn: `${stack.stateMachineArn.replace(":stateMachine:", ":execution:")}:${jobName}`,
      status: "SUCCEEDED",
    });
  });

  it("starts one execution when the same spec is started twice at once", async () => {
    // Prepare
    const before = executionCount();
    const ios = [captureIo(), captureIo()];

    // Act
    const codes = await Promise.all(
      ios.map((io) => main(["start", SPEC, "--run-key", "cli-twice", "--json"], io)),
    );

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(executionCount()).toBe(before + 1);
    const [first, second] = ios.map((io) => JSON.parse(io.out()));
    expect(second.executionArn).toBe(first.executionArn);
    for (const body of [first, second]) {
      expect(["accepted", "already-started"]).toContain(body.outcome);
    }
  });

  it("refuses a different spec under a job name that is already running, with exit 1", async () => {
    // Prepare
    const first = {
      ...sample("default-model-package.json"),
      job: { ...sampleJob(), JobName: "cli-same-name" },
    };
    const second = {
      ...first,
      job: { ...first.job, JobDescription: "another description, same job name" },
    };
    await writeFile(join(dir, "first.json"), JSON.stringify(first));
    await writeFile(join(dir, "second.json"), JSON.stringify(second));
    await main(["start", join(dir, "first.json")], captureIo());
    const before = executionCount();
    const io = captureIo();

    // Act
    const code = await main(["start", join(dir, "second.json")], io);

    // Assess
    expect(code).toBe(1);
    expect(executionCount()).toBe(before);
    expect(io.err()).toMatch(/already started as \S+:cli-same-name \(\w+\) with a different input/);
  });

  it("prints a job's status with its history and the selected instance", async () => {
    // Prepare
    const io = captureIo();
    const jsonIo = captureIo();

    // Act
    const code = await main(["status", jobName], io);
    const jsonCode = await main(["status", jobName, "--json"], jsonIo);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^status {5}COMPLETED$/m);
    expect(io.out()).toMatch(/^outcome {4}selected$/m);
    expect(io.out()).toMatch(/^polls {6}\d+$/m);
    const span = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
    const recorded = JSON.parse(jsonIo.out());
    expect(io.out()).toContain(
      `job time   ran ${spanText(span(recorded.jobStartedAt, recorded.jobCompletedAt))} of a 2 h deadline`,
    );
    expect(io.out()).toContain(
      `queue      waited ${spanText(span(recorded.queuedAt, recorded.admittedAt))} for a slot`,
    );
    expect(io.out()).toContain(
      `created    ${recorded.createdAt} (finished ${spanText(span(recorded.createdAt, recorded.completedAt))} later)`,
    );
    expect(io.out()).toMatch(/^ {2}\S+Z {2}VALIDATED\n {2}\S+Z {2}QUEUED\n {2}\S+Z {2}PENDING\n/m);
    expect(io.out()).toMatch(/^selected {3}ml\.\S+ x \d+: /m);
    expect(io.out()).toMatch(/^ {2}\* +ml\.\S+ +\d+ +\$[\d,.]+ .*selected/m);
    expect(jsonCode).toBe(0);
    const record = JSON.parse(jsonIo.out());
    expect(record).toMatchObject({ jobName, status: "COMPLETED", outcome: "selected" });
    expect(io.out()).toContain(`selected   ${record.decision.selected.instanceType} x 1`);
  });

  it("reports a job's decision by name, from its record and SageMaker's results", async () => {
    // Prepare
    const io = captureIo();
    const statusIo = captureIo();
    const page = join(dir, "job-report.html");
    await main(["status", jobName, "--json"], statusIo);
    const record = JSON.parse(statusIo.out());

    // Act
    const code = await main(["report", jobName, "--html", page], io);

    // Assess
    expect(code).toBe(0);
    const [sentence] = io.out().split("\n");
    expect(sentence).toMatch(/^ml\.\S+ x \d+, \$[\d,.]+\/month, [\d.]+ ms$/);
    expect(sentence).toContain(`${record.decision.selected.instanceType} x 1`);
    expect(io.out()).toMatch(/^\* +ml\.\S+ .*selected/m);
    const html = await readFile(page, "utf8");
    expect(html).toContain(`irflow decision · job ${jobName}`);
    expect(html).toContain(`Figures from job ${jobName} (local)`);
  });

  it("reports the same decision by the job's name, its execution's name and its execution's ARN", async () => {
    // Prepare
    const statusIo = captureIo();
    await main(["status", jobName, "--json"], statusIo);
    const { executionArn } = JSON.parse(statusIo.out()) as { executionArn: string };
    const executionName = executionArn.slice(executionArn.lastIndexOf(":") + 1);
    const report = async (subject: string) => {
      const io = captureIo();
      const code = await main(["report", subject, "--json"], io);
      return { code, decision: JSON.parse(io.out() || "null") };
    };

    // Act
    const byJob = await report(jobName);
    const byName = await report(executionName);
    const byArn = await report(executionArn);

    // Assess
    expect(byJob.code).toBe(0);
    expect(byName).toEqual(byJob);
    expect(byArn).toEqual(byJob);
  });

  it("reports the decision the workflow recorded under the job's own policy, and says when --policy overrides it", async () => {
    // Prepare
    const spec = sample("default-slo-policy.json");
    const strict = {
      ...spec,
      irflow: {
        ...(spec.irflow as Record<string, unknown>),
        runKey: "report-unsat",
        policy: { ...(spec.irflow as { policy: object }).policy, maxLatencyMs: 1 },
      },
    };
    const specPath = join(dir, "unsat.json");
    const policyPath = join(dir, "defaults.json");
    await writeFile(specPath, JSON.stringify(strict));
    await writeFile(policyPath, "{}");
    const strictJob = jobNameOf(strict);
    expect(await main(["start", specPath, "--wait"], captureIo())).toBe(0);
    const statusIo = captureIo();
    const reportIo = captureIo();
    const overrideIo = captureIo();
    const overrideTextIo = captureIo();

    // Act
    await main(["status", strictJob, "--json"], statusIo);
    const code = await main(["report", strictJob, "--json"], reportIo);
    await main(["report", strictJob, "--json", "--policy", policyPath], overrideIo);
    await main(["report", strictJob, "--policy", policyPath], overrideTextIo);

    // Assess
    expect(code).toBe(0);
    const status = JSON.parse(statusIo.out());
    const report = JSON.parse(reportIo.out());
    const override = JSON.parse(overrideIo.out());
    expect(status.outcome).toBe("unsatisfiable");
    expect(report.outcome).toBe("unsatisfiable");
    expect(report.policy).toEqual(status.decision.policy);
    expect(report.policyOverride).toBeUndefined();
    expect(override.outcome).not.toBe("unsatisfiable");
    expect(override.policyOverride).toEqual({ file: policyPath, recordedOutcome: "unsatisfiable" });
    expect(overrideTextIo.out().split("\n")[0]).toBe(
      `under --policy ${policyPath}, not the job's own policy (the workflow decided: unsatisfiable)`,
    );
  });

  it("reports an unknown job with exit 1", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["status", "no-such-job"], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain("no job or execution named no-such-job in table irflow-local-jobs");
  });

  it("lists a model's jobs newest first, and the recent executions", async () => {
    // Prepare
    const modelIo = captureIo();
    const executionsIo = captureIo();

    // Act
    const modelCode = await main(["list", "--model", "model-package/fraud-xgboost"], modelIo);
    const executionsCode = await main(["list", "--limit", "5"], executionsIo);

    // Assess
    expect(modelCode).toBe(0);
    const [header, ...rows] = modelIo.out().trimEnd().split("\n");
    expect(header).toMatch(/^CREATED\s+JOB\s+STATUS\s+OUTCOME\s+SELECTED$/);
    expect(
      rows.some((row) => row.includes(jobName) && /COMPLETED\s+selected\s+ml\./.test(row)),
    ).toBe(true);
    const created = rows.map((row) => row.split(/\s+/)[0] ?? "");
    expect(created).toEqual([...created].sort().reverse());
    expect(executionsCode).toBe(0);
    expect(executionsIo.out()).toMatch(new RegExp(`${jobName}\\s+SUCCEEDED`));
  });

  it("lists who holds a job slot and who waits, in the order they are served", async () => {
    // Prepare
    const clients = stackClients(stack);
    const queue = new QueueStore(clients.documents, "irflow-local-jobs");
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 10, minutes)).toISOString();
    const waiter = (job: string, minutes: number) => ({
      executionArn: `arn:execution:${job}`,
      jobName: job,
      since: at(minutes),
      giveUpAt: at(59),
    });
    await queue.join("late", waiter("queued-late", 5));
    await queue.join("early", waiter("queued-early", 1));
    await queue.join("holder", waiter("holding-one", 0));
    const { giveUpAt: _giveUpAt, ...holding } = waiter("holding-one", 0);
    await queue.admit(
      "holder",
      { ...holding, admittedAt: at(2), expectedEnd: at(47), leaseUntil: at(59) },
      10,
    );
    const io = captureIo();
    const jsonIo = captureIo();

    // Act
    const code = await main(["list", "--queue"], io);
    const jsonCode = await main(["list", "--queue", "--json"], jsonIo);

    // Assess
    expect([code, jsonCode]).toEqual([0, 0]);
    // Other tests' executions may hold or wait too: only these three entries are asserted.
    expect(io.out()).toMatch(/^\d+ holding, \d+ waiting$/m);
    expect(io.out()).toMatch(
      /holds\s+holding-one[\s\S]*waits #\d+\s+queued-early[\s\S]*waits #\d+\s+queued-late/,
    );
    const listed = JSON.parse(jsonIo.out());
    const names = (entries: { jobName: string }[]) => entries.map((entry) => entry.jobName);
    expect(names(listed.holders)).toContain("holding-one");
    expect(
      names(listed.waiters).filter((name) => name === "queued-early" || name === "queued-late"),
    ).toEqual(["queued-early", "queued-late"]);
    for (const id of ["late", "early", "holder"]) await queue.leave(id);
    clients.destroy();
  });

  it("rejects an invalid spec with every error and starts nothing", async () => {
    // Prepare
    const io = captureIo();
    const before = executionCount();

    // Act
    const code = await main(
      ["start", "events/specs/invalid/range--phase-users.json", "--wait"],
      io,
    );

    // Assess
    expect(code).toBe(1);
    expect(executionCount()).toBe(before);
    expect(io.err()).toContain("nothing started");
    expect(io.err()).toContain(
      "error job.InputConfig.TrafficPattern.Phases[0].InitialNumberOfUsers [range]: must be an integer from 1 to 3",
    );
    expect(io.out()).toBe("");
  });

  it("asks for the state machine ARN for --target aws, and starts nothing", async () => {
    // Prepare
    const io = captureIo({ IRFLOW_STATE_MACHINE_ARN: "" });
    const before = executionCount();

    // Act
    const code = await main(["start", SPEC, "--target", "aws", "--run-key", "cli-aws"], io);

    // Assess
    expect(code).toBe(64);
    expect(executionCount()).toBe(before);
    expect(io.err()).toContain(
      "--target aws needs the irflow state machine's ARN: pass --state-machine-arn ARN or set IRFLOW_STATE_MACHINE_ARN",
    );
  });
});

describe("irflow as a program", () => {
  it("runs a local stack until SIGTERM, with a state file the other commands use", async () => {
    // Prepare
    const otherState = join(dir, "child-stack.json");
    const { child, done } = runBin(["local", "stack"], { IRFLOW_LOCAL_STATE: otherState });
    const deadline = Date.now() + 20_000;
    while (!existsSync(otherState) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const state = JSON.parse(await readFile(otherState, "utf8")) as LocalState;
    const io = captureIo({ IRFLOW_LOCAL_STATE: otherState });

    // Act
    const code = await main(["list"], io);
    child.kill("SIGTERM");
    const exit = await done;

    // Assess
    expect(state.pid).toBe(child.pid);
    expect(state.stateMachineArn).toMatch(/:stateMachine:irflow$/);
    expect(code).toBe(0);
    expect(io.out()).toContain("no executions of");
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain(`Step Functions  ${state.endpoints.stepfunctions}`);
    expect(exit.stdout).toContain("irflow start events/specs/default-model-package.json");
    expect(existsSync(otherState)).toBe(false);
  }, 40_000);

  it("runs the demo end to end and exits 0", async () => {
    // Prepare
    const began = performance.now();

    // Act
    const { code, stdout, stderr } = await runBin(["demo"]).done;

    // Assess
    const seconds = (performance.now() - began) / 1000;
    console.info(`irflow demo took ${seconds.toFixed(1)} s`);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("validated spec -> job fraud-xgboost-v7-");
    expect(stdout).toMatch(/^selected {3}ml\.\S+ x \d+: /m);
    expect(stdout).toMatch(/^ {2}\* +ml\.\S+ .*selected/m);
    expect(stdout).toContain("(Inference Recommendation Selected)\n");
    expect(stdout).toMatch(/^ {2}outcome {4}selected$/m);
    // The decision closes the output; the whole event only with --verbose.
    expect(stdout).not.toContain('"detail-type"');
    expect(stdout).toMatch(/\nthe decision: selected, ml\.\S+ x \d+\ndemo finished in [\d.]+ s\n$/);
    expect(stderr).not.toContain("NodeVersionSupportWarning");
    expect(seconds).toBeLessThan(60);
  }, 90_000);
});

describe("Ctrl-C while a command waits", () => {
  /** Sends SIGINT once the child has printed `marker`. */
  async function interruptAfter(child: ChildProcess, marker: string): Promise<void> {
    let seen = "";
    await new Promise<void>((resolve) => {
      child.stdout?.on("data", (chunk) => {
        seen += String(chunk);
        if (seen.includes(marker)) resolve();
      });
    });
    child.kill("SIGINT");
  }

  it("start --wait says the execution goes on and how to follow or stop it, exits 130, and the execution runs on", async () => {
    // Prepare
    const spec = sample("default-model-package.json", "ctrl-c");
    const name = jobNameOf(spec);
    stack.sagemaker.service.faults.configure({ jobs: [{ match: "-ctrl-c$", fate: "stuck" }] });
    const path = join(dir, "ctrl-c.json");
    await writeFile(path, JSON.stringify(spec));
    const { child, done } = runBin(["start", path, "--wait"], {
      IRFLOW_LOCAL_STATE: cli.statePath,
    });

    // Act
    await interruptAfter(child, "created job");
    const { code, stderr } = await done;

    // Assess
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted: the execution goes on without this command");
    expect(stderr).toContain(`irflow status ${name}`);
    expect(stderr).toContain(`irflow stop ${name}`);
    const [execution] = stack.stepFunctions
      .listExecutions({ stateMachineArn: stack.stateMachineArn, maxResults: 1000 })
      .executions.filter((item) => item.name === name);
    expect(execution?.status).toBe("RUNNING");
    expect(await main(["stop", name], captureIo())).toBe(0);
    stack.sagemaker.service.faults.configure({});
  }, 60_000);

  it("the demo says its local stack and execution end with it, and exits 130", async () => {
    // Prepare
    const { child, done } = runBin(["demo", "--time-scale", "60"]);

    // Act
    await interruptAfter(child, "--wait\n");
    const { code, stderr } = await done;

    // Assess
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted: the demo's local stack ends with this process");
  }, 60_000);
});

describe("irflow demo's exit status", () => {
  it("exits 0 for a measured run, which is a decision and not a failure", async () => {
    // Act
    const { code, stdout, stderr } = await runBin([
      "demo",
      "events/specs/existing-endpoint.json",
      "--time-scale",
      "3000",
    ]).done;

    // Assess
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain("demo failed");
    expect(stdout).toMatch(/\nthe decision: measured\n/);
  }, 90_000);
});

/** A sample spec, with a run key when given. */
function sample(name: string, runKey?: string): Record<string, unknown> {
  const spec = sampleSpec(name);
  return runKey ? { ...spec, irflow: { runKey } } : spec;
}

function sampleJob(): Record<string, unknown> {
  return sample("default-model-package.json").job as Record<string, unknown>;
}
