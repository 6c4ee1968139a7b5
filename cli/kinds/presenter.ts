/**
 * What a job kind shows in the CLI. The commands hold what every kind shares (arguments, the
 * target, the record's facts and history, the failure) and ask the record's kind for the rest
 * (./index.ts finds it), so a kind is presented in its own module here.
 */
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import type { JobRecord } from "../../src/workflow/record.ts";
import type { DecideOptions } from "../decide-common.ts";
import type { CliIo } from "../io.ts";
import type { JobReportRequest, ReportOptions } from "../report-common.ts";

export interface KindPresenter {
  /** `demo --kind`: the sample spec the kind's demo runs, from the project's root. */
  sampleSpec: string;
  /** What SageMaker calls a saved answer about one job of the kind, for messages. */
  responseName: string;
  /** `validate`: what a valid spec names beyond its job name and hash (`key` for --json). */
  specFacts(spec: unknown): { key: string; label: string; value: string }[];
  /** `decide` and `report`: whether a saved Describe response is one of the kind's jobs. */
  readsResponse(response: unknown): boolean;
  /** `decide`: the decision on a saved response, printed; the exit status. */
  decide(response: unknown, options: DecideOptions, io: CliIo): Promise<number>;
  /** `report` on a saved response; absent for a kind whose jobs are reported by name only. */
  reportResponse?(
    response: unknown,
    source: string,
    options: ReportOptions,
    io: CliIo,
  ): Promise<number>;
  /** `report` on a job by name. */
  report(record: JobRecord, request: JobReportRequest, io: CliIo): Promise<number>;
  /** `status` on a STOPPING job: its status as SageMaker gives it now, in the record's words. */
  currentStatus(
    record: JobRecord,
    sagemaker: SageMakerClient,
  ): Promise<{ status: string | undefined; at: Date | undefined }>;
  /** `status`: the record's decision in labelled lines. */
  decisionLines(record: JobRecord): string[];
  /** `status --json`: what the kind prints beside the record. */
  statusExtras(record: JobRecord): Record<string, unknown>;
  /** The selected configuration in a few words (`list --model`, the end of `demo`). */
  selectedText(record: JobRecord): string | undefined;
  /** `start --wait --json`: the selected configuration. */
  selected(record: JobRecord): unknown;
  /** `start --wait`: the decision in a few labelled lines. */
  summaryLines(record: JobRecord): string[];
  /** `demo`: every configuration with its standing, and production. */
  demoText(record: JobRecord): string;
}
