/**
 * Extracts the constraints of the CreateInferenceRecommendationsJob request from the SageMaker
 * service model of the installed botocore (the AWS CLI v1's Python SDK), and writes them to
 * local/sagemaker/data/create-job-constraints.json, with the botocore version, the model's API
 * version and the date. The emulator validates requests from that file, so tests never need
 * Python.
 *
 *   npx tsx scripts/extract-create-job-constraints.ts [--date YYYY-MM-DD]
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const OPERATION = "CreateInferenceRecommendationsJob";
const OUTPUT = fileURLToPath(
  new URL("../local/sagemaker/data/create-job-constraints.json", import.meta.url),
);

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
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
}

interface ServiceModel {
  metadata: { apiVersion: string; serviceId: string };
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, ModelShape>;
}

/** The kinds of shape this request uses; a new kind fails the extraction rather than pass unchecked. */
const SUPPORTED_TYPES = new Set(["structure", "list", "string", "integer"]);

function extract(model: ServiceModel): { input: string; shapes: Record<string, object> } {
  const input = model.operations[OPERATION]?.input?.shape;
  if (!input) throw new Error(`the model has no ${OPERATION} input`);
  const shapes: Record<string, object> = {};
  const visit = (name: string) => {
    if (name in shapes) return;
    const shape = model.shapes[name];
    if (!shape) throw new Error(`the model references a missing shape ${name}`);
    if (!SUPPORTED_TYPES.has(shape.type)) {
      throw new Error(`shape ${name} is a ${shape.type}, which the emulator does not validate`);
    }
    const members = shape.members
      ? Object.fromEntries(Object.entries(shape.members).map(([key, ref]) => [key, ref.shape]))
      : undefined;
    shapes[name] = {
      type: shape.type,
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
  visit(input);
  return { input, shapes };
}

function dateArgument(): string {
  const at = process.argv.indexOf("--date");
  const date = at >= 0 ? process.argv[at + 1] : new Date().toISOString().slice(0, 10);
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error("--date takes YYYY-MM-DD");
  return date;
}

const loaded = JSON.parse(
  execFileSync("python3", ["-c", LOAD_MODEL], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }),
) as { botocore: string; model: ServiceModel };
const { input, shapes } = extract(loaded.model);
const file = {
  source: {
    package: "botocore",
    version: loaded.botocore,
    service: loaded.model.metadata.serviceId,
    apiVersion: loaded.model.metadata.apiVersion,
    operation: OPERATION,
    extractedOn: dateArgument(),
    extractedBy: "scripts/extract-create-job-constraints.ts",
  },
  input,
  shapes,
};
writeFileSync(OUTPUT, `${JSON.stringify(file, null, 2)}\n`);
// The repository's formatter owns the layout of committed JSON.
execFileSync("npx", ["biome", "format", "--write", OUTPUT], { stdio: "inherit" });
console.log(
  `wrote ${Object.keys(shapes).length} shapes of ${OPERATION} (botocore ${loaded.botocore}, API ${loaded.model.metadata.apiVersion})`,
);
