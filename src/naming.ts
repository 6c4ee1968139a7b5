/**
 * Deterministic Inference Recommender job names.
 *
 * A name is `<model slug>-<hash>[-<run key>]`. The hash covers the normalized spec and the run key
 * and sits inside the first 40 characters, because SageMaker names the resources a job creates
 * with the job name cut at 40: two different runs must already differ there.
 */
import { policySchema } from "./decision/policy.ts";
import { canonicalJson, sha256Hex } from "./spec/canonical.ts";
import { type JobSpec, MODEL_PACKAGE_VERSION_ARN } from "./spec/schema.ts";

export const JOB_NAME_MAX = 64;
export const RESOURCE_PREFIX_LENGTH = 40;
const HASH_LENGTH = 10;
const SLUG_MAX = RESOURCE_PREFIX_LENGTH - HASH_LENGTH - 1;

export type ModelIdentity =
  | { kind: "model-package"; arn: string; group: string; version: number; key: string }
  | { kind: "model"; name: string; key: string };

/** Which model a spec benchmarks; `key` is the stable string used to list a model's history. */
export function modelIdentity(spec: JobSpec): ModelIdentity {
  const arn = spec.job.InputConfig.ModelPackageVersionArn;
  const match = arn ? MODEL_PACKAGE_VERSION_ARN.exec(arn) : null;
  if (arn && match?.[2] && match[3]) {
    return {
      kind: "model-package",
      arn,
      group: match[2],
      version: Number(match[3]),
      key: `model-package/${match[2]}`,
    };
  }
  const name = spec.job.InputConfig.ModelName ?? "unknown";
  return { kind: "model", name, key: `model/${name}` };
}

/** What an empty policy means: every default. A policy equal to it decides as no policy does. */
const DEFAULT_POLICY = canonicalJson(policySchema.parse({}));

/**
 * The spec as hashed: without the fields that only name the run, and without what changes neither
 * the request SageMaker receives nor the decision (empty lists, objects and texts, a policy of
 * defaults), so equivalent specs share one job name.
 */
export function specFingerprint(spec: JobSpec): string {
  const { JobName: _jobName, ...job } = spec.job;
  const { runKey: _runKey, policy, ...settings } = spec.irflow ?? {};
  const meaningfulPolicy =
    policy === undefined || canonicalJson(policy) === DEFAULT_POLICY ? undefined : policy;
  const irflow =
    meaningfulPolicy === undefined ? settings : { ...settings, policy: meaningfulPolicy };
  return sha256Hex(
    canonicalJson({ specVersion: spec.specVersion, job: withoutEmpties(job), irflow }),
  );
}

/** The value with empty lists, objects and strings left out at every level, as absent ones are. */
function withoutEmpties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpties);
  if (typeof value !== "object" || value === null) return value;
  const kept: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const pruned = withoutEmpties(item);
    if (!isEmpty(pruned)) kept.push([key, pruned]);
  }
  return Object.fromEntries(kept);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

export function deriveJobName(spec: JobSpec, runKey = spec.irflow?.runKey): string {
  const identity = modelIdentity(spec);
  const model =
    identity.kind === "model-package" ? `${identity.group}-v${identity.version}` : identity.name;
  const hash = sha256Hex(`${specFingerprint(spec)}\n${runKey ?? ""}`).slice(0, HASH_LENGTH);
  const head = `${nameSlug(model, SLUG_MAX) || "job"}-${hash}`;
  if (!runKey) return head;
  const tail = nameSlug(runKey, JOB_NAME_MAX - head.length - 1);
  return tail ? `${head}-${tail}` : head;
}

/** The job name a spec runs under: its own JobName if it sets one, else the derived name. */
export function jobNameFor(spec: JobSpec): string {
  return spec.job.JobName ?? deriveJobName(spec);
}

/** Lowercase letters, digits and inner hyphens, at most `max` characters: a part of a name. */
export function nameSlug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, Math.max(0, max))
    .replace(/-+$/, "");
}

/** The region of an ARN (`arn:aws:<service>:<region>:<account>:...`); undefined when it has none. */
export const regionOfArn = (arn: string | undefined): string | undefined =>
  arn?.split(":")[3] || undefined;
