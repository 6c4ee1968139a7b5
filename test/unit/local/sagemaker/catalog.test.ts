import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  allInstanceSpecs,
  type InstanceSpec,
  instanceSpec,
  PRICING,
  parseInstanceCatalog,
  UnknownInstanceTypeError,
} from "../../../../local/sagemaker/catalog.ts";
import { INSTANCE_TYPES, type InstanceType } from "../../../../src/spec/instance-types.ts";

const DATA_FILE = new URL("../../../../local/sagemaker/data/instances.json", import.meta.url);

function dataFile(): { instances: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(DATA_FILE, "utf8")) as {
    instances: Record<string, Record<string, unknown>>;
  };
}

describe("instance catalog", () => {
  it("has an entry with positive price, vCPU count and memory for every instance type", () => {
    // Prepare
    const types = [...INSTANCE_TYPES];

    // Act
    const specs = types.map((type) => instanceSpec(type));

    // Assess
    expect(allInstanceSpecs().map((spec) => spec.type)).toEqual(types);
    for (const spec of specs) {
      expect(spec.pricePerHourUsd, spec.type).toBeGreaterThan(0);
      expect(Number.isInteger(spec.vcpu), spec.type).toBe(true);
      expect(spec.vcpu, spec.type).toBeGreaterThan(0);
      expect(spec.memoryGiB, spec.type).toBeGreaterThan(0);
    }
  });

  it("gives an accelerator to every g, p, inf, trn and dl1 instance and to no other", () => {
    // Prepare
    const accelerated = /^ml\.(g\d|p\d|inf\d|trn\d|dl1)/;

    // Act
    const mismatches = allInstanceSpecs().filter(
      (spec) => accelerated.test(spec.type) !== (spec.accelerator !== undefined),
    );

    // Assess
    expect(mismatches.map((spec) => spec.type)).toEqual([]);
    for (const spec of allInstanceSpecs()) {
      if (!spec.accelerator) continue;
      expect(spec.accelerator.count, spec.type).toBeGreaterThan(0);
      expect(spec.accelerator.memoryGiB, spec.type).toBeGreaterThan(0);
    }
  });

  it("follows the EC2 hardware of well-known types", () => {
    // Prepare
    const types: InstanceType[] = ["ml.c5.xlarge", "ml.g4dn.12xlarge", "ml.p4d.24xlarge"];

    // Act
    const [c5, g4dn, p4d] = types.map((type) => instanceSpec(type));

    // Assess
    expect(c5).toMatchObject({ vcpu: 4, memoryGiB: 8, arch: "x86_64" });
    expect(c5?.accelerator).toBeUndefined();
    expect(g4dn?.accelerator).toEqual({ kind: "gpu", name: "NVIDIA T4", count: 4, memoryGiB: 64 });
    expect(p4d).toMatchObject({ vcpu: 96, memoryGiB: 1152 });
    expect(p4d?.accelerator).toMatchObject({ name: "NVIDIA A100", count: 8, memoryGiB: 320 });
  });

  it("splits the type name into family and size", () => {
    // Prepare
    const types: InstanceType[] = ["ml.c5.xlarge", "ml.p6-b200.48xlarge", "ml.inf2.8xlarge"];

    // Act
    const parts = types.map((type) => {
      const { family, size } = instanceSpec(type);
      return `${family}/${size}`;
    });

    // Assess
    expect(parts).toEqual(["c5/xlarge", "p6-b200/48xlarge", "inf2/8xlarge"]);
  });

  it("marks Graviton families as arm64 and Intel families as x86_64", () => {
    // Prepare
    const graviton = /^(c6g|c6gd|c6gn|m6g|m6gd|r6g|r6gd|c7g|r7gd|c8g|m8g|r8g)$/;

    // Act
    const cpuSpecs = allInstanceSpecs().filter((spec) => !spec.accelerator);

    // Assess
    for (const spec of cpuSpecs) {
      expect(spec.arch, spec.type).toBe(graviton.test(spec.family) ? "arm64" : "x86_64");
    }
  });

  it("prices a larger size of a CPU family higher than a smaller one", () => {
    // Prepare
    const byFamily = new Map<string, InstanceSpec[]>();
    for (const spec of allInstanceSpecs().filter((candidate) => !candidate.accelerator)) {
      byFamily.set(spec.family, [...(byFamily.get(spec.family) ?? []), spec]);
    }

    // Act
    const unordered = [...byFamily.values()].flatMap((specs) => {
      const sorted = [...specs].sort((a, b) => a.vcpu - b.vcpu);
      return sorted.slice(1).filter((spec, index) => {
        const smaller = sorted[index];
        return smaller !== undefined && spec.pricePerHourUsd <= smaller.pricePerHourUsd;
      });
    });

    // Assess
    expect(unordered.map((spec) => spec.type)).toEqual([]);
  });

  it("states the date, region and source of its prices", () => {
    // Prepare
    const isoDate = /^\d{4}-\d{2}-\d{2}$/;

    // Act
    const { date, region, source } = PRICING;

    // Assess
    expect(date).toMatch(isoDate);
    expect(region).toBe("us-east-1");
    expect(source).toContain("SageMaker");
  });

  it("flags estimated prices and keeps sourced ones unflagged", () => {
    // Prepare
    const raw = dataFile().instances;

    // Act
    const flags = allInstanceSpecs().map((spec) => [
      spec.priceEstimated,
      raw[spec.type]?.priceEstimated,
    ]);

    // Assess
    expect(flags.every(([spec, file]) => spec === (file === true))).toBe(true);
    expect(flags.some(([spec]) => spec)).toBe(true);
    expect(flags.some(([spec]) => !spec)).toBe(true);
  });

  it("throws UnknownInstanceTypeError for a name that is not of an instance type's form", () => {
    // Prepare
    const unknown = "ml.z9.huge" as InstanceType;

    // Act
    const lookUp = () => instanceSpec(unknown);

    // Assess
    expect(lookUp).toThrow(UnknownInstanceTypeError);
    expect(lookUp).toThrow(expect.objectContaining({ name: "UnknownInstanceTypeError" }));
  });

  it("has no estimated entry for a type of irflow's list", () => {
    // Act
    const estimated = allInstanceSpecs().filter((spec) => spec.estimatedFrom !== undefined);

    // Assess
    expect(estimated).toEqual([]);
  });

  it("estimates an entry for a type it does not know from the same family class and size", () => {
    // Prepare
    const relative = instanceSpec("ml.g6e.2xlarge");

    // Act
    const spec = instanceSpec("ml.g7e.2xlarge");

    // Assess
    expect(spec).toEqual({
      type: "ml.g7e.2xlarge",
      family: "g7e",
      size: "2xlarge",
      vcpu: relative.vcpu,
      memoryGiB: relative.memoryGiB,
      arch: relative.arch,
      accelerator: relative.accelerator,
      pricePerHourUsd: relative.pricePerHourUsd,
      priceEstimated: true,
      estimatedFrom: "ml.g6e.2xlarge",
    });
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it.each([
    ["ml.p6-b300.48xlarge", "ml.p6-b200.48xlarge"],
    ["ml.g7e.48xlarge", "ml.g6e.48xlarge"],
    ["ml.c9g.large", "ml.c8g.large"],
    ["ml.t3.medium", "ml.t2.medium"],
  ])("estimates %s from its closest relative, %s", (type, relative) => {
    // Act
    const spec = instanceSpec(type);

    // Assess
    expect(spec.estimatedFrom).toBe(relative);
    expect(spec.priceEstimated).toBe(true);
  });

  it("scales an estimate to a size its relative family lacks, keeping the accelerators", () => {
    // Prepare
    const nearest = instanceSpec("ml.g6e.4xlarge");

    // Act
    const spec = instanceSpec("ml.g7e.3xlarge");

    // Assess
    expect(spec.estimatedFrom).toBe("ml.g6e.4xlarge");
    expect(spec.vcpu).toBe(12);
    expect(spec.memoryGiB).toBeCloseTo((nearest.memoryGiB * 12) / 16, 2);
    expect(spec.pricePerHourUsd).toBeCloseTo((nearest.pricePerHourUsd * 12) / 16, 4);
    expect(spec.accelerator).toEqual(nearest.accelerator);
  });

  it("estimates a CPU type of a new class from the general-purpose m class, arm64 for a g variant", () => {
    // Act
    const [arm, x86] = [instanceSpec("ml.x9g.xlarge"), instanceSpec("ml.x9.xlarge")];

    // Assess
    expect(arm.estimatedFrom?.startsWith("ml.m")).toBe(true);
    expect(arm.accelerator).toBeUndefined();
    expect([arm.arch, x86.arch]).toEqual(["arm64", "x86_64"]);
    expect(arm.vcpu).toBe(4);
  });

  it("returns frozen specs that callers cannot change", () => {
    // Prepare
    const spec = instanceSpec("ml.c5.xlarge");

    // Act
    const change = () => {
      (spec as { pricePerHourUsd: number }).pricePerHourUsd = 0;
    };

    // Assess
    expect(change).toThrow(TypeError);
    expect(instanceSpec("ml.c5.xlarge").pricePerHourUsd).toBeGreaterThan(0);
  });
});

describe("parseInstanceCatalog", () => {
  it("accepts the shipped data file", () => {
    // Prepare
    const file = dataFile();

    // Act
    const parsed = parseInstanceCatalog(file, "instances.json");

    // Assess
    expect(Object.keys(parsed.instances)).toHaveLength(INSTANCE_TYPES.length);
  });

  it("names a missing instance type", () => {
    // Prepare
    const file = dataFile();
    delete file.instances["ml.c5.xlarge"];

    // Act
    const parse = () => parseInstanceCatalog(file, "instances.json");

    // Assess
    expect(parse).toThrow(/^Invalid instance catalog instances\.json/);
    expect(parse).toThrow(/no entry for this instance type[\s\S]*"ml\.c5\.xlarge"/);
  });

  it("names the field of a non-positive price", () => {
    // Prepare
    const file = dataFile();
    const entry = file.instances["ml.m5.large"];
    if (entry) entry.pricePerHourUsd = 0;

    // Act
    const parse = () => parseInstanceCatalog(file, "instances.json");

    // Assess
    expect(parse).toThrow(/ml\.m5\.large[\s\S]*pricePerHourUsd/);
  });

  it("rejects an entry for a type that recommendation jobs do not accept", () => {
    // Prepare
    const file = dataFile();
    file.instances["ml.z9.huge"] = { vcpu: 1, memoryGiB: 1, arch: "x86_64", pricePerHourUsd: 1 };

    // Act
    const parse = () => parseInstanceCatalog(file, "instances.json");

    // Assess
    expect(parse).toThrow(/ml\.z9\.huge/);
  });
});
