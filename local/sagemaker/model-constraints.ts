/**
 * A request read against the constraints of the AWS service model (required members, lengths,
 * ranges, patterns, enums), as botocore's SageMaker model states them and the extraction scripts
 * (scripts/extract-*-constraints.ts) keep them in data/: the JSON types first, as the service
 * deserializes the body (a wrong one is a SerializationException), then every constraint broken,
 * all reported at once in the service's words: "2 validation errors detected: Value '9' at
 * 'inputConfig.trafficPattern.phases.1.member.initialNumberOfUsers' failed to satisfy
 * constraint: ...". Members the model does not have are dropped, as the service ignores them.
 * One loader for every operation the emulator validates this way.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { AwsServiceError, type JsonObject } from "../aws-json.ts";

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
      operation: z.string().min(1),
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

export type ConstraintsFile = z.infer<typeof constraintsFileSchema>;

/** Validates a constraints file of `operation`; `origin` names it in the error message. */
export function parseConstraintsFile(
  json: unknown,
  origin: string,
  operation: string,
): ConstraintsFile {
  const parsed = constraintsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid constraints file ${origin}:\n${z.prettifyError(parsed.error)}`);
  }
  if (parsed.data.source.operation !== operation) {
    throw new Error(
      `Invalid constraints file ${origin}: it holds ${parsed.data.source.operation}, not ${operation}`,
    );
  }
  return parsed.data;
}

export interface ModelConstraints {
  /** Where the constraints come from: botocore's version, the model's API version, and the date. */
  readonly source: Readonly<ConstraintsFile["source"]>;
  /**
   * The request as the service keeps it (members the model does not have dropped), or an
   * AwsServiceError (SerializationException or ValidationException) as the service answers it.
   */
  read(input: JsonObject): JsonObject;
}

/** The constraints of one operation's request, from the file the extraction script wrote. */
export function loadModelConstraints(path: string, operation: string): ModelConstraints {
  const file = parseConstraintsFile(JSON.parse(readFileSync(path, "utf8")), path, operation);
  // The service matches a pattern against the whole value; `u` for the \p{...} classes of tags.
  const patterns = new Map<string, RegExp>(
    Object.values(file.shapes).flatMap((shape) =>
      shape.type === "string" && shape.pattern !== undefined
        ? [[shape.pattern, new RegExp(`^(?:${shape.pattern})$`, "u")] as const]
        : [],
    ),
  );
  const reader: Reader = { shapes: file.shapes, patterns, origin: path };
  return {
    source: Object.freeze({ ...file.source }),
    read(input) {
      const violations: string[] = [];
      const request = readShape(reader, file.input, input, "", violations);
      if (violations.length > 0) {
        const count = violations.length;
        throw new AwsServiceError(
          "ValidationException",
          `${count} validation error${count === 1 ? "" : "s"} detected: ${violations.join("; ")}`,
        );
      }
      return request as JsonObject;
    },
  };
}

interface Reader {
  shapes: ConstraintsFile["shapes"];
  patterns: Map<string, RegExp>;
  origin: string;
}

/** Reads one value of a shape: a copy without unknown members, or undefined when absent. */
function readShape(
  reader: Reader,
  name: string,
  value: unknown,
  path: string,
  violations: string[],
): unknown {
  const shape = reader.shapes[name];
  if (!shape) throw new Error(`no shape ${name} in ${reader.origin}`);
  switch (shape.type) {
    case "structure":
      return readStructure(reader, shape, value, path, violations);
    case "list":
      return readList(reader, shape, value, path, violations);
    case "string":
      return readString(reader, shape, value, path, violations);
    case "integer":
      return readInteger(shape, value, path, violations);
  }
}

function readStructure(
  reader: Reader,
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
    copy[member] = readShape(reader, memberShape, item, memberPath, violations);
  }
  return copy;
}

function readList(
  reader: Reader,
  shape: Extract<Shape, { type: "list" }>,
  value: unknown,
  path: string,
  violations: string[],
): unknown[] {
  if (!Array.isArray(value)) throw serializationError(value, "a List", path);
  checkLength(value.length, shape, value, path, violations);
  return value.map((item, index) =>
    readShape(reader, shape.member, item, `${path}.${index + 1}.member`, violations),
  );
}

function readString(
  reader: Reader,
  shape: Extract<Shape, { type: "string" }>,
  value: unknown,
  path: string,
  violations: string[],
): string {
  if (typeof value !== "string") throw serializationError(value, "a String", path);
  checkLength([...value].length, shape, value, path, violations);
  const pattern = shape.pattern === undefined ? undefined : reader.patterns.get(shape.pattern);
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
