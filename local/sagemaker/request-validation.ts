/**
 * How the emulated service validates a CreateInferenceRecommendationsJob request, on its own and
 * independently of irflow's validator (src/spec), so that a test can compare the two verdicts:
 *
 * 1. The JSON types, as the service deserializes the body: a wrong one is a SerializationException.
 * 2. The constraints of the AWS service model (required members, lengths, ranges, patterns, enums),
 *    kept in data/create-job-constraints.json as extracted from botocore, all reported at once in
 *    the service's words: "2 validation errors detected: Value '9' at
 *    'inputConfig.trafficPattern.phases.1.member.initialNumberOfUsers' failed to satisfy
 *    constraint: ...".
 * 3. The rules the AWS documentation states and the model does not (documented-rules.ts), the
 *    first one broken answered as a plain ValidationException.
 *
 * Members the model does not have are dropped, as the service ignores them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CreateInferenceRecommendationsJobRequest } from "@aws-sdk/client-sagemaker";
import * as z from "zod";
import type { JobRequest } from "../../src/spec/schema.ts";
import { AwsServiceError, type JsonObject } from "../aws-json.ts";
import { documentedRuleViolation } from "./documented-rules.ts";

const DATA_FILE = fileURLToPath(new URL("./data/create-job-constraints.json", import.meta.url));

const bounds = { min: z.number().int().optional(), max: z.number().int().optional() };

const shapeSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("structure"),
    required: z.array(z.string()).optional(),
    members: z.record(z.string(), z.string()),
  }),
  z.strictObject({ type: z.literal("list"), member: z.string(), ...bounds }),
  z.strictObject({
    type: z.literal("string"),
    ...bounds,
    pattern: z.string().optional(),
    enum: z.array(z.string()).min(1).optional(),
  }),
  z.strictObject({ type: z.literal("integer"), ...bounds }),
]);

type Shape = z.infer<typeof shapeSchema>;

const constraintsFileSchema = z
  .strictObject({
    source: z.strictObject({
      package: z.literal("botocore"),
      version: z.string().min(1),
      service: z.string().min(1),
      apiVersion: z.string().min(1),
      operation: z.literal("CreateInferenceRecommendationsJob"),
      extractedOn: z.iso.date(),
      extractedBy: z.string().min(1),
    }),
    input: z.string(),
    shapes: z.record(z.string(), shapeSchema),
  })
  .superRefine((file, context) => {
    const referenced = [
      file.input,
      ...Object.values(file.shapes).flatMap((shape) =>
        shape.type === "structure"
          ? Object.values(shape.members)
          : shape.type === "list"
            ? [shape.member]
            : [],
      ),
    ];
    for (const name of referenced) {
      if (!(name in file.shapes)) {
        context.addIssue({ code: "custom", path: ["shapes", name], message: "missing shape" });
      }
    }
  });

type CreateJobConstraints = z.infer<typeof constraintsFileSchema>;

/** Validates a constraints file; `origin` names it in the error message. */
export function parseCreateJobConstraints(json: unknown, origin: string): CreateJobConstraints {
  const parsed = constraintsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid constraints file ${origin}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

const constraints = parseCreateJobConstraints(
  JSON.parse(readFileSync(DATA_FILE, "utf8")),
  DATA_FILE,
);

/** Where the constraints come from: botocore's version, the model's API version, and the date. */
export const CONSTRAINTS_SOURCE: Readonly<CreateJobConstraints["source"]> = Object.freeze({
  ...constraints.source,
});

// The service matches a pattern against the whole value; `u` for the \p{...} classes of tags.
const patterns = new Map<string, RegExp>(
  Object.values(constraints.shapes).flatMap((shape) =>
    shape.type === "string" && shape.pattern !== undefined
      ? [[shape.pattern, new RegExp(`^(?:${shape.pattern})$`, "u")] as const]
      : [],
  ),
);

/** A request the model's constraints and the documented rules both accept. */
export type CreateJobRequest = JobRequest & { JobName: string };

/**
 * The request as the service keeps it, or an AwsServiceError (SerializationException or
 * ValidationException) as the service answers it.
 */
export function validateCreateJobRequest(input: JsonObject): CreateJobRequest {
  const violations: string[] = [];
  const request = readShape(constraints.input, input, "", violations);
  if (violations.length > 0) {
    const count = violations.length;
    throw new AwsServiceError(
      "ValidationException",
      `${count} validation error${count === 1 ? "" : "s"} detected: ${violations.join("; ")}`,
    );
  }
  // The SDK's request type is generated from the same model, so a request that meets the
  // model's constraints has its shape.
  const modelValid = request as CreateInferenceRecommendationsJobRequest;
  const broken = documentedRuleViolation(modelValid);
  if (broken) throw new AwsServiceError("ValidationException", broken);
  // What the model leaves open (enums of Domain, Percentile...) the documented rules have checked.
  return modelValid as CreateJobRequest;
}

/** Reads one value of a shape: a copy without unknown members, or undefined when absent. */
function readShape(name: string, value: unknown, path: string, violations: string[]): unknown {
  const shape = constraints.shapes[name];
  if (!shape) throw new Error(`no shape ${name} in ${DATA_FILE}`);
  switch (shape.type) {
    case "structure":
      return readStructure(shape, value, path, violations);
    case "list":
      return readList(shape, value, path, violations);
    case "string":
      return readString(shape, value, path, violations);
    case "integer":
      return readInteger(shape, value, path, violations);
  }
}

function readStructure(
  shape: Extract<Shape, { type: "structure" }>,
  value: unknown,
  path: string,
  violations: string[],
): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw serializationError(value, "a Structure", path);
  }
  const source = value as JsonObject;
  const copy: JsonObject = {};
  for (const [member, memberShape] of Object.entries(shape.members)) {
    const memberPath = path === "" ? lowerFirst(member) : `${path}.${lowerFirst(member)}`;
    const item = source[member];
    // JSON null is an absent member to the service.
    if (item === undefined || item === null) {
      if (shape.required?.includes(member)) {
        violations.push(
          `Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`,
        );
      }
      continue;
    }
    copy[member] = readShape(memberShape, item, memberPath, violations);
  }
  return copy;
}

function readList(
  shape: Extract<Shape, { type: "list" }>,
  value: unknown,
  path: string,
  violations: string[],
): unknown[] {
  if (!Array.isArray(value)) throw serializationError(value, "a List", path);
  checkLength(value.length, shape, value, path, violations);
  return value.map((item, index) =>
    readShape(shape.member, item, `${path}.${index + 1}.member`, violations),
  );
}

function readString(
  shape: Extract<Shape, { type: "string" }>,
  value: unknown,
  path: string,
  violations: string[],
): string {
  if (typeof value !== "string") throw serializationError(value, "a String", path);
  checkLength([...value].length, shape, value, path, violations);
  const pattern = shape.pattern === undefined ? undefined : patterns.get(shape.pattern);
  if (pattern && !pattern.test(value)) {
    violations.push(
      failed(value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`),
    );
  }
  if (shape.enum && !shape.enum.includes(value)) {
    violations.push(
      failed(value, path, `Member must satisfy enum value set: [${shape.enum.join(", ")}]`),
    );
  }
  return value;
}

function readInteger(
  shape: Extract<Shape, { type: "integer" }>,
  value: unknown,
  path: string,
  violations: string[],
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw serializationError(value, "an Integer", path);
  }
  if (shape.min !== undefined && value < shape.min) {
    violations.push(
      failed(value, path, `Member must have value greater than or equal to ${shape.min}`),
    );
  }
  if (shape.max !== undefined && value > shape.max) {
    violations.push(
      failed(value, path, `Member must have value less than or equal to ${shape.max}`),
    );
  }
  return value;
}

function checkLength(
  length: number,
  shape: { min?: number | undefined; max?: number | undefined },
  value: unknown,
  path: string,
  violations: string[],
): void {
  if (shape.min !== undefined && length < shape.min) {
    violations.push(
      failed(value, path, `Member must have length greater than or equal to ${shape.min}`),
    );
  }
  if (shape.max !== undefined && length > shape.max) {
    violations.push(
      failed(value, path, `Member must have length less than or equal to ${shape.max}`),
    );
  }
}

function failed(value: unknown, path: string, constraint: string): string {
  return `Value '${shown(value)}' at '${path}' failed to satisfy constraint: ${constraint}`;
}

function shown(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The service's answer when a member's JSON type cannot be read as the model's type. */
function serializationError(value: unknown, expected: string, path: string): AwsServiceError {
  const kind =
    typeof value === "string"
      ? "STRING_VALUE"
      : typeof value === "number"
        ? "NUMBER_VALUE"
        : typeof value === "boolean"
          ? "BOOLEAN_VALUE"
          : Array.isArray(value)
            ? "START_ARRAY"
            : "START_OBJECT";
  return new AwsServiceError(
    "SerializationException",
    `${kind} can not be converted to ${expected} at '${path === "" ? "(request)" : path}'`,
  );
}

/** The service names members in camel case: InputConfig -> inputConfig. */
function lowerFirst(name: string): string {
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
}
