#!/usr/bin/env node
// Runs the TypeScript CLI directly; tsx compiles on the fly, so there is no build step.
import { register } from "tsx/esm/api";

// The AWS SDK warns once per process that its releases after January 2027 need Node 22. That is
// not actionable for a CLI user on Node 20, so this warning alone is dropped; others still print.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === "string" ? warning : (warning?.message ?? "");
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (
    type === "NodeVersionSupportWarning" ||
    warning?.name === "NodeVersionSupportWarning" ||
    text.startsWith("NodeVersionSupportWarning")
  ) {
    return;
  }
  emitWarning(warning, ...rest);
};

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
