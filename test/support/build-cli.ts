import { buildCli, builtCli } from "../../scripts/build-cli.mjs";

/**
 * vitest's global setup: the tests that spawn bin/irflow.js run the compiled CLI, as a user does,
 * built again when a source changed since `npm install` built it.
 */
export default async function setup(): Promise<void> {
  if (!("entry" in builtCli())) await buildCli();
}
