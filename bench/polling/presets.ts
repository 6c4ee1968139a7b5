/**
 * Generated job mixes: jobs planned by the local emulator (local/sagemaker/plan.ts), so their
 * durations, benchmarks and spread are the emulator's, not the schedule's assumptions.
 *
 * A mix draws models (tree, transformer, vision and large language models), gives each model one
 * Advanced spec (a traffic pattern of 10 to 60 minutes, 1 to 5 instance types, some run one at a
 * time, some all at once, half with stopping conditions), and then jobs: Default or Advanced for a
 * model, with a PENDING of 30 s to 3 min, steps that show progress or not, and 1 to 5 earlier
 * runs of the same model and spec as history, or none.
 */

import type { ModelProfile } from "../../local/sagemaker/performance.ts";
import { fnv1a32, mulberry32 } from "../../local/sagemaker/performance-random.ts";
import { planJob } from "../../local/sagemaker/plan.ts";
import type { InstanceType } from "../../src/spec/instance-types.ts";
import type { JobRequest } from "../../src/spec/schema.ts";
import { validateSpec } from "../../src/spec/validate.ts";
import { deadlineSeconds } from "../../src/workflow/polling.ts";
import { type SimJob, simJob } from "./mix.ts";

export interface PresetShape {
  description: string;
  /** Share of Default jobs; the rest are Advanced. */
  defaultShare: number;
  /** Share of jobs whose steps show progress. */
  progressShare: number;
  /** Share of jobs with earlier runs of the same model. */
  historyShare: number;
  /** Extra log-space job-to-job noise on Default jobs, on top of the emulator's (0: none). */
  extraNoise: number;
}

export const PRESETS = {
  default: {
    description: "55% Default, 45% Advanced; 70% show progress; 60% have history",
    defaultShare: 0.55,
    progressShare: 0.7,
    historyShare: 0.6,
    extraNoise: 0,
  },
  "no-progress": {
    description: "as default, but no job's steps show progress",
    defaultShare: 0.55,
    progressShare: 0,
    historyShare: 0.6,
    extraNoise: 0,
  },
  "first-runs": {
    description: "as default, but no job has history",
    defaultShare: 0.55,
    progressShare: 0.7,
    historyShare: 0,
    extraNoise: 0,
  },
  "default-jobs": {
    description: "Default jobs only; 70% show progress; 60% have history",
    defaultShare: 1,
    progressShare: 0.7,
    historyShare: 0.6,
    extraNoise: 0,
  },
  "advanced-jobs": {
    description: "Advanced jobs only; 70% show progress; 60% have history",
    defaultShare: 0,
    progressShare: 0.7,
    historyShare: 0.6,
    extraNoise: 0,
  },
  volatile: {
    description: "as default, with Default jobs varying twice as much from one run to the next",
    defaultShare: 0.55,
    progressShare: 0.7,
    historyShare: 0.6,
    extraNoise: 0.15,
  },
  "prior-only": {
    description: "as default, but no progress and no history: the spec and AWS's figures alone",
    defaultShare: 0.55,
    progressShare: 0,
    historyShare: 0,
    extraNoise: 0,
  },
} as const satisfies Record<string, PresetShape>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

const ROLE = "arn:aws:iam::111122223333:role/irflow-sagemaker";
const MODEL_COUNT = 150;
const CPU_TYPES: InstanceType[] = [
  "ml.c5.xlarge",
  "ml.m5.xlarge",
  "ml.c6i.xlarge",
  "ml.m6i.xlarge",
  "ml.c5.2xlarge",
  "ml.c7g.xlarge",
  "ml.r5.xlarge",
];
const GPU_TYPES: InstanceType[] = ["ml.g4dn.xlarge", "ml.g5.xlarge", "ml.g5.2xlarge"];
const TRAFFIC_SECONDS = [600, 900, 1200, 1800, 2400, 3600];
const JOB_DURATIONS = [3600, 7200, 10_800, 14_400, 18_000];

interface ModelKind {
  share: number;
  framework: string;
  nearest: string[];
  accelerated: boolean;
}

const MODEL_KINDS: ModelKind[] = [
  { share: 0.45, framework: "XGBOOST", nearest: ["xgboost", "lightgbm"], accelerated: false },
  {
    share: 0.25,
    framework: "PYTORCH",
    nearest: ["bert-base-cased", "distilbert-base-uncased", "roberta-base"],
    accelerated: true,
  },
  {
    share: 0.2,
    framework: "TENSORFLOW",
    nearest: ["resnet50", "vit-base", "yolov5"],
    accelerated: true,
  },
  { share: 0.1, framework: "PYTORCH", nearest: ["llama-2-7b", "mistral-7b"], accelerated: true },
];

interface Model {
  group: string;
  profile: Omit<ModelProfile, "seed">;
  advanced: unknown;
}

/** Jobs of a generated mix, each with the spec it was planned from. */
export function presetMix(name: PresetName, options: { seed: string; jobs: number }): SimJob[] {
  const shape: PresetShape = PRESETS[name];
  const random = mulberry32(fnv1a32(`${options.seed}|${name}`));
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)] ?? (items[0] as T);
  const normal = () =>
    Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const models = Array.from({ length: MODEL_COUNT }, (_, index) =>
    drawModel(`${options.seed}-m${index}`, random, pick),
  );

  return Array.from({ length: options.jobs }, (_, index) => {
    const model = pick(models);
    const isDefault = random() < shape.defaultShare;
    const spec = isDefault ? defaultSpec(model.group) : model.advanced;
    const request = specRequest(spec);
    const jobName = `${model.group}-j${index}`;
    const run = (name: string, noise: number) => {
      const plan = planJob(request, { seed: `${model.group}|${name}`, ...model.profile }, name);
      // A load test lasts as long as its traffic pattern: only Default jobs get the extra noise.
      const factor = isDefault ? Math.exp(shape.extraNoise * noise) : 1;
      return {
        runSeconds: Math.round(plan.runSeconds * factor),
        benchmarks: plan.benchmarks.map((benchmark) => ({
          startOffset: Math.round(benchmark.startOffset * factor),
          endOffset: Math.round(benchmark.endOffset * factor),
        })),
      };
    };
    const planned = run(jobName, normal());
    const historyCount = random() < shape.historyShare ? 1 + Math.floor(random() * 5) : 0;
    const history = Array.from(
      { length: historyCount },
      (_, earlier) => run(`${jobName}-h${earlier}`, normal()).runSeconds,
    );
    const pendingSeconds = 30 + Math.round(150 * random() ** 2);
    const showsProgress = random() < shape.progressShare;
    return {
      ...simJob(request, deadlineSeconds(validated(spec)), {
        pendingSeconds,
        runSeconds: planned.runSeconds,
        ...(showsProgress ? { benchmarks: planned.benchmarks } : {}),
        history,
      }),
      spec,
    };
  });
}

function drawModel(
  group: string,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Model {
  const draw = random();
  let cumulative = 0;
  const kind =
    MODEL_KINDS.find((candidate) => {
      cumulative += candidate.share;
      return draw < cumulative;
    }) ?? (MODEL_KINDS[0] as ModelKind);
  const types = kind.accelerated ? [...GPU_TYPES, ...CPU_TYPES.slice(0, 3)] : CPU_TYPES;
  const configurations = 1 + Math.floor(random() * Math.min(5, types.length));
  const shuffled = [...types];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [
      shuffled[other] as InstanceType,
      shuffled[index] as InstanceType,
    ];
  }
  const chosen = shuffled.slice(0, configurations);
  const parallel = random() < 0.2 ? undefined : 1 + Math.floor(random() * configurations);
  const traffic = pick(TRAFFIC_SECONDS);
  const waves = Math.ceil(configurations / (parallel ?? configurations));
  const needed = waves * (traffic + 900) + 600;
  const stairs = traffic <= 1800 && random() < 0.3;
  const advanced = {
    specVersion: 1,
    job: {
      JobType: "Advanced",
      RoleArn: ROLE,
      InputConfig: {
        ModelPackageVersionArn: packageArn(group),
        JobDurationInSeconds: JOB_DURATIONS.find((duration) => duration >= needed) ?? 18_000,
        TrafficPattern: stairs
          ? {
              TrafficType: "STAIRS",
              Stairs: { DurationInSeconds: 300, NumberOfSteps: traffic / 300, UsersPerStep: 2 },
            }
          : {
              TrafficType: "PHASES",
              Phases: [{ InitialNumberOfUsers: 1, SpawnRate: 1, DurationInSeconds: traffic }],
            },
        ResourceLimit: {
          MaxNumberOfTests: configurations,
          ...(parallel !== undefined ? { MaxParallelOfTests: parallel } : {}),
        },
        EndpointConfigurations: chosen.map((InstanceType) => ({ InstanceType })),
      },
      ...(random() < 0.5
        ? {
            StoppingConditions: {
              MaxInvocations: 3000,
              ModelLatencyThresholds: [{ Percentile: "P95", ValueInMilliseconds: 200 }],
            },
          }
        : {}),
    },
  };
  return {
    group,
    profile: { framework: kind.framework, nearestModelName: pick(kind.nearest) },
    advanced,
  };
}

function packageArn(group: string): string {
  return `arn:aws:sagemaker:us-east-1:111122223333:model-package/${group}/1`;
}

function defaultSpec(group: string): unknown {
  return {
    specVersion: 1,
    job: {
      JobType: "Default",
      RoleArn: ROLE,
      InputConfig: { ModelPackageVersionArn: packageArn(group) },
    },
  };
}

function validated(spec: unknown) {
  const validation = validateSpec(spec);
  if (!validation.valid) {
    throw new Error(
      `generated spec is invalid: ${validation.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`,
    );
  }
  return validation.spec;
}

function specRequest(spec: unknown): JobRequest {
  return validated(spec).job;
}
