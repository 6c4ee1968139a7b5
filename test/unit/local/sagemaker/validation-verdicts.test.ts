/**
 * irflow's validator (src/spec) and the emulator's (the AWS service model's constraints plus the
 * documented rules) are written independently; here they judge the same requests. Where they
 * disagree on purpose, the difference is listed with its reason, and the test checks that it
 * still holds, so neither can drift without someone deciding it.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AwsServiceError, type JsonObject } from "../../../../local/aws-json.ts";
import { validateCreateJobRequest } from "../../../../local/sagemaker/request-validation.ts";
import { validateSpec } from "../../../../src/spec/validate.ts";
import { SPECS_DIR, sampleSpec, setPath } from "../../../support/specs.ts";

type Verdict = "accepted" | "refused";

/** Where irflow refuses a request that the service accepts when it is created. */
const IRFLOW_STRICTER: Record<string, string> = {
  "invalid/kms-key-format.json":
    "the reference lists the forms a KMS key takes (key ID, key ARN, alias, alias ARN); the model's pattern [a-zA-Z0-9:/_-]* admits any such word, and the job would fail later, when SageMaker creates its endpoint",
  "invalid/security-group-format.json":
    "the reference says security group IDs have the form sg-xxxxxxxx; the model's pattern admits any letters and hyphens",
  "invalid/parallel-tests.json":
    "more parallel tests than tests is a contradiction irflow refuses; neither the model nor the documented limits forbid it",
  "invalid/s3-uri.json":
    "the model's S3Uri pattern, (https|s3)://..., also admits an https:// URL; irflow takes the s3:// form of the bucket the compiled artifacts go to",
  "invalid/reserved-tag.json":
    "SageMaker reserves only aws: tag keys; irflow refuses irflow: keys because it sets its own stack and execution tags on every job",
  "invalid/run-key-with-job-name.json":
    "irflow.runKey is irflow's own setting and never reaches SageMaker; irflow refuses it beside a JobName, which it could not change",
  "invalid/min-max.json": "irflow.policy is irflow's own setting and never reaches SageMaker",
  "invalid/profile-peak.json": "irflow.policy is irflow's own setting and never reaches SageMaker",
  "invalid/current-target.json":
    "irflow.policy is irflow's own setting and never reaches SageMaker",
  "invalid/unknown-field.json":
    "the service ignores members it does not know, but the SDKs refuse (botocore) or drop (JavaScript v3) them before sending, so irflow refuses them too",
};

function jobOf(spec: Record<string, unknown>): JsonObject {
  const job = (spec.job ?? {}) as JsonObject;
  // irflow derives a JobName when the spec has none; the request always carries one.
  return { JobName: "sample-job", ...job };
}

function irflowVerdict(spec: unknown): Verdict {
  return validateSpec(spec).valid ? "accepted" : "refused";
}

function emulatorVerdict(request: JsonObject): Verdict {
  try {
    validateCreateJobRequest(request);
    return "accepted";
  } catch (error) {
    if (error instanceof AwsServiceError) return "refused";
    throw error;
  }
}

const samples = [
  ...readdirSync(SPECS_DIR).filter((file) => file.endsWith(".json")),
  ...readdirSync(join(SPECS_DIR, "invalid"))
    .filter((file) => file.endsWith(".json"))
    .map((file) => `invalid/${file}`),
];

describe("irflow's verdict and the emulator's, on every sample", () => {
  it.each(samples)("agree on %s, or differ as documented", (file) => {
    // Prepare
    const spec = sampleSpec(file);

    // Act
    const irflow = irflowVerdict(spec);
    const emulator = emulatorVerdict(jobOf(spec));

    // Assess
    const expected = file.startsWith("invalid/") ? "refused" : "accepted";
    expect(irflow).toBe(expected);
    const difference = IRFLOW_STRICTER[file];
    expect(emulator).toBe(difference ? "accepted" : expected);
  });

  it("lists only differences between samples that exist", () => {
    // Act
    const missing = Object.keys(IRFLOW_STRICTER).filter((file) => !samples.includes(file));

    // Assess
    expect(missing).toEqual([]);
  });
});

describe("irflow's verdict and the emulator's, where irflow warns", () => {
  it("both accept an instance type that the model lists and irflow does not, and irflow warns", () => {
    // Prepare
    const spec = sampleSpec("default-unlisted-instance-type.json");

    // Act
    const result = validateSpec(spec);
    const emulator = emulatorVerdict(jobOf(spec));

    // Assess
    expect(result.valid).toBe(true);
    expect(result.warnings.map((warning) => warning.rule)).toEqual(["unlisted-instance-type"]);
    expect(emulator).toBe("accepted");
  });

  it("irflow passes on a type of the right form that even the model does not list yet; the emulator, like the service of that model, refuses it", () => {
    // Prepare: a type newer than both lists. The service of a later model may know it, so irflow
    // leaves the decision to SageMaker.
    const spec = sampleSpec("default-unlisted-instance-type.json");
    setPath(spec, "job.InputConfig.EndpointConfigurations[1].InstanceType", "ml.g99.2xlarge");

    // Act
    const irflow = validateSpec(spec);
    const emulator = emulatorVerdict(jobOf(spec));

    // Assess
    expect(irflow.valid).toBe(true);
    expect(irflow.warnings.map((warning) => warning.rule)).toEqual(["unlisted-instance-type"]);
    expect(emulator).toBe("refused");
  });
});
