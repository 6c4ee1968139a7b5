import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../cli/io.ts";
import { writeLocalState } from "../../cli/target.ts";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.ts";

const ROOT = join(import.meta.dirname, "../..");

export type CapturedIo = CliIo & { out: () => string; err: () => string };

/**
 * A CLI io that records what a command prints, run from the repository root. Without `env` the
 * command reads none of its own (the process's, as the CLI does by default).
 */
export function captureIo(env?: NodeJS.ProcessEnv, stdin = ""): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(""),
    err: () => err.join(""),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
    cwd: ROOT,
    ...(env ? { env } : {}),
  };
}

/** A local stack the CLI finds through its state file, in a scratch folder of the test's own. */
export interface CliStack {
  stack: LocalStack;
  /** The scratch folder: the state file, and any spec or page a test writes. */
  dir: string;
  statePath: string;
  /** An io whose commands reach this stack, with `env` added to the process's environment. */
  io(env?: NodeJS.ProcessEnv): CapturedIo;
  close(): Promise<void>;
}

export async function openCliStack(options: LocalStackOptions, name: string): Promise<CliStack> {
  const stack = await startLocalStack(options);
  const dir = await mkdtemp(join(tmpdir(), `irflow-${name}-`));
  const statePath = join(dir, "local.json");
  await writeLocalState(statePath, {
    endpoints: stack.endpoints,
    stateMachineArn: stack.stateMachineArn,
    environment: stack.environment,
    pid: process.pid,
  });
  return {
    stack,
    dir,
    statePath,
    io: (env = {}) => captureIo({ ...process.env, IRFLOW_LOCAL_STATE: statePath, ...env }),
    close: async () => {
      await stack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
