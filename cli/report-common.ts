/** What every kind's report shares: the --policy override, its first line, and the page. */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { JobRecord } from "../src/workflow/record.ts";
import type { CliIo } from "./io.ts";

/** A --policy file, read but not yet parsed: the job's kind says which policy schema applies. */
export interface PolicyOverride {
  file: string;
  input: unknown;
}

export interface ReportOptions {
  json: boolean;
  /** The page to write, as given (relative to the working folder). */
  html?: string | undefined;
  override?: PolicyOverride | undefined;
}

/** A job's report, asked for by name: where its record came from, and its SageMaker. */
export interface JobReportRequest extends ReportOptions {
  source: string;
  sagemaker: () => SageMakerClient;
}

/** The first line of a report decided under --policy rather than the job's own policy. */
export function overrideLine(file: string, record: JobRecord): string {
  return `under --policy ${file}, not the job's own policy (the workflow decided: ${record.outcome ?? record.status})\n`;
}

/** Writes the report's page where --html says, and says so where the report is not printed. */
export async function writeReportPage(
  options: ReportOptions & { html: string },
  page: string,
  io: CliIo,
): Promise<void> {
  await writeFile(resolve(io.cwd, options.html), page, "utf8");
  (options.json ? io.stderr : io.stdout)(`report written to ${options.html}\n`);
}
