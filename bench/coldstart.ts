/**
 * `npm run bench -- coldstart [--profile NAME] [--baseline-sourcemap linked|inline] [--json]`:
 * what a cold start costs each packaged Lambda function, against the same function bundled the way
 * irflow deployed it before its bundles were made lean.
 *
 * Per function (.serverless/<name>.zip, from `npm run package`): the zip's size, the AWS SDK
 * clients its code holds against those its IAM role lets it call, and the time a fresh Node
 * process takes to load its handler module (median of 7). The baseline is built here from the same
 * sources with the earlier settings: CommonJS, each package's default (CommonJS) build, minified,
 * every zod locale, a source map (`sourcemap: true` made a .js.map file beside the code, packaged
 * with it; `--baseline-sourcemap inline` embeds it in the code instead), loaded with
 * NODE_OPTIONS=--enable-source-maps; its zip size is the size the packager's zip of those files
 * would have.
 *
 * Each sample is its own process, loading the module the way Lambda's Node.js runtime does (an
 * .mjs handler with import(), a CommonJS .js handler with require()), timed inside the process
 * around that call only. Lean and baseline runs alternate, their order swapped every round, so
 * that the load of a shared machine falls on both alike.
 *
 * `--profile NAME` profiles one function instead (node --cpu-prof, 7 runs of each bundle) and
 * tells where its import time goes: the CPU time sampled while the module loads, attributed
 * through source maps to the package or source directory whose code ran (or called into Node).
 */
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { deflateRawSync } from "node:zlib";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { type CLIENT_MARKERS, clientsIn, readZip } from "../test/support/zip.ts";
import { parseOptions } from "./args.ts";

const ROOT = join(import.meta.dirname, "..");
const PACKAGE_DIR = join(ROOT, ".serverless");
const TEMPLATE = join(PACKAGE_DIR, "cloudformation-template-update-stack.json");
const SERVICE_STATE = join(PACKAGE_DIR, "serverless-state.json");
/** What the packaged zips are built from: any of it newer than the zips means packaging again. */
const PACKAGE_SOURCES = ["src", "functions", "deploy", "serverless.yml"];

const SAMPLES = 7;
const ZIP_LIMIT_BYTES = 300 * 1024;
const TARGET_RATIO = 0.5;
/** The deflate level of the packager's zip writer (archiver's default: best speed). */
const PACKAGER_DEFLATE_LEVEL = 1;
const REGION = "us-east-1";
const ACCOUNT = "111122223333";
const BASELINE_NODE_OPTIONS = "--enable-source-maps";
const BASELINE_SOURCEMAPS = ["linked", "inline"] as const;
type BaselineSourcemap = (typeof BASELINE_SOURCEMAPS)[number];

/** The IAM service prefix that calls for each client `clientsIn` recognises. */
const CLIENT_OF_SERVICE: Record<string, keyof typeof CLIENT_MARKERS> = {
  dynamodb: "dynamodb",
  sagemaker: "sagemaker",
  events: "eventbridge",
  states: "sfn",
};

export interface ColdStartFunction {
  name: string;
  zipBytes: number;
  clients: string[];
  /** The clients its role allows it to call: the ones its code uses. */
  expectedClients: string[];
  importMsMedian: number;
  importMsSamples: number[];
  baselineZipBytes: number;
  baselineClients: string[];
  baselineImportMsMedian: number;
  baselineImportMsSamples: number[];
  /** importMsMedian / baselineImportMsMedian: at most 0.5 is the target. */
  ratio: number;
}

export interface ColdStartFigures {
  functions: ColdStartFunction[];
  summary: {
    packaged: "reused" | "packaged";
    /** How the baseline carries its source map. */
    baselineSourcemap: BaselineSourcemap;
    samples: number;
    nodeVersion: string;
    /** Every bundle holds exactly the clients its role allows. */
    clientsTargetMet: boolean;
    maxZipBytes: number;
    baselineMaxZipBytes: number;
    zipLimitBytes: number;
    zipTargetMet: boolean;
    /** Medians over the functions of their import medians. */
    importMsMedian: number;
    baselineImportMsMedian: number;
    ratio: number;
    targetRatio: number;
    importTargetMet: boolean;
    functionsMeetingImportTarget: number;
    worstRatio: number;
  };
}

interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
}
type Resources = Record<string, TemplateResource>;

interface PackagedFunction {
  name: string;
  /** The handler's module path without extension, as in serverless.yml: functions/create-job. */
  moduleStem: string;
  environment: Record<string, string>;
  expectedClients: string[];
}

/** The packaged stack, packaging it first when its sources changed since it was packaged. */
async function packagedStack(): Promise<{ resources: Resources; packaged: "reused" | "packaged" }> {
  const packaged = isPackageCurrent() ? "reused" : "packaged";
  if (packaged === "packaged") {
    console.error("coldstart: packaging the stack (npm run package)...");
    try {
      await promisify(execFile)("npm", ["run", "--silent", "package"], {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "",
          AWS_SECRET_ACCESS_KEY: "",
          SLS_TELEMETRY_DISABLED: "1",
        },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
      });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`coldstart: npm run package failed:\n${tail(`${stdout}\n${stderr}`)}`);
    }
  }
  const template = JSON.parse(readFileSync(TEMPLATE, "utf8")) as { Resources: Resources };
  return { resources: template.Resources, packaged };
}

function isPackageCurrent(): boolean {
  let zips: string[];
  try {
    zips = readdirSync(PACKAGE_DIR).filter((file) => file.endsWith(".zip"));
  } catch {
    return false;
  }
  if (zips.length === 0) return false;
  const packagedAt = Math.min(
    ...[...zips, basename(TEMPLATE), basename(SERVICE_STATE)].map((file) =>
      mtimeOrZero(join(PACKAGE_DIR, file)),
    ),
  );
  const newestSource = Math.max(
    ...PACKAGE_SOURCES.map((source) => newestModification(join(ROOT, source))),
  );
  return newestSource < packagedAt;
}

function mtimeOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestModification(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestModification(join(path, entry))),
    stats.mtimeMs,
  );
}

/** Every Lambda function of the template, with its handler, environment and permitted clients. */
function packagedFunctions(resources: Resources): PackagedFunction[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === "AWS::Lambda::Function")
    .map(([logicalId, resource]) => {
      const properties = resource.Properties as {
        Handler: string;
        FunctionName?: string;
        MemorySize?: number;
        Runtime?: string;
        Code: { S3Key: string };
        Role: { "Fn::GetAtt": [string, string] };
        Environment?: { Variables?: Record<string, unknown> };
      };
      // What Lambda sets in every function's environment, then what the template sets.
      const environment: Record<string, string> = {
        AWS_LAMBDA_FUNCTION_NAME: properties.FunctionName ?? logicalId,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(properties.MemorySize ?? 128),
        AWS_EXECUTION_ENV: `AWS_Lambda_${properties.Runtime ?? "nodejs"}`,
      };
      for (const [key, value] of Object.entries(properties.Environment?.Variables ?? {})) {
        environment[key] = resolveValue(resources, key, value);
      }
      return {
        name: basename(properties.Code.S3Key, ".zip"),
        moduleStem: properties.Handler.slice(0, properties.Handler.lastIndexOf(".")),
        environment,
        expectedClients: permittedClients(resources[properties.Role["Fn::GetAtt"][0]]),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An environment value as CloudFormation would set it, for the resources a function reads. */
function resolveValue(resources: Resources, variable: string, value: unknown): string {
  if (typeof value === "string") return value;
  const reference = (value as { Ref?: string }).Ref;
  const resource = reference === undefined ? undefined : resources[reference];
  if (resource?.Type === "AWS::DynamoDB::Table") return String(resource.Properties.TableName);
  if (resource?.Type === "AWS::StepFunctions::StateMachine") {
    const name = String(resource.Properties.StateMachineName ?? reference);
    return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  }
  throw new Error(
    `coldstart: cannot give ${variable} a value: ${JSON.stringify(value)} is neither a string nor a Ref to a table or state machine`,
  );
}

function permittedClients(role: TemplateResource | undefined): string[] {
  const policies = (role?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: { Effect: string; Action: string | string[] }[] };
  }[];
  const clients = new Set<string>();
  for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
    if (statement.Effect !== "Allow") continue;
    for (const action of [statement.Action].flat()) {
      const client = CLIENT_OF_SERVICE[action.split(":")[0] ?? ""];
      if (client) clients.add(client);
    }
  }
  return [...clients].sort();
}

/** The size of a zip holding `files`, deflated as the packager does (headers and descriptors). */
function zipBytes(files: Map<string, Buffer>): number {
  const endOfCentralDirectory = 22;
  let size = endOfCentralDirectory;
  for (const [name, content] of files) {
    const nameBytes = Buffer.byteLength(name);
    const compressed = deflateRawSync(content, { level: PACKAGER_DEFLATE_LEVEL }).length;
    const localHeader = 30;
    const dataDescriptor = 16;
    const centralHeader = 46;
    size += localHeader + nameBytes + compressed + dataDescriptor + centralHeader + nameBytes;
  }
  return size;
}

/** The function bundled as irflow deployed it before: CommonJS, a source map, no plugins. */
async function buildBaseline(
  fn: PackagedFunction,
  directory: string,
  sourcemap: BaselineSourcemap,
): Promise<string> {
  const file = join(directory, `${fn.moduleStem}.js`);
  await build({
    entryPoints: [join(ROOT, `${fn.moduleStem}.ts`)],
    outfile: file,
    bundle: true,
    minify: true,
    sourcemap,
    target: "node22",
    platform: "node",
    format: "cjs",
    logLevel: "error",
  });
  return file;
}

/**
 * The function bundled with the deployed settings (serverless-esbuild's, as the last packaging
 * resolved them) plus a source map in a file of its own, which leaves the code as deployed.
 */
async function buildDeployedWithMap(fn: PackagedFunction, directory: string): Promise<string> {
  const state = JSON.parse(readFileSync(SERVICE_STATE, "utf8")) as {
    service: { custom?: { esbuild?: Record<string, unknown> } };
  };
  const {
    plugins,
    outputFileExtension = ".js",
    exclude = [],
    ...options
  } = state.service.custom?.esbuild ?? {};
  const file = join(directory, `${fn.moduleStem}${outputFileExtension}`);
  await build({
    ...(options as BuildOptions),
    entryPoints: [join(ROOT, `${fn.moduleStem}.ts`)],
    outfile: file,
    external: exclude as string[],
    plugins:
      typeof plugins === "string"
        ? (createRequire(import.meta.url)(join(ROOT, plugins)) as Plugin[])
        : [],
    sourcemap: "external",
    logLevel: "error",
  });
  return file;
}

/** Writes the packaged zip's files under `directory`; returns the handler module's path. */
function unpack(fn: PackagedFunction, files: Map<string, Buffer>, directory: string): string {
  for (const [name, content] of files) {
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(join(directory, name)), { recursive: true });
    writeFileSync(join(directory, name), content);
  }
  const handler = handlerFile(fn, files);
  if (!handler) throw new Error(`coldstart: ${fn.name}.zip holds no ${fn.moduleStem} module`);
  return join(directory, handler);
}

function handlerFile(fn: PackagedFunction, files: Map<string, Buffer>): string | undefined {
  return [...files.keys()].find((name) =>
    [".mjs", ".js", ".cjs"].some((extension) => name === `${fn.moduleStem}${extension}`),
  );
}

/**
 * Runs in the fresh process: loads the module as Lambda's runtime would, timing only that, and
 * gives the instants too (microseconds on the clock CPU profiles use).
 */
const LOADER = `
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const [file] = process.argv.slice(1);
const start = process.hrtime.bigint();
if (file.endsWith(".mjs")) await import(pathToFileURL(file).href);
else createRequire(file)(file);
const end = process.hrtime.bigint();
process.stdout.write(JSON.stringify({
  ms: Number(end - start) / 1e6,
  startMicros: Number(start / 1000n),
  endMicros: Number(end / 1000n),
}));
process.exit(0);
`;

interface Load {
  ms: number;
  startMicros: number;
  endMicros: number;
}

async function load(
  file: string,
  environment: Record<string, string>,
  nodeOptions: string,
  nodeArguments: readonly string[] = [],
): Promise<Load> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeArguments, "--input-type=module", "--eval", LOADER, file],
    {
      cwd: dirname(file),
      env: {
        PATH: process.env.PATH ?? "",
        TZ: ":UTC",
        LANG: "en_US.UTF-8",
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_SESSION_TOKEN: "coldstart",
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
        AWS_XRAY_DAEMON_ADDRESS: "169.254.79.129:2000",
        LAMBDA_TASK_ROOT: dirname(file),
        ...environment,
        NODE_OPTIONS: nodeOptions,
      },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 60_000,
    },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`coldstart: loading ${file} failed:\n${tail(error.stderr || error.message)}`);
  });
  return JSON.parse(stdout) as Load;
}

/** The last lines of a process's output, each cut short: minified code makes very long lines. */
function tail(output: string): string {
  return output
    .trim()
    .split("\n")
    .slice(-15)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}...` : line))
    .join("\n");
}

/** Both loads, lean first in even rounds and baseline first in odd ones. */
async function inTurn(
  round: number,
  lean: () => Promise<void>,
  baseline: () => Promise<void>,
): Promise<void> {
  for (const run of round % 2 === 0 ? [lean, baseline] : [baseline, lean]) await run();
}

/** The files a bundle built in `directory` packages into its zip, by their path in the zip. */
function bundleFiles(directory: string, path = ""): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(join(directory, path), { withFileTypes: true })) {
    const inZip = path ? `${path}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      for (const [name, content] of bundleFiles(directory, inZip)) files.set(name, content);
    } else {
      files.set(inZip, readFileSync(join(directory, inZip)));
    }
  }
  return files;
}

export async function coldStartRun(
  baselineSourcemap: BaselineSourcemap = "linked",
): Promise<ColdStartFigures> {
  const { resources, packaged } = await packagedStack();
  const functions = packagedFunctions(resources);
  const scratch = mkdtempSync(join(tmpdir(), "irflow-coldstart-"));
  try {
    const subjects = await Promise.all(
      functions.map(async (fn) => {
        const files = readZip(join(PACKAGE_DIR, `${fn.name}.zip`));
        const baselineDirectory = join(scratch, "baseline", fn.name);
        const baseline = await buildBaseline(fn, baselineDirectory, baselineSourcemap);
        const baselineFiles = bundleFiles(baselineDirectory);
        return {
          fn,
          lean: unpack(fn, files, join(scratch, "lean", fn.name)),
          baseline,
          zipBytes: statSync(join(PACKAGE_DIR, `${fn.name}.zip`)).size,
          clients: clientsIn(codeOf(files)).sort(),
          baselineZipBytes: zipBytes(baselineFiles),
          baselineClients: clientsIn(codeOf(baselineFiles)).sort(),
          leanSamples: [] as number[],
          baselineSamples: [] as number[],
        };
      }),
    );

    // Round by round over the functions, so that a slow spell of the machine spreads over all;
    // round 0 is not recorded: it brings every file into the page cache.
    for (let round = 0; round <= SAMPLES; round += 1) {
      for (const subject of subjects) {
        await inTurn(
          round,
          async () => {
            const { ms } = await load(subject.lean, subject.fn.environment, "");
            if (round > 0) subject.leanSamples.push(ms);
          },
          async () => {
            const { ms } = await load(
              subject.baseline,
              subject.fn.environment,
              BASELINE_NODE_OPTIONS,
            );
            if (round > 0) subject.baselineSamples.push(ms);
          },
        );
      }
    }

    const rows: ColdStartFunction[] = subjects.map((subject) => {
      const importMsMedian = median(subject.leanSamples);
      const baselineImportMsMedian = median(subject.baselineSamples);
      return {
        name: subject.fn.name,
        zipBytes: subject.zipBytes,
        clients: subject.clients,
        expectedClients: subject.fn.expectedClients,
        importMsMedian: round(importMsMedian, 1),
        importMsSamples: subject.leanSamples.map((ms) => round(ms, 1)),
        baselineZipBytes: subject.baselineZipBytes,
        baselineClients: subject.baselineClients,
        baselineImportMsMedian: round(baselineImportMsMedian, 1),
        baselineImportMsSamples: subject.baselineSamples.map((ms) => round(ms, 1)),
        ratio: round(importMsMedian / baselineImportMsMedian, 3),
      };
    });
    const importMsMedian = median(subjects.map((subject) => median(subject.leanSamples)));
    const baselineImportMsMedian = median(
      subjects.map((subject) => median(subject.baselineSamples)),
    );
    const ratio = importMsMedian / baselineImportMsMedian;
    const maxZipBytes = Math.max(...rows.map((row) => row.zipBytes));
    return {
      functions: rows,
      summary: {
        packaged,
        baselineSourcemap,
        samples: SAMPLES,
        nodeVersion: process.version,
        clientsTargetMet: rows.every(holdsOnlyItsClients),
        maxZipBytes,
        baselineMaxZipBytes: Math.max(...rows.map((row) => row.baselineZipBytes)),
        zipLimitBytes: ZIP_LIMIT_BYTES,
        zipTargetMet: maxZipBytes <= ZIP_LIMIT_BYTES,
        importMsMedian: round(importMsMedian, 1),
        baselineImportMsMedian: round(baselineImportMsMedian, 1),
        ratio: round(ratio, 3),
        targetRatio: TARGET_RATIO,
        importTargetMet: ratio <= TARGET_RATIO,
        functionsMeetingImportTarget: rows.filter((row) => row.ratio <= TARGET_RATIO).length,
        worstRatio: Math.max(...rows.map((row) => row.ratio)),
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface CostShare {
  cost: string;
  ms: number;
}

export interface LoadProfile {
  importMsMedian: number;
  /** CPU time sampled while the module loaded, per run. */
  sampledMs: number;
  costs: CostShare[];
  /** The functions whose own code took the most, with where they are defined. */
  hottest: CostShare[];
}

export interface ColdStartProfile {
  name: string;
  baselineSourcemap: BaselineSourcemap;
  runs: number;
  /** The lean bundle profiled is byte for byte the packaged one. */
  sameAsPackaged: boolean;
  lean: LoadProfile;
  baseline: LoadProfile;
}

const PROFILE_INTERVAL_MICROS = 250;
const COMPILE_FUNCTIONS = new Set(["compileSourceTextModule", "wrapSafe", "compileFunction"]);
const COMPILE = "V8: parse and compile the bundle";
const SOURCE_MAPS = "Node: source maps (--enable-source-maps)";
const TOP_LEVEL = "bundle: top-level code, esbuild's helpers";
const GARBAGE = "V8: garbage collection";
const UNATTRIBUTED = "V8: other (program)";
const NODE = "Node: module loader and built-ins";

export async function coldStartProfile(
  name: string,
  baselineSourcemap: BaselineSourcemap = "linked",
): Promise<ColdStartProfile> {
  const { resources } = await packagedStack();
  const functions = packagedFunctions(resources);
  const fn = functions.find((candidate) => candidate.name === name);
  if (!fn) {
    throw new Error(
      `--profile must name a packaged function (${functions.map((known) => known.name).join(", ")}), got ${name}`,
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), "irflow-coldstart-profile-"));
  try {
    const lean = await buildDeployedWithMap(fn, join(scratch, "lean"));
    const packaged = readZip(join(PACKAGE_DIR, `${fn.name}.zip`));
    const packagedCode = packaged.get(handlerFile(fn, packaged) ?? "");
    const baseline = await buildBaseline(fn, join(scratch, "baseline"), baselineSourcemap);

    const leanRuns: ProfiledLoad[] = [];
    const baselineRuns: ProfiledLoad[] = [];
    for (let round = 0; round <= SAMPLES; round += 1) {
      await inTurn(
        round,
        async () => {
          const run = await profiledLoad(lean, fn.environment, "", join(scratch, `lean-${round}`));
          if (round > 0) leanRuns.push(run);
        },
        async () => {
          const run = await profiledLoad(
            baseline,
            fn.environment,
            BASELINE_NODE_OPTIONS,
            join(scratch, `baseline-${round}`),
          );
          if (round > 0) baselineRuns.push(run);
        },
      );
    }
    return {
      name,
      baselineSourcemap,
      runs: SAMPLES,
      sameAsPackaged: packagedCode?.equals(readFileSync(lean)) ?? false,
      lean: attribute(leanRuns, lean, sourceMapOf(lean)),
      baseline: attribute(baselineRuns, baseline, sourceMapOf(baseline)),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface ProfiledLoad extends Load {
  profile: CpuProfile;
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

async function profiledLoad(
  file: string,
  environment: Record<string, string>,
  nodeOptions: string,
  directory: string,
): Promise<ProfiledLoad> {
  const run = await load(file, environment, nodeOptions, [
    "--cpu-prof",
    "--cpu-prof-interval",
    String(PROFILE_INTERVAL_MICROS),
    "--cpu-prof-dir",
    directory,
  ]);
  const [profileFile] = readdirSync(directory).filter((entry) => entry.endsWith(".cpuprofile"));
  if (!profileFile) throw new Error(`coldstart: node wrote no CPU profile in ${directory}`);
  return { ...run, profile: JSON.parse(readFileSync(join(directory, profileFile), "utf8")) };
}

/** The CPU time sampled while the module loaded, by what ran, averaged over the runs. */
function attribute(runs: ProfiledLoad[], file: string, map: SourceMap): LoadProfile {
  const bundleUrls = new Set([file, `file://${file}`]);
  const origin = sourceMapLookup(map);
  const costs = new Map<string, number>();
  const hottest = new Map<string, number>();
  let sampledMicros = 0;
  for (const { profile, startMicros, endMicros } of runs) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) parents.set(child, node.id);
    }
    const ancestry = (id: number) => {
      const chain: CpuProfile["nodes"] = [];
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const node = nodes.get(at);
        if (node) chain.push(node);
      }
      return chain;
    };
    const bundleFrame = (node: CpuProfile["nodes"][number]) => {
      if (!bundleUrls.has(node.callFrame.url)) return undefined;
      const position = origin(node.callFrame.lineNumber, node.callFrame.columnNumber);
      if (!position) return { cost: TOP_LEVEL, frame: TOP_LEVEL };
      const path = resolve(dirname(file), position.source);
      const where = relative(ROOT, path);
      return { cost: costOfSource(path), frame: `${where}:${position.line + 1}` };
    };
    const classify = (id: number): { cost: string; frame: string } => {
      const chain = ancestry(id);
      const [self] = chain;
      const name = self?.callFrame.functionName ?? "";
      const own = self && bundleFrame(self);
      if (own) return own;
      if (name === "(garbage collector)") return { cost: GARBAGE, frame: name };
      if (name === "(program)" || name === "(idle)") return { cost: UNATTRIBUTED, frame: name };
      if (chain.some((node) => node.callFrame.url.includes("internal/source_map"))) {
        return { cost: SOURCE_MAPS, frame: `${SOURCE_MAPS}: ${name || "(native)"}` };
      }
      if (COMPILE_FUNCTIONS.has(name)) return { cost: COMPILE, frame: `${COMPILE}: ${name}` };
      const caller = chain.find((node) => bundleUrls.has(node.callFrame.url));
      const callerFrame = caller && bundleFrame(caller);
      if (callerFrame) return { cost: callerFrame.cost, frame: `${callerFrame.frame} -> ${name}` };
      return { cost: NODE, frame: `${NODE}: ${name || "(native)"}` };
    };
    const classified = new Map<number, { cost: string; frame: string }>();
    let at = profile.startTime;
    profile.samples.forEach((id, index) => {
      at += profile.timeDeltas[index] ?? 0;
      const duration = profile.timeDeltas[index + 1] ?? 0;
      if (at < startMicros || at > endMicros) return;
      const found = classified.get(id) ?? classify(id);
      classified.set(id, found);
      costs.set(found.cost, (costs.get(found.cost) ?? 0) + duration);
      hottest.set(found.frame, (hottest.get(found.frame) ?? 0) + duration);
      sampledMicros += duration;
    });
  }
  const perRun = (micros: number) => round(micros / 1000 / runs.length, 1);
  const ranked = (totals: Map<string, number>) =>
    [...totals].sort((a, b) => b[1] - a[1]).map(([cost, micros]) => ({ cost, ms: perRun(micros) }));
  return {
    importMsMedian: round(median(runs.map((run) => run.ms)), 1),
    sampledMs: perRun(sampledMicros),
    costs: ranked(costs),
    hottest: ranked(hottest).slice(0, 12),
  };
}

/** The package (node_modules) or source directory (src/decision) a bundled file came from. */
function costOfSource(path: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage?.[1]) return inPackage[1];
  const parts = relative(ROOT, path).split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : parts.join("/");
}

interface SourceMap {
  sources: string[];
  mappings: string;
}

/** A bundle's source map: in a .map file beside it, or inline at its end. */
function sourceMapOf(file: string): SourceMap {
  try {
    return JSON.parse(readFileSync(`${file}.map`, "utf8")) as SourceMap;
  } catch {
    const inline = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(
      readFileSync(file, "utf8"),
    );
    if (!inline?.[1]) throw new Error(`coldstart: ${file} has no source map`);
    return JSON.parse(Buffer.from(inline[1], "base64").toString("utf8")) as SourceMap;
  }
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Where a generated position (0-based line and column) came from, by the map's mappings. */
function sourceMapLookup(
  map: SourceMap,
): (line: number, column: number) => { source: string; line: number } | undefined {
  // Per generated line: [column, source index, original line] triples, by column.
  const lines: number[][] = [];
  let sourceIndex = 0;
  let sourceLine = 0;
  for (const text of map.mappings.split(";")) {
    const segments: number[] = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceIndex += fields[1] ?? 0;
        sourceLine += fields[2] ?? 0;
        segments.push(column, sourceIndex, sourceLine);
      }
    }
    lines.push(segments);
  }
  return (line, column) => {
    const segments = lines[line] ?? [];
    let low = 0;
    let high = segments.length / 3 - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((segments[middle * 3] ?? 0) <= column) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return undefined;
    const source = map.sources[segments[found * 3 + 1] ?? -1];
    return source === undefined ? undefined : { source, line: segments[found * 3 + 2] ?? 0 };
  };
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of segment) {
    const digit = BASE64.indexOf(character);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function codeOf(files: Map<string, Buffer>): string {
  return [...files.entries()]
    .filter(([name]) => [".mjs", ".js", ".cjs"].includes(extname(name)))
    .map(([, content]) => content.toString("utf8"))
    .join("\n");
}

function holdsOnlyItsClients(row: ColdStartFunction): boolean {
  return row.clients.join(",") === row.expectedClients.join(",");
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (met: boolean) => (met ? "met" : "NOT met");

/** Columns padded to their widest cell; the first column left-aligned, the others right. */
function printTable(rows: string[][], leftAligned: readonly number[] = [0]): void {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  for (const row of rows) {
    const cells = row.map((cell, column) =>
      leftAligned.includes(column)
        ? cell.padEnd(widths[column] ?? 0)
        : cell.padStart(widths[column] ?? 0),
    );
    console.log(cells.join("  ").trimEnd());
  }
}

function printFigures(figures: ColdStartFigures): void {
  printTable(
    [
      ["function", "zip", "clients", "import p50", "baseline zip", "baseline p50", "ratio"],
      ...figures.functions.map((row) => [
        row.name,
        kilobytes(row.zipBytes),
        holdsOnlyItsClients(row)
          ? row.clients.join(" ")
          : `${row.clients.join(" ")} (uses ${row.expectedClients.join(" ")})`,
        `${row.importMsMedian.toFixed(1)} ms`,
        kilobytes(row.baselineZipBytes),
        `${row.baselineImportMsMedian.toFixed(1)} ms`,
        row.ratio.toFixed(2),
      ]),
    ],
    [0, 2],
  );
  const { summary } = figures;
  console.log("");
  printTable(
    [
      ["packaging", `${summary.packaged} (.serverless/)`],
      ["samples", `${summary.samples} fresh processes per bundle, Node ${summary.nodeVersion}`],
      ["baseline source map", `${summary.baselineSourcemap}, --enable-source-maps`],
      [
        "only the clients it uses",
        `${verdict(summary.clientsTargetMet)} (each bundle against the clients its role allows)`,
      ],
      [
        "largest zip",
        `${kilobytes(summary.maxZipBytes)} (baseline ${kilobytes(summary.baselineMaxZipBytes)}), target at most ${kilobytes(summary.zipLimitBytes)}: ${verdict(summary.zipTargetMet)}`,
      ],
      [
        "import p50 over functions",
        `${summary.importMsMedian} ms against ${summary.baselineImportMsMedian} ms = ${summary.ratio}x, target at most ${summary.targetRatio}x: ${verdict(summary.importTargetMet)}`,
      ],
      [
        `functions at most ${summary.targetRatio}x`,
        `${summary.functionsMeetingImportTarget} of ${figures.functions.length} (worst ${summary.worstRatio}x)`,
      ],
    ],
    [0, 1],
  );
}

function printProfile(profile: ColdStartProfile): void {
  console.log(
    `${profile.name}: CPU time sampled while the module loads, mean of ${profile.runs} runs of each bundle (baseline source map ${profile.baselineSourcemap})`,
  );
  if (!profile.sameAsPackaged) {
    console.log("(the lean bundle rebuilt here differs from the packaged one: package again)");
  }
  const leanCosts = new Map(profile.lean.costs.map((share) => [share.cost, share.ms]));
  const baselineCosts = new Map(profile.baseline.costs.map((share) => [share.cost, share.ms]));
  const names = [...new Set([...leanCosts.keys(), ...baselineCosts.keys()])].sort(
    (a, b) =>
      (leanCosts.get(b) ?? 0) +
      (baselineCosts.get(b) ?? 0) -
      (leanCosts.get(a) ?? 0) -
      (baselineCosts.get(a) ?? 0),
  );
  const ms = (value: number | undefined) => `${(value ?? 0).toFixed(1)} ms`;
  printTable([
    ["cost", "lean", "baseline"],
    ["import p50 (profiled)", ms(profile.lean.importMsMedian), ms(profile.baseline.importMsMedian)],
    ["CPU sampled", ms(profile.lean.sampledMs), ms(profile.baseline.sampledMs)],
    ...names
      .filter((name) => (leanCosts.get(name) ?? 0) + (baselineCosts.get(name) ?? 0) >= 1)
      .map((name) => [name, ms(leanCosts.get(name)), ms(baselineCosts.get(name))]),
  ]);
  console.log("\nhottest in the lean bundle (self time, where the function is defined):");
  printTable(
    profile.lean.hottest.map((share) => [ms(share.ms), share.cost]),
    [1],
  );
}

export async function coldStartBench(argv: readonly string[]): Promise<void> {
  const options = parseOptions(
    argv,
    { values: ["profile", "baseline-sourcemap"], flags: ["json"] },
    "coldstart",
  );
  const sourcemap = options.values.get("baseline-sourcemap") ?? "linked";
  if (!BASELINE_SOURCEMAPS.includes(sourcemap as BaselineSourcemap)) {
    throw new Error(
      `--baseline-sourcemap must be ${BASELINE_SOURCEMAPS.join(" or ")}, got ${sourcemap}`,
    );
  }
  const baselineSourcemap = sourcemap as BaselineSourcemap;
  const profiled = options.values.get("profile");
  if (profiled !== undefined) {
    const profile = await coldStartProfile(profiled, baselineSourcemap);
    if (options.flags.has("json")) console.log(JSON.stringify({ profile }, null, 2));
    else printProfile(profile);
    return;
  }
  const figures = await coldStartRun(baselineSourcemap);
  if (options.flags.has("json")) console.log(JSON.stringify(figures, null, 2));
  else printFigures(figures);
}
