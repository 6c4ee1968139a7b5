/**
 * The instance catalog of the local Inference Recommender: hardware and on-demand price for every
 * instance type a recommendation job accepts.
 *
 * The figures live in data/instances.json so they can be reviewed and refreshed without touching
 * code. The file is read and validated once, when this module loads: a bad edit fails at start-up
 * with the path of the offending field, not later inside a benchmark.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { INSTANCE_TYPES, type InstanceType } from "../../src/spec/instance-types.ts";

export interface InstanceSpec {
  type: InstanceType;
  /** The part between `ml.` and the size, e.g. "c5", "g4dn", "p6-b200". */
  family: string;
  /** The part after the family, e.g. "xlarge", "48xlarge". */
  size: string;
  vcpu: number;
  memoryGiB: number;
  arch: "x86_64" | "arm64";
  accelerator?: {
    kind: "gpu" | "inferentia" | "trainium" | "gaudi";
    name: string;
    count: number;
    /** Total accelerator memory of the instance. */
    memoryGiB: number;
  };
  pricePerHourUsd: number;
  /** True when no public price was found and the figure was derived from the family. */
  priceEstimated: boolean;
}

export class UnknownInstanceTypeError extends Error {
  override readonly name = "UnknownInstanceTypeError";

  constructor(readonly instanceType: string) {
    super(`Instance type ${JSON.stringify(instanceType)} is not in the local instance catalog`);
  }
}

const DATA_FILE = fileURLToPath(new URL("./data/instances.json", import.meta.url));

const positive = z.number().finite().positive();

const entrySchema = z
  .object({
    vcpu: positive.int(),
    memoryGiB: positive,
    arch: z.enum(["x86_64", "arm64"]),
    accelerator: z
      .object({
        kind: z.enum(["gpu", "inferentia", "trainium", "gaudi"]),
        name: z.string().min(1),
        count: positive.int(),
        memoryGiB: positive,
      })
      .strict()
      .optional(),
    pricePerHourUsd: positive,
    priceEstimated: z.literal(true).optional(),
  })
  .strict();

const knownTypes = new Set<string>(INSTANCE_TYPES);

const catalogFileSchema = z
  .object({
    pricingDate: z.iso.date(),
    region: z.string().min(1),
    source: z.string().min(1),
    note: z.string().min(1),
    instances: z.record(z.string(), entrySchema),
  })
  .strict()
  .superRefine((file, context) => {
    for (const type of Object.keys(file.instances)) {
      if (!knownTypes.has(type)) {
        context.addIssue({
          code: "custom",
          path: ["instances", type],
          message: "not an instance type of src/spec/instance-types.ts",
        });
      }
    }
    for (const type of INSTANCE_TYPES) {
      if (!(type in file.instances)) {
        context.addIssue({
          code: "custom",
          path: ["instances", type],
          message: "no entry for this instance type",
        });
      }
    }
  });

export type InstanceCatalogFile = z.infer<typeof catalogFileSchema>;

/** Validates the contents of a catalog data file; `origin` names the file in the error message. */
export function parseInstanceCatalog(json: unknown, origin: string): InstanceCatalogFile {
  const parsed = catalogFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid instance catalog ${origin}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** "ml.p6-b200.48xlarge" -> { family: "p6-b200", size: "48xlarge" }. */
function splitTypeName(type: InstanceType): { family: string; size: string } {
  const [, family = "", size = ""] = type.split(".");
  return { family, size };
}

function toSpec(type: InstanceType, entry: z.infer<typeof entrySchema>): InstanceSpec {
  const { priceEstimated, accelerator, ...hardware } = entry;
  return {
    type,
    ...splitTypeName(type),
    ...hardware,
    ...(accelerator ? { accelerator: { ...accelerator } } : {}),
    priceEstimated: priceEstimated === true,
  };
}

const catalogFile = parseInstanceCatalog(JSON.parse(readFileSync(DATA_FILE, "utf8")), DATA_FILE);

export const PRICING: { date: string; region: string; source: string } = Object.freeze({
  date: catalogFile.pricingDate,
  region: catalogFile.region,
  source: catalogFile.source,
});

function frozen(spec: InstanceSpec): InstanceSpec {
  if (spec.accelerator) Object.freeze(spec.accelerator);
  return Object.freeze(spec);
}

// In INSTANCE_TYPES order, frozen so callers cannot change the shared figures. The schema has
// already checked that every type has an entry.
const specs: readonly InstanceSpec[] = Object.freeze(
  INSTANCE_TYPES.flatMap((type) => {
    const entry = catalogFile.instances[type];
    return entry ? [frozen(toSpec(type, entry))] : [];
  }),
);

const specsByType = new Map<string, InstanceSpec>(specs.map((spec) => [spec.type, spec]));

export function instanceSpec(type: InstanceType): InstanceSpec {
  const spec = specsByType.get(type);
  if (!spec) throw new UnknownInstanceTypeError(type);
  return spec;
}

export function allInstanceSpecs(): readonly InstanceSpec[] {
  return specs;
}
