import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const BIOME = join(ROOT, "node_modules/.bin/biome");

/** A small project under the repository's biome.json: each file is a case of the import rules. */
const FILES: Record<string, string> = {
  "local/stack.ts": "export const stack = 1;\n",
  "bench/run.ts": "export const run = 1;\n",
  "cli/main.ts":
    'import { core } from "../src/core.ts";\nimport { stack } from "../local/stack.ts";\nexport const main = core + stack;\n',
  "src/core.ts": "export const core = 1;\n",
  "src/uses-local.ts": 'import { stack } from "../local/stack.ts";\nexport const a = stack;\n',
  "src/deep/uses-cli.ts": 'import { main } from "../../cli/main.ts";\nexport const b = main;\n',
  "src/deep/loads-bench.ts": 'export const c = () => import("../../bench/run.ts");\n',
  "src/zod-named.ts": 'import { z } from "zod";\nexport const d = z.string();\n',
  "src/zod-namespace.ts": 'import * as z from "zod";\nexport const e = z.string();\n',
  "test/cycle-a.ts": 'import { b } from "./cycle-b.ts";\nexport const a = () => b();\n',
  "test/cycle-b.ts": 'import { a } from "./cycle-a.ts";\nexport const b = () => a();\n',
  "test/type-a.ts": 'import type { B } from "./type-b.ts";\nexport interface A {\n  b?: B;\n}\n',
  "test/type-b.ts": 'import type { A } from "./type-a.ts";\nexport interface B {\n  a?: A;\n}\n',
};

interface Diagnostic {
  category: string;
  location: { path: string };
}

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "irflow-import-rules-"));
  await copyFile(join(ROOT, "biome.json"), join(project, "biome.json"));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(project, path)), { recursive: true });
    await writeFile(join(project, path), text);
  }
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

async function lint(): Promise<string[]> {
  // Biome exits 1 when it reports errors; its report is on stdout either way.
  const result = await promisify(execFile)(
    BIOME,
    ["lint", "--vcs-enabled=false", "--reporter=json", "."],
    { cwd: project },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(result.stdout) as { diagnostics: Diagnostic[] };
  return report.diagnostics.map(
    (diagnostic) => `${diagnostic.category.replace("lint/", "")} ${diagnostic.location.path}`,
  );
}

describe("the import rules of biome.json", () => {
  it("refuse src/ importing local/, cli/ or bench/ or zod's named z, and every import cycle, types included", async () => {
    // Act
    const found = await lint();

    // Assess
    expect(found.sort()).toEqual([
      "style/noRestrictedImports src/deep/loads-bench.ts",
      "style/noRestrictedImports src/deep/uses-cli.ts",
      "style/noRestrictedImports src/uses-local.ts",
      "style/noRestrictedImports src/zod-named.ts",
      "suspicious/noImportCycles test/cycle-a.ts",
      "suspicious/noImportCycles test/cycle-b.ts",
      "suspicious/noImportCycles test/type-a.ts",
      "suspicious/noImportCycles test/type-b.ts",
    ]);
  });
});
