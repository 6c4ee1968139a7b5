import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, builtCli } from "../../../scripts/build-cli.mjs";

const ROOT = join(import.meta.dirname, "../../..");
const BIN = join(ROOT, "bin/irflow.js");

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "irflow-start-up-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs bin/irflow.js with the compiled CLI looked for in buildDir; never rejects. */
async function runBin(
  args: string[],
  buildDir: string,
  nodeOptions: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...nodeOptions, BIN, ...args],
      { cwd: ROOT, env: { ...process.env, IRFLOW_CLI_BUILD_DIR: buildDir } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the CLI's start-up", () => {
  it("runs the compiled CLI, which finds package.json from its sources' folder", async () => {
    // Prepare
    const buildDir = join(dir, "current");
    await buildCli(buildDir);
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };

    // Act
    const result = await runBin(["--version"], buildDir);

    // Assess
    expect(builtCli(buildDir)).toHaveProperty("entry");
    expect(result).toEqual({ code: 0, stdout: `irflow ${version}\n`, stderr: "" });
  });

  it("falls back to the TypeScript sources, saying why, when there is no build", async () => {
    // Prepare
    const buildDir = join(dir, "missing");

    // Act
    const result = await runBin(["validate", "events/specs/default-model-package.json"], buildDir);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: events\/specs\/default-model-package\.json\n/);
    expect(result.stderr).toBe(
      `irflow: no compiled CLI in ${buildDir}; running the TypeScript sources with tsx, a few seconds slower to start ('npm run build' compiles it).\n`,
    );
  });

  it("counts a build older than one of its sources as stale, naming the source", async () => {
    // Prepare
    const buildDir = join(dir, "stale");
    await buildCli(buildDir);
    const manifestPath = join(buildDir, "manifest.json");
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { inputs: string[] };
    await writeFile(manifestPath, JSON.stringify({ ...manifest, builtAt: 0 }));

    // Act
    const build = builtCli(buildDir);
    const result = await runBin(["--help"], buildDir);

    // Assess
    expect(manifest.inputs).toContain("cli/main.ts");
    expect(build).toEqual({
      reason: `${manifest.inputs[0]} changed after the compiled CLI was built`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: irflow <command>/);
    expect(result.stderr).toContain("changed after the compiled CLI was built; running the");
  });

  it("refuses a Node.js older than package.json's engines with one line saying what it needs", async () => {
    // Prepare
    const olderNode = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.10.0"})`;
    const { engines } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
    };

    // Act
    const result = await runBin(["--help"], join(dir, "unused"), ["--import", olderNode]);

    // Assess
    expect(engines.node).toBe(">=20.11");
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "irflow needs Node.js 20.11 or later (Lambda runs it on Node.js 22); this is Node.js 20.10.0.\n",
    });
  });
});
