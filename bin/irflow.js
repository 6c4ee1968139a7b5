#!/usr/bin/env node
// Runs the compiled CLI (.build/cli/, built by `npm install`); without a current build it runs the
// TypeScript sources through tsx, as development needs, saying so.
import { readFileSync } from "node:fs";

// Checked before anything else loads, against package.json's engines: an older Node fails later
// with errors that do not say why (import.meta.dirname arrived in 20.11).
const { engines } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const [needMajor, needMinor] = engines.node.replace(">=", "").split(".").map(Number);
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < needMajor || (major === needMajor && minor < (needMinor ?? 0))) {
  process.stderr.write(
    `irflow needs Node.js ${engines.node.replace(">=", "")} or later (Lambda runs it on Node.js 22); this is Node.js ${process.versions.node}.\n`,
  );
  process.exit(1);
}

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

const { builtCli } = await import("../scripts/build-cli.mjs");
const build = builtCli();
let main;
if (build.entry) {
  ({ main } = await import(build.entry));
} else {
  process.stderr.write(
    `irflow: ${build.reason}; running the TypeScript sources with tsx, a few seconds slower to start ('npm run build' compiles it).\n`,
  );
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
