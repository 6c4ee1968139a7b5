import { join } from "node:path";
import type { CliIo } from "../../cli/io.ts";

const ROOT = join(import.meta.dirname, "../..");

export type CapturedIo = CliIo & { out: () => string; err: () => string };

/** A CLI io that records what a command prints, run from the repository root. */
export function captureIo(env: NodeJS.ProcessEnv): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(""),
    err: () => err.join(""),
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => "",
    cwd: ROOT,
    env,
  };
}
