/**
 * The SageMaker service model of the installed botocore (the AWS CLI v1's Python SDK), and the
 * constraints of an operation's request read from it, for the extraction scripts: the committed
 * constraints files they write let tests and the emulator validate without Python.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

// botocore's own loader picks the newest API version it ships and reads the compressed model.
const LOAD_MODEL = `
import json, botocore, botocore.loaders
loader = botocore.loaders.create_loader()
model = loader.load_service_model("sagemaker", "service-2")
print(json.dumps({"botocore": botocore.__version__, "model": model}))
`;

interface ModelShape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  required?: string[];
  union?: boolean;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
}

export interface ServiceModel {
  metadata: { apiVersion: string; serviceId: string };
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, ModelShape>;
}

export function loadSageMakerModel(): { botocore: string; model: ServiceModel } {
  return JSON.parse(
    execFileSync("python3", ["-c", LOAD_MODEL], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
  ) as { botocore: string; model: ServiceModel };
}

/** The input shape of an operation. */
export function inputOf(model: ServiceModel, operation: string): string {
  const input = model.operations[operation]?.input?.shape;
  if (!input) throw new Error(`the model has no ${operation} input`);
  return input;
}

/**
 * The constraints of the shapes reachable from `roots`. A shape of a type outside `supported`
 * fails the extraction rather than pass unchecked.
 */
export function extractShapes(
  model: ServiceModel,
  roots: readonly string[],
  supported: ReadonlySet<string>,
): Record<string, object> {
  const shapes: Record<string, object> = {};
  const visit = (name: string) => {
    if (name in shapes) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`the model references a missing shape ${name}`);
    if (!supported.has(shape.type)) {
      throw new Error(`shape ${name} is a ${shape.type}, which is not validated from this file`);
    }
    const members = shape.members
      ? Object.fromEntries(Object.entries(shape.members).map(([key, ref]) => [key, ref.shape]))
      : undefined;
    shapes[name] = {
      type: shape.type,
      ...(shape.union ? { union: true } : {}),
      ...(shape.required?.length ? { required: shape.required } : {}),
      ...(members ? { members } : {}),
      ...(shape.member ? { member: shape.member.shape } : {}),
      ...(shape.min !== undefined ? { min: shape.min } : {}),
      ...(shape.max !== undefined ? { max: shape.max } : {}),
      ...(shape.pattern !== undefined ? { pattern: shape.pattern } : {}),
      ...(shape.enum ? { enum: shape.enum } : {}),
    };
    for (const member of Object.values(members ?? {})) visit(member);
    if (shape.member) visit(shape.member.shape);
  };
  for (const root of roots) visit(root);
  return shapes;
}

/** The --date argument (YYYY-MM-DD), or today. */
export function dateArgument(): string {
  const at = process.argv.indexOf("--date");
  const date = at >= 0 ? process.argv[at + 1] : new Date().toISOString().slice(0, 10);
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error("--date takes YYYY-MM-DD");
  return date;
}

/** Writes a constraints file, laid out by the repository's formatter. */
export function writeConstraintsFile(path: string, file: object): void {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  execFileSync("npx", ["biome", "format", "--write", path], { stdio: "inherit" });
}

/**
 * Extracts one operation's request constraints from the installed botocore and writes them to
 * `output` with where they came from; `types` are the kinds of shape the request may use, so a
 * new kind fails the extraction rather than pass unchecked.
 */
export function extractOperationConstraints(options: {
  operation: string;
  output: string;
  types: readonly string[];
  script: string;
}): void {
  const { operation, output, script } = options;
  const loaded = loadSageMakerModel();
  const input = inputOf(loaded.model, operation);
  const shapes = extractShapes(loaded.model, [input], new Set(options.types));
  writeConstraintsFile(output, {
    source: {
      package: "botocore",
      version: loaded.botocore,
      service: loaded.model.metadata.serviceId,
      apiVersion: loaded.model.metadata.apiVersion,
      operation,
      extractedOn: dateArgument(),
      extractedBy: script,
    },
    input,
    shapes,
  });
  console.log(
    `wrote ${Object.keys(shapes).length} shapes of ${operation} (botocore ${loaded.botocore}, API ${loaded.model.metadata.apiVersion})`,
  );
}
