/**
 * irflow's validator of the ai-recommendation spec against botocore's SageMaker model: every
 * constraint of the CreateAIRecommendationJob (`job`) and CreateAIWorkloadConfig (`workload`)
 * requests, as committed in local/sagemaker/data/ai-recommendation-constraints.json (written by
 * scripts/extract-ai-recommendation-constraints.ts), is broken in turn on the valid sample, and
 * the validator must report it at that member; values at the bounds must be accepted. Where irflow
 * differs on purpose, the difference is listed in EXCEPTIONS with its reason, and tested as irflow
 * behaves. (WorkloadSpec.Inline is a String botocore leaves unconstrained; the workload document
 * rules irflow adds to it are tested in ai-spec.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateAiSpec } from "../../../src/kinds/ai-recommendation/validate.ts";

const ROOT = join(import.meta.dirname, "../../..");
const SAMPLE = join(ROOT, "events/specs/ai/llama-3-8b-chat.json");
const CONSTRAINTS = join(ROOT, "local/sagemaker/data/ai-recommendation-constraints.json");

interface Shape {
  type: "structure" | "list" | "string" | "boolean";
  union?: boolean;
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

const file = JSON.parse(readFileSync(CONSTRAINTS, "utf8")) as {
  source: { package: string; operations: string[] };
  inputs: Record<string, string>;
  shapes: Record<string, Shape>;
};
const shapeOf = (name: string): Shape => {
  const shape = file.shapes[name];
  if (!shape) throw new Error(`the constraints file has no shape ${name}`);
  return shape;
};

/** The spec field of each request. */
const REQUESTS = { job: "CreateAIRecommendationJob", workload: "CreateAIWorkloadConfig" } as const;

/** Where irflow's spec differs from the request on purpose, each with why. */
const EXCEPTIONS = {
  /** Members botocore requires that the spec may leave out. */
  optional: {
    "job.AIRecommendationJobName":
      "irflow derives the job's name from the model and the spec's hash",
    "job.AIWorkloadConfigIdentifier":
      "irflow creates the workload config from `workload` and passes its name; one of the two is required",
    "workload.AIWorkloadConfigName": "irflow derives the workload config's name from the job's",
  } as Record<string, string>,
  /** Members botocore leaves optional that the spec requires. */
  required: {
    "job.ModelSource.S3.S3Uri": "an S3 model source without its URI names no model to benchmark",
  } as Record<string, string>,
  /** List sizes irflow bounds tighter than botocore. */
  maxItems: {
    "job.Tags": { max: 48, why: "irflow adds 2 tags of its own to the 50 SageMaker takes" },
    "workload.Tags": { max: 48, why: "irflow adds 2 tags of its own to the 50 SageMaker takes" },
  } as Record<string, { max: number; why: string }>,
};

/**
 * Strings for each botocore pattern: `valid(length)` matches it at that length (undefined where no
 * value of that length can), `invalid` does not match it and is within its lengths.
 */
const STRINGS: Record<string, { valid: (length: number) => string | undefined; invalid: string }> =
  {
    "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}": {
      valid: (n) => (n >= 1 && n <= 63 ? "a".repeat(n) : undefined),
      invalid: "bad_name",
    },
    "(https|s3)://([^/]+)/?(.*)": {
      valid: (n) => (n >= 7 ? `s3://b/${"k".repeat(n - 7)}` : undefined),
      invalid: "ftp://bucket/key",
    },
    "(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*/)?([a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62})(?<!-)":
      {
        valid: (n) => {
          if (n < 1) return undefined;
          if (n <= 63) return "a".repeat(n);
          const rest = ":sagemaker:us-east-1:111122223333:model-package-group/";
          const name = "a".repeat(Math.min(63, n - "arn:aws".length - rest.length));
          const pad = "-".repeat(n - "arn:aws".length - rest.length - name.length);
          return name ? `arn:aws${pad}${rest}${name}` : undefined;
        },
        invalid: "ends-with-",
      },
    "arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+": {
      valid: (n) => {
        const prefix = "arn:aws:iam::111122223333:role/";
        return n > prefix.length ? `${prefix}${"r".repeat(n - prefix.length)}` : undefined;
      },
      invalid: "arn:aws:iam::111122223333:user/irflow-sagemaker",
    },
    "arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z0-9\\-]{1,14}/.*": {
      valid: (n) => {
        const prefix = "arn:aws:sagemaker:us-east-1:111122223333:reservation/";
        return n >= prefix.length ? `${prefix}${"r".repeat(n - prefix.length)}` : undefined;
      },
      invalid: "arn:aws:ec2:us-east-1:111122223333:capacity-reservation/cr-1",
    },
    "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)": {
      valid: (n) => "k".repeat(n),
      invalid: "bad#tag",
    },
    "[A-Za-z0-9\\.\\-_]+": {
      valid: (n) => (n >= 1 ? "c".repeat(n) : undefined),
      invalid: "bad channel",
    },
  };

/** botocore's pattern as the service applies it: to the whole value. */
const modelPattern = (pattern: string) => new RegExp(`^(?:${pattern})$`, "u");

function stringsOf(shape: Shape) {
  const strings = shape.pattern === undefined ? undefined : STRINGS[shape.pattern];
  if (shape.pattern !== undefined && !strings) {
    throw new Error(`no test strings for the pattern ${shape.pattern}: add them to STRINGS`);
  }
  return strings ?? { valid: (n: number) => "s".repeat(n), invalid: undefined };
}

/** A string of the shape at that length, matching its pattern and enum. */
function stringOf(shape: Shape, length: number): string | undefined {
  return stringsOf(shape).valid(length);
}

/** The shortest length from `from` at which a string of the shape can be valid. */
function shortestValid(shape: Shape, from: number): number | undefined {
  const strings = stringsOf(shape);
  const upTo = shape.max ?? from + 256;
  for (let length = from; length <= upTo; length++) {
    if (strings.valid(length) !== undefined) return length;
  }
  return undefined;
}

/** A smallest valid value of a shape at a spec path: required members, a union's first member. */
function validValue(name: string, path: string): unknown {
  const shape = shapeOf(name);
  switch (shape.type) {
    case "structure": {
      const members = Object.entries(shape.members ?? {}).filter(
        ([member], index) =>
          (shape.union && index === 0) ||
          ((shape.required ?? []).includes(member) &&
            !(`${path}.${member}` in EXCEPTIONS.optional)) ||
          `${path}.${member}` in EXCEPTIONS.required,
      );
      return Object.fromEntries(
        members.map(([member, ref]) => [member, validValue(ref, `${path}.${member}`)]),
      );
    }
    case "list":
      return Array.from({ length: Math.max(1, shape.min ?? 0) }, () =>
        validValue(shape.member as string, `${path}.0`),
      );
    case "boolean":
      return true;
    case "string": {
      if (shape.enum) return shape.enum[0];
      const from = Math.max(shape.min ?? 0, 8);
      const length = shortestValid(shape, from);
      if (length === undefined) throw new Error(`no valid string of ${from} or more for ${name}`);
      return stringOf(shape, length);
    }
  }
}

/** A member of a request, as the walk of its shape reaches it. */
interface Member {
  /** The spec path, with 0 for a list's item: "job.Tags.0.Key". */
  path: string;
  shape: string;
  /** botocore's `required` on the containing structure. */
  required: boolean;
  /** A member of a union. */
  inUnion: boolean;
  /** A list's item (path ends in .0): neither required nor optional. */
  inList: boolean;
  /** The shapes from the spec's root to the member, one per path segment after the first. */
  chain: string[];
}

function walk(): Member[] {
  const members: Member[] = [];
  const visit = (path: string, name: string, chain: string[]) => {
    const shape = shapeOf(name);
    if (shape.type === "structure") {
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        const item: Member = {
          path: `${path}.${member}`,
          shape: ref,
          required: (shape.required ?? []).includes(member),
          inUnion: shape.union === true,
          inList: false,
          chain: [...chain, ref],
        };
        members.push(item);
        visit(item.path, ref, item.chain);
      }
    } else if (shape.type === "list") {
      const ref = shape.member as string;
      const item: Member = {
        path: `${path}.0`,
        shape: ref,
        required: false,
        inUnion: false,
        inList: true,
        chain: [...chain, ref],
      };
      members.push(item);
      visit(item.path, ref, item.chain);
    }
  };
  for (const [field, operation] of Object.entries(REQUESTS)) {
    visit(field, file.inputs[operation] as string, []);
  }
  return members;
}

type Json = Record<string, unknown>;
const sample = (): Json => JSON.parse(readFileSync(SAMPLE, "utf8"));

/**
 * The sample with every container on the way to `member` (its parent included) present, the
 * missing ones given their smallest valid value. A job naming its workload config has no
 * `workload`.
 */
function specReaching(member: Member): { spec: Json; parent: Json | unknown[]; key: string } {
  const spec = sample();
  const segments = member.path.split(".");
  let container = spec[segments[0] as string] as Json | unknown[];
  for (let at = 1; at < segments.length - 1; at++) {
    const key = segments[at] as string;
    const shape = member.chain[at - 1] as string;
    const here = container as Record<string, unknown>;
    if (here[key] === undefined) here[key] = validValue(shape, segments.slice(0, at + 1).join("."));
    container = here[key] as Json | unknown[];
  }
  return { spec, parent: container, key: segments.at(-1) as string };
}

/** The spec with `value` at the member (undefined: without it). */
function specWith(member: Member, value: unknown): Json {
  const { spec, parent, key } = specReaching(member);
  const here = parent as Record<string, unknown>;
  if (value === undefined) delete here[key];
  else here[key] = value;
  // A job that names its workload config has no `workload` (the workload-source rule).
  if (value !== undefined && member.path === "job.AIWorkloadConfigIdentifier") delete spec.workload;
  return spec;
}

const errorsOf = (spec: Json) => {
  const result = validateAiSpec(spec);
  return result.valid ? [] : result.errors;
};

/** Asserts the validator reports `rule` at exactly the member's path. */
function expectReported(spec: Json, path: string, rule: string) {
  expect(errorsOf(spec).map((issue) => `${issue.path} [${issue.rule}]`)).toContain(
    `${path} [${rule}]`,
  );
}

function expectAccepted(spec: Json) {
  expect(errorsOf(spec)).toEqual([]);
}

/** A test: its name (member and constraint) and its body. */
type Case = [name: string, run: () => void];

/** The constraints of each member, as tests, grouped by request. */
function casesOf(member: Member): Case[] {
  const shape = shapeOf(member.shape);
  const { path } = member;
  const cases: Case[] = [];
  const withValue = (value: unknown) => specWith(member, value);

  // required -------------------------------------------------------------------------------
  if (member.inList) {
    // A list's items are bounded by the list's own constraints, below.
  } else if (member.required && path in EXCEPTIONS.optional) {
    cases.push([
      `${path}: required by botocore, optional in the spec (${EXCEPTIONS.optional[path]})`,
      () => expectAccepted(withValue(undefined)),
    ]);
  } else if (member.required || path in EXCEPTIONS.required) {
    const why = member.required ? "" : ` (irflow: ${EXCEPTIONS.required[path]})`;
    cases.push([
      `${path}: required${why}`,
      () => expectReported(withValue(undefined), path, "required"),
    ]);
  } else if (!member.inUnion) {
    cases.push([`${path}: optional`, () => expectAccepted(withValue(undefined))]);
  }

  // type -----------------------------------------------------------------------------------
  const wrong = { structure: "text", list: "text", string: 42, boolean: "yes" }[shape.type];
  // A value of another type is outside an enum's values, and reported as such.
  const typeRule = shape.enum ? "enum" : "type";
  cases.push([
    `${path}: type ${shape.type}`,
    () => expectReported(withValue(wrong), path, typeRule),
  ]);

  // union: exactly one member ----------------------------------------------------------------
  if (shape.type === "structure" && shape.union) {
    cases.push([
      `${path}: union, one member set`,
      () => {
        const errors = errorsOf(withValue({}));
        expect(errors.some((issue) => issue.path.startsWith(`${path}.`))).toBe(true);
      },
    ]);
  }

  // strings ----------------------------------------------------------------------------------
  if (shape.type === "string" && shape.enum) {
    const values = shape.enum;
    cases.push([
      `${path}: enum, refuses a value outside it`,
      () => expectReported(withValue(`not-${values[0]}`), path, "enum"),
    ]);
    cases.push([
      `${path}: enum, accepts each of its ${values.length} values`,
      () => {
        for (const value of values) expectAccepted(withValue(value));
      },
    ]);
  } else if (shape.type === "string" && (shape.min ?? shape.max ?? shape.pattern) !== undefined) {
    const strings = stringsOf(shape);
    const min = shape.min ?? 0;
    if (min > 0) {
      cases.push([
        `${path}: min length ${min}`,
        () => {
          // Below the shortest length, a value may break the pattern too; the length is reported.
          const value = strings.valid(min - 1) ?? "a".repeat(min - 1);
          expectReported(withValue(value), path, "length");
        },
      ]);
    }
    const shortest = shortestValid(shape, min) as number;
    const shortestWhy = shortest === min ? "" : ` (no shorter value matches the pattern)`;
    cases.push([
      `${path}: accepts length ${shortest}, the lower bound${shortestWhy}`,
      () => expectAccepted(withValue(strings.valid(shortest))),
    ]);
    if (shape.max !== undefined) {
      const max = shape.max;
      cases.push([
        `${path}: max length ${max}`,
        () => {
          // Above the longest length, a value may break the pattern too; the length is reported.
          const value = strings.valid(max + 1) ?? "a".repeat(max + 1);
          expectReported(withValue(value), path, "length");
        },
      ]);
      cases.push([
        `${path}: accepts length ${max}, the upper bound`,
        () => expectAccepted(withValue(strings.valid(max))),
      ]);
    }
    if (shape.pattern !== undefined && strings.invalid !== undefined) {
      const invalid = strings.invalid;
      cases.push([
        `${path}: pattern, refuses ${JSON.stringify(invalid)}`,
        () => expectReported(withValue(invalid), path, "pattern"),
      ]);
    }
  }

  // lists ------------------------------------------------------------------------------------
  if (shape.type === "list") {
    const item = shape.member as string;
    const items = (count: number) =>
      Array.from({ length: count }, (_, index) => distinctItem(item, `${path}.0`, index));
    const min = shape.min ?? 0;
    if (min > 0) {
      cases.push([
        `${path}: min items ${min}`,
        () => expectReported(withValue(items(min - 1)), path, "items"),
      ]);
    }
    cases.push([
      `${path}: accepts ${min} items, the lower bound`,
      () => expectAccepted(withValue(items(min))),
    ]);
    const tighter = EXCEPTIONS.maxItems[path];
    const max = tighter?.max ?? shape.max;
    if (max !== undefined) {
      const why = tighter ? ` (botocore: ${shape.max}; irflow: ${tighter.why})` : "";
      cases.push([
        `${path}: max items ${max}${why}`,
        () => expectReported(withValue(items(max + 1)), path, "items"),
      ]);
      cases.push([
        `${path}: accepts ${max} items, the upper bound`,
        () => expectAccepted(withValue(items(max))),
      ]);
    }
  }
  return cases;
}

/** The index-th of distinct valid items of a list: its enum's values in turn, or tags by key. */
function distinctItem(name: string, path: string, index: number): unknown {
  const shape = shapeOf(name);
  if (shape.enum) return shape.enum[index % shape.enum.length];
  const value = validValue(name, path);
  if (name === "Tag") return { ...(value as Json), Key: `key-${index}` };
  return value;
}

const members = walk();

describe("the ai-recommendation spec against botocore's SageMaker model", () => {
  it("reads the constraints botocore's model gives both requests", () => {
    // Assess
    expect(file.source.package).toBe("botocore");
    expect(file.source.operations).toEqual(Object.values(REQUESTS));
    const reached = new Set([
      ...Object.values(file.inputs),
      ...members.flatMap((member) => member.chain),
    ]);
    expect([...reached].sort()).toEqual(Object.keys(file.shapes).sort());
    for (const path of [
      ...Object.keys(EXCEPTIONS.optional),
      ...Object.keys(EXCEPTIONS.required),
      ...Object.keys(EXCEPTIONS.maxItems),
    ]) {
      expect(members.map((member) => member.path)).toContain(path);
    }
  });

  it("the test strings of each pattern match it, or not, as botocore's pattern does", () => {
    for (const [pattern, strings] of Object.entries(STRINGS)) {
      const shapes = Object.values(file.shapes).filter((shape) => shape.pattern === pattern);
      expect(shapes.length, pattern).toBeGreaterThan(0);
      for (const shape of shapes) {
        const min = shape.min ?? 0;
        const max = shape.max ?? min + 64;
        for (const length of [min, min + 1, max - 1, max]) {
          const value = strings.valid(length);
          if (value === undefined) continue;
          expect(value.length).toBe(length);
          expect(value).toMatch(modelPattern(pattern));
        }
        expect(strings.invalid).not.toMatch(modelPattern(pattern));
        expect(strings.invalid.length).toBeGreaterThanOrEqual(min);
        expect(strings.invalid.length).toBeLessThanOrEqual(max);
      }
    }
  });

  it("accepts the sample", () => {
    expectAccepted(sample());
  });

  it("job.AIWorkloadConfigIdentifier: required when the spec has no workload", () => {
    // Prepare
    const spec = sample();
    delete spec.workload;

    // Assess
    expectReported(spec, "workload", "workload-source");
  });

  for (const [field, operation] of Object.entries(REQUESTS)) {
    describe(`${operation} (${field})`, () => {
      const cases = members
        .filter((member) => member.path.startsWith(`${field}.`))
        .flatMap(casesOf);
      it.each(cases)("%s", (_name, run) => run());
    });
  }
});
