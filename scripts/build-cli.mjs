// Compiles the CLI (cli/main.ts and what it imports from src/ and local/) with esbuild into
// .build/cli/, so that a start runs JavaScript instead of compiling TypeScript. `npm install` and
// `npm ci` run it (the root `prepare` script), as do `npm run build` and the test setup.
// IRFLOW_CLI_BUILD_DIR names another folder (the tests use it).
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname, "..");
export const BUILD_DIR = process.env.IRFLOW_CLI_BUILD_DIR || join(ROOT, ".build", "cli");
/**
 * Each build has its own folder, named in the manifest, so a CLI still loading chunks of the
 * previous one is not broken by a rebuild; folders older than this are removed.
 */
const KEEP_OLD_BUILDS_MS = 10 * 60 * 1000;

/**
 * Bundled code runs from .build/cli/<id>/, so each module's import.meta.dirname and
 * import.meta.url are rewritten to where its source is: data files are read relative to it.
 */
const sourceLocation = {
  name: "source-location",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.")) return { contents: text, loader: "ts" };
      const toSource = relative(build.initialOptions.outdir, dirname(args.path)) || ".";
      const toFile = relative(build.initialOptions.outdir, args.path);
      const contents = text
        .replaceAll(
          "import.meta.dirname",
          `__irflowJoin(import.meta.dirname, ${JSON.stringify(toSource)})`,
        )
        .replaceAll("import.meta.url", `new URL(${JSON.stringify(toFile)}, import.meta.url).href`);
      return {
        contents: `import { join as __irflowJoin } from "node:path";\n${contents}`,
        loader: "ts",
      };
    });
  },
};

/** Builds the CLI into buildDir and returns its entry point's path. */
export async function buildCli(buildDir = BUILD_DIR) {
  mkdirSync(buildDir, { recursive: true });
  const { build } = await import("esbuild");
  const builtAt = Date.now();
  const id = `${builtAt}-${process.pid}`;
  const result = await build({
    entryPoints: [join(ROOT, "cli", "main.ts")],
    outdir: join(buildDir, id),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    metafile: true,
    logLevel: "error",
    plugins: [sourceLocation],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((path) => relative(ROOT, join(process.cwd(), path)))
    .filter((path) => !path.split(/[\\/]/).includes("node_modules"));
  const manifest = { entry: `${id}/main.js`, builtAt, inputs };
  const manifestPath = join(buildDir, "manifest.json");
  const temporary = `${manifestPath}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(manifest)}\n`);
  renameSync(temporary, manifestPath);
  for (const name of readdirSync(buildDir)) {
    const path = join(buildDir, name);
    if (name === id || name.startsWith("manifest")) continue;
    if (builtAt - statSync(path).mtimeMs > KEEP_OLD_BUILDS_MS)
      rmSync(path, { recursive: true, force: true });
  }
  return join(buildDir, manifest.entry);
}

/**
 * The compiled entry point (`{ entry }`), or why there is none to run (`{ reason }`): no build,
 * or a source changed since it was built.
 */
export function builtCli(buildDir = BUILD_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(buildDir, "manifest.json"), "utf8"));
    statSync(join(buildDir, manifest.entry));
  } catch {
    return { reason: `no compiled CLI in ${buildDir}` };
  }
  for (const input of manifest.inputs) {
    let modified;
    try {
      modified = statSync(join(ROOT, input)).mtimeMs;
    } catch {
      return { reason: `the compiled CLI was built from ${input}, which is gone` };
    }
    if (modified > manifest.builtAt) {
      return { reason: `${input} changed after the compiled CLI was built` };
    }
  }
  return { entry: join(buildDir, manifest.entry) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildCli();
}
