import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { findLocalStatePath } from "../../../cli/target.ts";
import { type CapturedIo, captureIo as captureWith } from "../../support/cli.ts";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin/irflow.js");
const RESPONSE = "test/fixtures/describe/emulated-fraud-xgboost.json";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-behaviour-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  return captureWith({ IRFLOW_LOCAL_STATE: join(dir, "no-stack.json"), ...env });
}

/** Runs bin/irflow.js through `sh -c` so its output can be piped into another program. */
function shell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn("bash", ["-c", `set -o pipefail; ${command}`], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("irflow on a user's mistakes", () => {
  it("prints its version from package.json", async () => {
    // Prepare
    const io = captureIo();
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };

    // Act
    const code = await main(["--version"], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toBe(`irflow ${manifest.version}\n`);
  });

  it("refuses --html naming a folder before any work, with exit 64 and the fix", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["report", RESPONSE, "--html", dir], io);

    // Assess
    expect(code).toBe(64);
    expect(io.err()).toContain(`--html ${dir} is a folder; name the page's file`);
    expect(io.err()).not.toMatch(/\n\s+at /);
    expect(io.out()).toBe("");
  });

  it("refuses --html in a folder that does not exist, with exit 64", async () => {
    // Prepare
    const io = captureIo();
    const page = join(dir, "missing", "x.html");

    // Act
    const code = await main(["report", RESPONSE, "--html", page], io);

    // Assess
    expect(code).toBe(64);
    expect(io.err()).toContain(`the folder ${join(dir, "missing")} does not exist`);
  });

  it("refuses --run-key for a spec that sets JobName, naming both, and starts nothing", async () => {
    // Prepare
    const spec = JSON.parse(
      await readFile(join(ROOT, "events/specs/default-model-package.json"), "utf8"),
    ) as { job: Record<string, unknown> };
    const path = join(dir, "named.json");
    await writeFile(path, JSON.stringify({ ...spec, job: { ...spec.job, JobName: "team-job-7" } }));
    const io = captureIo();

    // Act
    const code = await main(["start", path, "--run-key", "again"], io);

    // Assess
    expect(code).toBe(64);
    expect(io.err()).toContain("--run-key again cannot change the job name");
    expect(io.err()).toContain("sets job.JobName (team-job-7)");
    // No stack was asked for: the refusal comes before connecting.
    expect(io.err()).not.toContain("no local stack");
  });

  it("finds the state file in a folder above the working one, as git finds .git", async () => {
    // Prepare
    const project = join(dir, "project");
    const nested = join(project, "a", "b");
    await mkdir(join(project, ".irflow"), { recursive: true });
    await mkdir(nested, { recursive: true });
    await writeFile(join(project, ".irflow", "local.json"), "{}");
    const io = { ...captureWith({}), cwd: nested };

    // Act
    const found = findLocalStatePath(io);

    // Assess
    expect(found).toBe(join(project, ".irflow", "local.json"));
  });

  it("says where it looked when no folder above holds a state file", async () => {
    // Prepare
    const lonely = join(dir, "lonely");
    await mkdir(lonely, { recursive: true });
    const io = { ...captureWith({}), cwd: lonely };

    // Act
    const code = await main(["list"], io);

    // Assess
    expect(code).toBe(69);
    expect(io.err()).toContain(`no .irflow/local.json in ${lonely} or any folder above it`);
  });
});

describe("irflow as a program in a pipe", () => {
  it("ends quietly when the reader closes the pipe early (| head)", async () => {
    // Act
    const { code, stderr } = await shell(
      `node ${BIN} validate events/specs/advanced-phases.json | head -c 10 > /dev/null`,
    );

    // Assess
    expect(code).toBe(0);
    expect(stderr).not.toContain("EPIPE");
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("ends quietly when the reader never reads (| true), exiting as the command would", async () => {
    // Act
    const { code, stderr } = await shell(
      `node ${BIN} validate events/specs/advanced-phases.json | true`,
    );

    // Assess
    expect(code).toBe(0);
    expect(stderr).not.toContain("EPIPE");
    expect(stderr).not.toContain("Error");
  }, 30_000);
});
