import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { type CapturedIo, captureIo as captureWith } from "../../support/cli.ts";

let emptyDir: string;

beforeAll(async () => {
  emptyDir = await mkdtemp(join(tmpdir(), "irflow-cli-"));
});

afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
});

function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  return captureWith({ IRFLOW_LOCAL_STATE: join(emptyDir, "local.json"), ...env });
}

const COMMANDS = [
  "validate",
  "start",
  "status",
  "stop",
  "list",
  "decide",
  "report",
  "local",
  "demo",
];

describe("irflow commands", () => {
  it("lists every command with its summary", async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(["--help"], io);

    // Assess
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(io.out()).toMatch(new RegExp(`^  ${command} +\\S`, "m"));
  });

  it.each(COMMANDS)("prints the usage of %s for --help and exits 0", async (command) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main([command, "--help"], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toContain(`Usage: irflow ${command}`);
    expect(io.err()).toBe("");
  });

  it.each(COMMANDS)(
    "rejects an unknown flag of %s with exit 64 and no stack trace",
    async (command) => {
      // Prepare
      const io = captureIo();

      // Act
      const code = await main([command, "--no-such-flag"], io);

      // Assess
      expect(code).toBe(64);
      expect(io.err()).toContain("Unknown option '--no-such-flag'");
      expect(io.err()).toContain(`irflow ${command} --help`);
      expect(io.err()).not.toMatch(/\n\s+at /);
    },
  );

  it.each([
    [["start", "events/specs/default-model-package.json", "--target", "moon"], "--target must be"],
    [["list", "--limit", "0"], "--limit must be an integer"],
    [["status"], "Usage: irflow status"],
    [["start"], "Usage: irflow start"],
    [["local", "stack", "--port", "1"], "--port applies to 'irflow local sagemaker' only"],
    [["local", "stack", "--port-base", "4x"], "--port-base must be an integer from 1 to 65531"],
    [["local", "stack", "--port-base", "65533"], "--port-base must be an integer from 1 to 65531"],
    [["local", "sagemaker", "--port-base", "4566"], "--port-base applies to 'irflow local stack'"],
    [["demo", "--time-scale", "fast"], "--time-scale must be a positive number"],
  ])("rejects %j with exit 64", async (argv, message) => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(argv, io);

    // Assess
    expect(code).toBe(64);
    expect(io.err()).toContain(message);
  });

  it.each([["start", "events/specs/default-model-package.json"], ["status", "some-job"], ["list"]])(
    "tells the user to run 'irflow local stack' when no local stack runs (%s)",
    async (...argv) => {
      // Prepare
      const io = captureIo();

      // Act
      const code = await main(argv, io);

      // Assess
      expect(code).toBe(69);
      expect(io.err()).toContain("no local stack is running");
      expect(io.err()).toContain("irflow local stack");
    },
  );
});
