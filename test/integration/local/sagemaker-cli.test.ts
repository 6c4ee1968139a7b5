import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PENDING_SECONDS } from "../../../local/sagemaker/plan.ts";
import {
  type LocalSageMaker,
  ROLE_ARN,
  registerModelPackage,
  startLocalSageMaker,
} from "../../support/sagemaker.ts";

const run = promisify(execFile);

/** AWS CLI v1 prints timestamps as epoch seconds, v2 as ISO 8601 text. */
function cliTime(value: unknown): number {
  return typeof value === "number" ? value * 1000 : Date.parse(String(value));
}

function awsCliVersion(): string | undefined {
  try {
    return execFileSync("aws", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    return undefined;
  }
}

const version = awsCliVersion();
if (!version)
  console.warn("AWS CLI tests skipped: the `aws` command is not installed on this machine.");

describe.skipIf(!version)("local SageMaker through the AWS CLI", () => {
  let local: LocalSageMaker;
  let packageArn: string;

  beforeAll(async () => {
    local = await startLocalSageMaker();
    packageArn = await registerModelPackage(local, "cli-model");
  });

  afterAll(async () => {
    local.client.destroy();
    await local.server.close();
  });

  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run(
      "aws",
      [
        "--endpoint-url",
        local.server.endpoint,
        "--region",
        "us-east-1",
        "--output",
        "json",
        "sagemaker",
        ...args,
      ],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_PAGER: "",
        },
      },
    );
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  it("creates, describes and lists a job", async () => {
    // Act
    const created = await aws(
      "create-inference-recommendations-job",
      "--job-name",
      "cli-job-1",
      "--job-type",
      "Default",
      "--role-arn",
      ROLE_ARN,
      "--input-config",
      JSON.stringify({ ModelPackageVersionArn: packageArn }),
    );
    local.advance(PENDING_SECONDS);
    const described = await aws(
      "describe-inference-recommendations-job",
      "--job-name",
      "cli-job-1",
    );
    const listed = await aws("list-inference-recommendations-jobs");

    // Assess
    expect(created.JobArn).toMatch(/inference-recommendations-job\/cli-job-1$/);
    expect(described.Status).toBe("IN_PROGRESS");
    expect(described.InputConfig).toEqual({ ModelPackageVersionArn: packageArn });
    expect(cliTime(described.CreationTime)).toBe(local.clock.now() - PENDING_SECONDS * 1000);
    expect(
      (listed.InferenceRecommendationsJobs as { JobName: string }[]).map((job) => job.JobName),
    ).toEqual(["cli-job-1"]);
  });
});
