/**
 * The instance catalog of the local Inference Recommender: hardware and on-demand price for every
 * instance type of irflow's list, and an estimated entry for any other name of an instance type's
 * form (a type AWS added after the list), derived from its closest relative in the catalog.
 *
 * The figures live in data/instances.json so they can be reviewed and refreshed without touching
 * code. The file is read and validated once, when this module loads: a bad edit fails at start-up
 * with the path of the offending field, not later inside a benchmark.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import {
  INSTANCE_TYPES,
  type InstanceType,
  type InstanceTypeName,
  parseInstanceType,
} from "../../src/spec/instance-types.ts";

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
  /**
   * Set when the type is not in the catalog and every figure was estimated from its name: the
   * catalog type the hardware and price were taken from.
   */
  estimatedFrom?: InstanceType;
}

export class UnknownInstanceTypeError extends Error {
  override readonly name = "UnknownInstanceTypeError";

  constructor(readonly instanceType: string) {
    super(
      `Instance type ${JSON.stringify(instanceType)} is not in the local instance catalog, and is not of an instance type's form (ml.<family>.<size>) to estimate it from`,
    );
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

function toSpec(type: InstanceType, entry: z.infer<typeof entrySchema>): InstanceSpec {
  const { priceEstimated, accelerator, ...hardware } = entry;
  const name = parseInstanceType(type);
  if (!name) throw new UnknownInstanceTypeError(type);
  return {
    type,
    family: name.family,
    size: name.size,
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

/**
 * The catalog entry of a type, or an estimated one for a type of an instance type's form that the
 * catalog does not have. Throws UnknownInstanceTypeError for a name of any other form.
 */
export function instanceSpec(type: InstanceType): InstanceSpec {
  const known = specsByType.get(type);
  if (known) return known;
  const name = parseInstanceType(type);
  if (!name) throw new UnknownInstanceTypeError(type);
  const estimated = frozen(estimateSpec(type, name));
  specsByType.set(type, estimated);
  return estimated;
}

/** vCPUs a size gives in every family that has it: medium 1, large 2, xlarge 4, 2xlarge 8... */
function sizeVcpus(size: string): number {
  const named: Record<string, number> = { nano: 1, micro: 1, small: 1, medium: 1, large: 2 };
  const fixed = named[size];
  if (fixed !== undefined) return fixed;
  const multiple = size === "xlarge" ? 1 : Number.parseInt(size, 10);
  return 4 * multiple;
}

/**
 * The catalog type most like an unknown one: the same class of family (g, p, inf, c, m...), or the
 * general-purpose m class when the class is new; then the nearest generation (the newer on a tie),
 * the same variant letters, and the nearest size. Its hardware is copied; when the size differs,
 * vCPUs, memory and price scale with the size, and the accelerators stay as the relative has them.
 */
function estimateSpec(type: InstanceType, name: InstanceTypeName): InstanceSpec {
  const parsed = specs.map((spec) => ({ spec, name: parseInstanceType(spec.type) }));
  const sameClass = parsed.filter((entry) => entry.name?.familyClass === name.familyClass);
  const pool = sameClass.length > 0 ? sameClass : parsed.filter((e) => e.name?.familyClass === "m");
  const wantedVcpus = sizeVcpus(name.size);
  const distance = (candidate: InstanceTypeName) => [
    Math.abs(candidate.generation - name.generation),
    -candidate.generation,
    candidate.variant === name.variant ? 0 : 1,
    Math.abs(Math.log2(sizeVcpus(candidate.size) / wantedVcpus)),
  ];
  let best: { spec: InstanceSpec; score: number[] } | undefined;
  for (const { spec, name: candidate } of pool) {
    if (!candidate) continue;
    const score = distance(candidate);
    if (!best || compareScores(score, best.score) < 0) best = { spec, score };
  }
  if (!best) throw new UnknownInstanceTypeError(type);
  const relative = best.spec;
  const scale = wantedVcpus / sizeVcpus(relative.size);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return {
    type,
    family: name.family,
    size: name.size,
    vcpu: Math.max(1, Math.round(relative.vcpu * scale)),
    memoryGiB: round(relative.memoryGiB * scale, 2),
    // Graviton CPU families carry a g after their generation (c7g, m6gd).
    arch: relative.accelerator ? relative.arch : name.variant.startsWith("g") ? "arm64" : "x86_64",
    ...(relative.accelerator ? { accelerator: { ...relative.accelerator } } : {}),
    pricePerHourUsd: round(relative.pricePerHourUsd * scale, 4),
    priceEstimated: true,
    estimatedFrom: relative.type,
  };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function allInstanceSpecs(): readonly InstanceSpec[] {
  return specs;
}
