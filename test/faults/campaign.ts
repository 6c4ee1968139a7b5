/**
 * One run of the fault-injection campaign on the local stack: what is started, with which faults,
 * and everything the assertions and the printed figures are computed from. Every fault is seeded;
 * SageMaker's fates and lost create answers and the Lambda faults are drawn per job or per
 * execution, so which executions meet them does not depend on timing. Jobs of both kinds run:
 * Inference Recommender jobs and, for a share of the manual executions, ai-recommendation jobs,
 * which meet the same SageMaker faults and their own, smaller, limit on jobs in flight.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateInferenceRecommendationsJobCommand,
  type CreateInferenceRecommendationsJobCommandInput,
  CreateModelPackageCommand,
  ListAIRecommendationJobsCommand,
  ListInferenceRecommendationsJobsCommand,
  ResourceInUse,
  SageMakerClient,
  StopInferenceRecommendationsJobCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { EventEnvelope } from "../../local/eventbridge/types.ts";
import {
  functionArn,
  LOCAL_BUS,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_TABLE,
  type LocalStack,
  type LocalStackFaults,
  startLocalStack,
} from "../../local/stack.ts";
import type { HistoryEvent } from "../../local/stepfunctions/history.ts";
import { endedRecordName, rejectedRecordName } from "../../src/execution/record-name.ts";
import { type ExecutionStart, startExecutionOnce } from "../../src/execution/start.ts";
import { workflowStatusOf } from "../../src/kinds/ai-recommendation/operations.ts";
import { KINDS } from "../../src/kinds/index.ts";
import { validateAnySpec } from "../../src/kinds/validate.ts";
import type { QueueState } from "../../src/queue/queue.ts";
import { QueueStore } from "../../src/queue/store.ts";
import type { JobRecord, Outcome, Trigger } from "../../src/workflow/record.ts";
import { type StackClients, sample, stackClients } from "../support/stack.ts";

export const SEED = "irflow-fault-suite";
/** irflow's job limit: small, so that most executions wait in the queue. */
export const JOB_LIMIT = 5;
/** irflow's limit on ai-recommendation jobs, which wait in a queue of their own. */
export const AI_JOB_LIMIT = 3;
/**
 * The emulated account's limit on AI recommendation jobs in flight: under irflow's, so that
 * SageMaker refuses some ai-recommendation jobs and they return to their queue.
 */
export const AI_ACCOUNT_JOB_LIMIT = 2;
/** ai-recommendation executions of the sample LLM spec, each with its own run key. */
export const AI_RUNS = 6;
const AI_SAMPLE = "ai/llama-3-8b-chat.json";
/**
 * Simulated seconds per real second. The handlers share two cores with the emulators, so the
 * simulated clock runs on while they wait for the CPU: a lower scale keeps the queue's and the
 * jobs' deadlines meaningful, a higher one shortens the run.
 */
export const TIME_SCALE = 600;
/** The longest a queue wait may be (3 days, the deploy's maximum): no execution should reach it. */
export const QUEUE_DEADLINE_SECONDS = 3 * 86400;
/** The longest the whole campaign may take before the suite gives up, in real milliseconds. */
export const CAMPAIGN_BUDGET_MS = 9 * 60_000;

const PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud-xgboost";
const INVALID_SPECS = join(import.meta.dirname, "../../events/specs/invalid");
const MANUAL_RUNS = 80;
/** Every DUPLICATE_EVERY-th manual execution is started twice at once, same name and input. */
const DUPLICATE_EVERY = 7;
/** fraud-xgboost versions the registry holds as Rejected: each is approved once. */
const APPROVED_VERSIONS = [1, 2, 3, 4, 5, 6];
/** Precheck errors that bring an execution input to about 250 KB, under the 256 KiB quota. */
const LARGE_PRECHECK_ERRORS = 2400;
/** Extra deliveries of each approval event while its execution runs, and after it ended. */
const REDELIVERIES_WHILE_RUNNING = 2;
const REDELIVERIES_AFTER_END = 1;
/** A job outside irflow holds one of the account's slots until the suite stops it. */
const OUTSIDE_JOB_SECONDS = 10 * 86400;

/** The outcomes of a job that completed: the execution succeeds. */
export const COMPLETED: readonly Outcome[] = ["selected", "unsatisfiable", "measured"];

/** What a completed job of each manual template decides. */
const TEMPLATES: { sample: string; policy?: Record<string, unknown>; completes: Outcome[] }[] = [
  { sample: "default-model-package.json", completes: ["selected"] },
  { sample: "default-model-name.json", completes: ["selected"] },
  { sample: "default-slo-policy.json", completes: ["selected", "unsatisfiable"] },
  { sample: "existing-endpoint.json", completes: ["measured"] },
  { sample: "serverless-endpoints.json", completes: ["selected"] },
  { sample: "advanced-stairs.json", completes: ["selected"] },
  { sample: "default-unlisted-instance-type.json", completes: ["selected"] },
  {
    sample: "default-model-package.json",
    policy: { requestsPerMinute: 12_000, maxLatencyMs: 1 },
    completes: ["unsatisfiable"],
  },
];

/** Execution inputs that are not a spec at all; null fails inside the local runner. */
const ODD_INPUTS: [string, unknown][] = [
  ["empty-object", {}],
  ["array", []],
  ["string", "spec"],
  ["unknown-trigger", { spec: {}, trigger: { type: "carrier-pigeon" } }],
  ["malformed-precheck", { spec: {}, precheckErrors: "none" }],
  ["null", null],
];

/**
 * Every fault each service injects. The SageMaker job entries share one draw per job name, so a
 * job fails (model error under 0.05, capacity under 0.09), is stuck (0.09 to 0.15) or completes;
 * its create answer is lost on a draw of its own. The Lambda rules are tried in order, each with
 * its own draw per invocation: some states meet their fault more often than the rest.
 */
export function campaignFaults(): LocalStackFaults {
  return {
    sagemaker: {
      seed: SEED,
      throttleRate: 0.08,
      serverErrorRate: 0.04,
      accountJobLimit: JOB_LIMIT,
      aiJobLimit: AI_ACCOUNT_JOB_LIMIT,
      jobs: [
        { match: "^outside-", runSeconds: OUTSIDE_JOB_SECONDS },
        { rate: 0.05, fate: "fail", reason: "model-error" },
        { rate: 0.09, fate: "fail", reason: "capacity" },
        { rate: 0.15, fate: "stuck" },
        { rate: 0.12, loseCreateResponse: true },
      ],
    },
    eventbridge: { seed: SEED, failEntryRate: 0.15, throttleRate: 0.08, lostResponseRate: 0.08 },
    dynamodb: {
      seed: SEED,
      throttleRate: 0.03,
      serverErrorRate: 0.02,
      lostResponseRate: 0.04,
      lostResponse: "connection-reset",
      tables: [LOCAL_TABLE],
    },
    lambda: {
      seed: SEED,
      tasks: [
        { state: "CreateJob", rate: 0.12, error: "States.Timeout" },
        { state: "PublishOutcome", rate: 0.1, error: "Lambda.Unknown" },
        { state: "DescribeJob", rate: 0.08, error: "Sandbox.Timedout" },
        { rate: 0.015, error: "Lambda.Unknown" },
        { rate: 0.015, error: "Sandbox.Timedout" },
        { rate: 0.015, error: "States.Timeout" },
        { rate: 0.01, error: "Sandbox.Timedout", when: "before" },
      ],
    },
  };
}

export type Source =
  | "manual"
  | "registry"
  | "invalid-spec"
  | "odd-input"
  | "precheck"
  | "refused-by-sagemaker";

/** What one execution must end with. */
export interface Expectation {
  source: Source;
  /** The spec's kind, when the execution runs a job of the kind ai-recommendation. */
  kind?: "ai-recommendation";
  /** The job record's key: the job name, or one after the execution for input that is not a spec. */
  jobName: string;
  outcomes: Outcome[];
  /** Whether a SageMaker job is to be created for it. */
  createsJob: boolean;
  /** The emulator's fate for its job, when it has one. */
  fate?: "complete" | "fail" | "stuck";
  /** The trigger its record must keep, as the execution input gave it. */
  trigger?: Trigger;
}

export interface ExecutionResult {
  name: string;
  executionArn: string;
  status: string;
  error?: string | undefined;
  expectation: Expectation;
  record?: JobRecord | undefined;
  /** The outcome events of its job, in the order the bus received them. */
  events: EventEnvelope[];
  /** Task states entered, and Lambda failures by error, from its history. */
  statesEntered: Record<string, number>;
  lambdaFailures: Record<string, number>;
}

export interface Campaign {
  stack: LocalStack;
  wallSeconds: number;
  simulatedSeconds: number;
  executions: ExecutionResult[];
  /** StartExecution answers of the executions started twice at once. */
  duplicateStarts: [ExecutionStart, ExecutionStart][];
  registry: {
    approvals: number;
    deliveries: { delivered: number; failed: number };
    executionsBeforeLastDeliveries: number;
    executionsAfterLastDeliveries: number;
  };
  outsideJob: string;
  /**
   * Every SageMaker job of either kind, by name, with each status listed under it (an AI
   * recommendation job's in the classic API's words, as the workflow reads it).
   */
  jobs: Map<string, string[]>;
  /** The AI recommendation jobs among them. */
  aiJobs: Set<string>;
  lostCreateResponses: string[];
  lostWorkloadConfigResponses: string[];
  /** CreateAIRecommendationJob calls SageMaker refused for the account's limit. */
  aiRefusedCreates: number;
  lostEventIds: Set<string>;
  /** Outcome events whose job is not any execution's. */
  strayEvents: EventEnvelope[];
  /** Every job record in the table, by the execution that wrote it. */
  recordsByExecution: Map<string, string[]>;
  queue: { end: QueueState; peakHolders: number; peakWaiters: number; samples: number };
  /** The ai-recommendation queue once the executions ended. */
  aiQueueEnd: QueueState;
  /** Deliveries of ended executions to the clean-up function that failed. */
  cleanUpFailures: string[];
}

/** Starts the stack with every fault, runs the campaign to its end and collects what happened. */
export async function runCampaign(): Promise<Campaign> {
  const startedAt = Date.now();
  const stack = await startLocalStack({
    timeScale: TIME_SCALE,
    logLevel: "SILENT",
    jobLimit: JOB_LIMIT,
    aiJobLimit: AI_JOB_LIMIT,
    queueDeadlineSeconds: QUEUE_DEADLINE_SECONDS,
    faults: campaignFaults(),
  });
  const simulatedStart = stack.sagemaker.service.clock.now();
  const clients = stackClients(stack);
  // The suite's own SageMaker calls meet the stack's throttling too: they retry until through.
  const sagemaker = new SageMakerClient({
    endpoint: stack.endpoints.sagemaker,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 12,
  });
  const queue = new QueueStore(clients.documents, LOCAL_TABLE);
  const aiQueue = new QueueStore(
    clients.documents,
    LOCAL_TABLE,
    KINDS["ai-recommendation"].queueKey,
  );
  let sampler: QueueSampler | undefined;
  try {
    const outsideJob = await startOutsideJob(stack, sagemaker);
    // Once SageMaker has refused irflow a job for the account's limit (the execution waits in the
    // queue with a notBefore), the job outside irflow ends and frees its slot.
    let outsideStopped: Promise<void> | undefined;
    const stopOutsideJob = () => {
      if (!outsideStopped) {
        outsideStopped = stopJob(sagemaker, outsideJob);
        // Awaited once the executions have ended, which reports a failure to stop it.
        outsideStopped.catch(() => undefined);
      }
      return outsideStopped;
    };
    sampler = sampleQueue(queue, (state) => {
      if (Object.values(state.waiters).some((waiter) => waiter.notBefore)) void stopOutsideJob();
    });
    const expectations = new Map<string, Expectation>();
    const duplicateStarts = await startPlanned(stack, clients, expectations);
    await approvePackages(sagemaker);
    await stack.eventbridge.bus.settled();
    const approvals = approvalEvents(stack);
    for (let round = 0; round < REDELIVERIES_WHILE_RUNNING; round += 1) {
      for (const approval of approvals) redeliver(stack, approval);
    }
    await stack.eventbridge.bus.settled();

    const started = listExecutions(stack);
    for (const execution of started) {
      if (!expectations.has(execution.name)) {
        expectations.set(execution.name, registryExpectation(stack, execution.executionArn));
      }
    }
    const budgetEnd = startedAt + CAMPAIGN_BUDGET_MS;
    await Promise.all(
      started.map((execution) =>
        stack.stepFunctions.waitForExecution(execution.executionArn, {
          timeoutMs: Math.max(1, budgetEnd - Date.now()),
        }),
      ),
    );
    // The clean-up after executions that ended FAILED runs from the bus: let it finish.
    await stack.eventbridge.bus.settled();
    await stopOutsideJob();
    const executionsBeforeLastDeliveries = listExecutions(stack).length;
    for (let round = 0; round < REDELIVERIES_AFTER_END; round += 1) {
      for (const approval of approvals) redeliver(stack, approval);
    }
    await stack.eventbridge.bus.settled();
    const ended = listExecutions(stack);
    const wallSeconds = (Date.now() - startedAt) / 1000;
    const simulatedSeconds = (stack.sagemaker.service.clock.now() - simulatedStart) / 1000;

    const outcomeEvents = stack.eventbridge.bus.received({ busName: LOCAL_BUS });
    const executions = await Promise.all(
      ended.map(async (execution) => {
        const expectation = expectations.get(execution.name);
        if (!expectation) throw new Error(`execution ${execution.name} was never planned`);
        const described = stack.stepFunctions.describeExecution(execution.executionArn);
        const history = fullHistory(stack, execution.executionArn);
        return {
          name: execution.name,
          executionArn: execution.executionArn,
          status: described.status,
          error: described.error,
          expectation,
          record: await clients.store.get(expectation.jobName),
          events: outcomeEvents.filter((event) => event.detail.jobName === expectation.jobName),
          statesEntered: countStatesEntered(history),
          lambdaFailures: countLambdaFailures(history),
        } satisfies ExecutionResult;
      }),
    );
    const jobNames = new Set(executions.map((execution) => execution.expectation.jobName));
    const aiJobs = await listAiJobs(sagemaker);
    return {
      stack,
      wallSeconds,
      simulatedSeconds,
      executions,
      duplicateStarts,
      registry: {
        approvals: approvals.length,
        deliveries: registryDeliveries(stack, approvals),
        executionsBeforeLastDeliveries,
        executionsAfterLastDeliveries: ended.length,
      },
      outsideJob,
      jobs: new Map([...(await listJobs(sagemaker)), ...aiJobs]),
      aiJobs: new Set(aiJobs.keys()),
      lostCreateResponses: stack.faults.sagemaker.lostCreateResponses(),
      lostWorkloadConfigResponses: stack.faults.sagemaker.lostWorkloadConfigResponses(),
      aiRefusedCreates: stack.sagemaker.service.ai.refusedCreates,
      lostEventIds: stack.faults.eventbridge.lostEventIds(),
      strayEvents: outcomeEvents.filter((event) => !jobNames.has(String(event.detail.jobName))),
      recordsByExecution: await recordsByExecution(clients),
      queue: { end: await queue.read(), ...(await sampler.stop()) },
      aiQueueEnd: await aiQueue.read(),
      cleanUpFailures: stack.eventbridge.bus
        .deliveries()
        .filter(
          (delivery) =>
            delivery.targetArn === functionArn("ExecutionEnded") && delivery.status === "failed",
        )
        .map((delivery) => delivery.error ?? "failed"),
    };
  } catch (error) {
    await stack.close();
    throw error;
  } finally {
    await sampler?.stop().catch(() => undefined);
    sagemaker.destroy();
    clients.destroy();
  }
}

/**
 * Takes one of the account's job slots from outside irflow, so that SageMaker refuses irflow's
 * fifth job with ResourceLimitExceeded and the execution returns to the queue. Its name is one
 * whose drawn fate does not fail it early.
 */
async function startOutsideJob(stack: LocalStack, sagemaker: SageMakerClient): Promise<string> {
  const name =
    Array.from({ length: 50 }, (_, index) => `outside-quota-${index}`).find(
      (candidate) => stack.faults.sagemaker.fateOf(candidate).kind === "complete",
    ) ?? "outside-quota";
  const spec = sample("default-model-name.json") as {
    job: CreateInferenceRecommendationsJobCommandInput;
  };
  try {
    await sagemaker.send(
      new CreateInferenceRecommendationsJobCommand({ ...spec.job, JobName: name }),
    );
  } catch (error) {
    // Its answer was lost and the SDK's retry found the job it had created.
    if (!(error instanceof ResourceInUse)) throw error;
  }
  return name;
}

async function stopJob(sagemaker: SageMakerClient, jobName: string): Promise<void> {
  await sagemaker.send(new StopInferenceRecommendationsJobCommand({ JobName: jobName }));
}

/** Starts the manual, invalid, odd and refused executions at once; returns the duplicate starts. */
async function startPlanned(
  stack: LocalStack,
  clients: StackClients,
  expectations: Map<string, Expectation>,
): Promise<[ExecutionStart, ExecutionStart][]> {
  const starts: { name: string; input: unknown; twice: boolean }[] = [];
  const plan = (name: string, input: unknown, expectation: Expectation, twice = false) => {
    expectations.set(name, expectation);
    starts.push({ name, input, twice });
  };

  for (let index = 0; index < MANUAL_RUNS; index += 1) {
    const template = TEMPLATES[index % TEMPLATES.length];
    if (!template) throw new Error("no template");
    const spec = sample(template.sample, `faults-${index}`);
    if (template.policy) spec.irflow = { ...(spec.irflow as object), policy: template.policy };
    const name = `faults-${index}`;
    const trigger: Trigger = { type: "manual", detail: "fault suite" };
    plan(
      name,
      { spec, trigger },
      { ...jobExpectation(stack, "manual", spec, template.completes), trigger },
      index % DUPLICATE_EVERY === 0,
    );
  }
  for (let index = 0; index < AI_RUNS; index += 1) {
    const spec = sample(AI_SAMPLE, `faults-ai-${index}`);
    const name = `faults-ai-${index}`;
    const trigger: Trigger = { type: "manual", detail: "fault suite, LLM" };
    plan(
      name,
      { spec, trigger },
      {
        ...jobExpectation(stack, "manual", spec, ["selected", "unsatisfiable"]),
        kind: "ai-recommendation",
        trigger,
      },
      index % DUPLICATE_EVERY === 3,
    );
  }
  {
    // Texts with quotes, a backslash and a line break, which AWS takes as they are.
    const spec = sample("default-model-name.json", "faults-text");
    (spec.job as Record<string, unknown>).JobDescription = 'Re-tune "sentiment" \\ weekly';
    const trigger: Trigger = { type: "manual", detail: 'ticket "OPS-7"\nsecond line' };
    plan(
      "faults-text",
      { spec, trigger },
      {
        ...jobExpectation(stack, "manual", spec, ["selected"]),
        trigger,
      },
    );
  }
  {
    // A valid spec with a trigger's precheck errors, as the registry trigger sends them.
    const spec = sample("default-model-name.json", "faults-precheck");
    const precheckErrors = [
      { path: "ModelPackage.Domain", rule: "required", message: "set it on the package" },
    ];
    plan(
      "faults-precheck",
      { spec, precheckErrors },
      notASpec("precheck", "faults-precheck", "rejected"),
    );
    // The same, with a precheck list that brings the input close to the 256 KiB quota.
    const many = Array.from({ length: LARGE_PRECHECK_ERRORS }, (_, index) => ({
      path: `ModelPackage.Field${index}`,
      rule: "required",
      message: "m".repeat(40),
    }));
    const input = { spec: sample("default-model-name.json", "faults-large"), precheckErrors: many };
    if (Buffer.byteLength(JSON.stringify(input)) > 262_144) throw new Error("over the input quota");
    plan("faults-large-precheck", input, notASpec("precheck", "faults-large-precheck", "rejected"));
  }
  for (const file of readdirSync(INVALID_SPECS).sort()) {
    const name = `faults-invalid-${file.replace(/\.json$/, "").replaceAll(/[^A-Za-z0-9-]/g, "-")}`;
    const spec = JSON.parse(readFileSync(join(INVALID_SPECS, file), "utf8")) as unknown;
    plan(name, { spec, trigger: { type: "manual" } }, notASpec("invalid-spec", name, "rejected"));
  }
  for (const [label, input] of ODD_INPUTS) {
    const name = `faults-odd-${label}`;
    plan(name, input, notASpec("odd-input", name, input === null ? "failed" : "rejected"));
  }
  for (const version of [98, 99]) {
    // Valid for irflow; SageMaker refuses it, as the package version does not exist.
    const spec = sample("default-model-package.json", `faults-missing-${version}`);
    (spec.job as { InputConfig: Record<string, unknown> }).InputConfig.ModelPackageVersionArn =
      `${PACKAGE_ARN}/${version}`;
    const name = `faults-missing-package-${version}`;
    plan(
      name,
      { spec, trigger: { type: "manual" } },
      {
        source: "refused-by-sagemaker",
        jobName: jobNameOf(spec),
        outcomes: ["rejected"],
        createsJob: false,
      },
    );
  }

  const duplicates: [ExecutionStart, ExecutionStart][] = [];
  await Promise.all(
    starts.map(async ({ name, input, twice }) => {
      const request = { stateMachineArn: stack.stateMachineArn, name, input };
      if (!twice) {
        await startExecutionOnce(clients.sfn, request);
        return;
      }
      const [first, second] = await Promise.all([
        startExecutionOnce(clients.sfn, request),
        startExecutionOnce(clients.sfn, request),
      ]);
      duplicates.push([first, second]);
    }),
  );
  return duplicates;
}

function jobExpectation(
  stack: LocalStack,
  source: Source,
  spec: unknown,
  completes: Outcome[],
): Expectation {
  const jobName = jobNameOf(spec);
  const fate = stack.faults.sagemaker.fateOf(jobName).kind;
  const outcomes: Outcome[] =
    fate === "fail" ? ["failed"] : fate === "stuck" ? ["timed-out"] : completes;
  return { source, jobName, outcomes, createsJob: true, fate };
}

/**
 * An input that names no job: ValidateSpec rejects it under a name after the execution, or, for an
 * input no state can read, the clean-up records the execution's end under another.
 */
function notASpec(source: Source, executionName: string, outcome: Outcome): Expectation {
  const jobName =
    outcome === "rejected" ? rejectedRecordName(executionName) : endedRecordName(executionName);
  return { source, jobName, outcomes: [outcome], createsJob: false };
}

function jobNameOf(spec: unknown): string {
  const result = validateAnySpec(spec);
  if (!result.valid) throw new Error("a spec the suite expects to be valid is not");
  return result.jobName;
}

/**
 * A registry execution's expectation, from the input the trigger built: a package that lacks what
 * Inference Recommender needs comes with precheck errors and is rejected.
 */
function registryExpectation(stack: LocalStack, executionArn: string): Expectation {
  const { input, name } = stack.stepFunctions.describeExecution(executionArn);
  const { spec, trigger, precheckErrors } = JSON.parse(input ?? "{}") as {
    spec?: unknown;
    trigger?: Trigger;
    precheckErrors?: unknown[];
  };
  if (precheckErrors?.length) return { ...notASpec("registry", name, "rejected"), trigger };
  // The group's policy decides whether a completed job finds an entry that meets it.
  return { ...jobExpectation(stack, "registry", spec, ["selected", "unsatisfiable"]), trigger };
}

/**
 * Approves the seeded versions of fraud-xgboost that are Rejected, and one new version that lacks
 * its Domain, which the registry trigger reports as a precheck error.
 */
async function approvePackages(sagemaker: SageMakerClient): Promise<void> {
  const incomplete = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: "fraud-xgboost",
      ModelApprovalStatus: "PendingManualApproval",
      Task: "CLASSIFICATION",
      SamplePayloadUrl: "s3://irflow-samples/fraud-xgboost/payload.tar.gz",
      InferenceSpecification: {
        Containers: [
          {
            Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            ModelDataUrl: "s3://irflow-samples/fraud-xgboost/model-incomplete.tar.gz",
            Framework: "XGBOOST",
            FrameworkVersion: "1.7",
            NearestModelName: "xgboost",
          },
        ],
        SupportedContentTypes: ["text/csv"],
        SupportedResponseMIMETypes: ["text/csv"],
        SupportedRealtimeInferenceInstanceTypes: ["ml.m5.large"],
      },
    }),
  );
  const arns = [
    ...APPROVED_VERSIONS.map((version) => `${PACKAGE_ARN}/${version}`),
    incomplete.ModelPackageArn ?? "",
  ];
  for (const arn of arns) {
    await sagemaker.send(
      new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: "Approved" }),
    );
  }
}

function approvalEvents(stack: LocalStack): EventEnvelope[] {
  return stack.eventbridge.bus
    .received({ busName: "default", source: "aws.sagemaker" })
    .filter((event) => event.detail.ModelApprovalStatus === "Approved");
}

/** The same event delivered again, as EventBridge may: at least once, not exactly once. */
function redeliver(stack: LocalStack, event: EventEnvelope): void {
  stack.eventbridge.bus.putServiceEvent({
    Source: event.source,
    DetailType: event["detail-type"],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
  });
}

function registryDeliveries(
  stack: LocalStack,
  approvals: EventEnvelope[],
): { delivered: number; failed: number } {
  const packages = new Set(approvals.map((event) => event.detail.ModelPackageArn));
  const ids = new Set(
    approvalEvents(stack)
      .filter((event) => packages.has(event.detail.ModelPackageArn))
      .map((event) => event.id),
  );
  const deliveries = stack.eventbridge.bus
    .deliveries()
    .filter(
      (delivery) =>
        ids.has(delivery.eventId) && delivery.targetArn === functionArn("RegistryTrigger"),
    );
  return {
    delivered: deliveries.filter((delivery) => delivery.status === "delivered").length,
    failed: deliveries.filter((delivery) => delivery.status === "failed").length,
  };
}

function listExecutions(stack: LocalStack): { name: string; executionArn: string }[] {
  const all: { name: string; executionArn: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = stack.stepFunctions.listExecutions({
      stateMachineArn: stack.stateMachineArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    all.push(...page.executions.map(({ name, executionArn }) => ({ name, executionArn })));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

function fullHistory(stack: LocalStack, executionArn: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = stack.stepFunctions.getExecutionHistory({
      executionArn,
      includeExecutionData: false,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function countStatesEntered(history: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history) {
    if (event.type !== "TaskStateEntered") continue;
    const name = String(event.stateEnteredEventDetails?.name);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function countLambdaFailures(history: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history) {
    const details =
      event.type === "LambdaFunctionFailed"
        ? event.lambdaFunctionFailedEventDetails
        : event.type === "LambdaFunctionTimedOut"
          ? event.lambdaFunctionTimedOutEventDetails
          : undefined;
    if (!details) continue;
    const error = String(details.error ?? event.type);
    counts[error] = (counts[error] ?? 0) + 1;
  }
  return counts;
}

async function recordsByExecution(clients: StackClients): Promise<Map<string, string[]>> {
  const records = new Map<string, string[]>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await clients.documents.send(
      new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.executionArn !== "string") continue;
      const names = records.get(item.executionArn) ?? [];
      records.set(item.executionArn, [...names, String(item.jobName)]);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return records;
}

async function listJobs(sagemaker: SageMakerClient): Promise<Map<string, string[]>> {
  const jobs = new Map<string, string[]>();
  let NextToken: string | undefined;
  do {
    const page = await sagemaker.send(
      new ListInferenceRecommendationsJobsCommand({ MaxResults: 100, NextToken }),
    );
    for (const job of page.InferenceRecommendationsJobs ?? []) {
      const name = job.JobName ?? "";
      jobs.set(name, [...(jobs.get(name) ?? []), job.Status ?? "UNKNOWN"]);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return jobs;
}

async function listAiJobs(sagemaker: SageMakerClient): Promise<Map<string, string[]>> {
  const jobs = new Map<string, string[]>();
  let NextToken: string | undefined;
  do {
    const page = await sagemaker.send(
      new ListAIRecommendationJobsCommand({ MaxResults: 100, NextToken }),
    );
    for (const job of page.AIRecommendationJobs ?? []) {
      const name = job.AIRecommendationJobName ?? "";
      jobs.set(name, [...(jobs.get(name) ?? []), workflowStatusOf(job.AIRecommendationJobStatus)]);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return jobs;
}

interface QueueSampler {
  stop(): Promise<{ peakHolders: number; peakWaiters: number; samples: number }>;
}

/**
 * Reads the queue item every 100 ms while the campaign runs, for the most holders and waiters
 * seen, and hands each state read to `onSample`.
 */
function sampleQueue(queue: QueueStore, onSample: (state: QueueState) => void): QueueSampler {
  let peakHolders = 0;
  let peakWaiters = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const state = await queue.read();
      peakHolders = Math.max(peakHolders, Object.keys(state.holders).length);
      peakWaiters = Math.max(peakWaiters, Object.keys(state.waiters).length);
      samples += 1;
      onSample(state);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  // Kept until stop() hands it on, so that a failed read is reported there.
  const outcome = loop.then(
    () => undefined,
    (error: unknown) => error,
  );
  return {
    stop: async () => {
      running = false;
      const error = await outcome;
      if (error) throw error;
      return { peakHolders, peakWaiters, samples };
    },
  };
}
