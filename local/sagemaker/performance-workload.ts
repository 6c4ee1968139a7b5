/**
 * What serving one request of a model costs, read from what a recommendation job knows about the
 * model: framework, domain, task and the nearest well-known model. Figures are in core-milliseconds
 * on a reference vCPU (an ml.c5 core), before the seeded per-model factor.
 */
import { seededFactor } from "./performance-random.ts";

export interface ModelProfile {
  /** Makes the figures of one model differ from another's, e.g. job name + model identity. */
  seed: string;
  /** TENSORFLOW | PYTORCH | XGBOOST | SAGEMAKER-SCIKIT-LEARN */
  framework?: string;
  domain?: string;
  task?: string;
  nearestModelName?: string;
}

/** Tabular models (trees, linear models) run on CPU only; deep models can use accelerators. */
export type WorkloadKind = "tabular" | "deep";

export interface Workload {
  kind: WorkloadKind;
  /** Model compute per request, in reference core-milliseconds. */
  computeMs: number;
  /** Serving stack per request (HTTP, (de)serialization, the framework's server). */
  overheadMs: number;
  /** Resident size of one loaded copy of the model. */
  modelMemoryGiB: number;
}

interface ModelClass {
  kind: WorkloadKind;
  computeMs: number;
  modelMemoryGiB: number;
}

const tabular = (computeMs: number, modelMemoryGiB: number): ModelClass => ({
  kind: "tabular",
  computeMs,
  modelMemoryGiB,
});
const deep = (computeMs: number, modelMemoryGiB: number): ModelClass => ({
  kind: "deep",
  computeMs,
  modelMemoryGiB,
});

// First match wins, so the more specific names come first (distilbert before bert).
const NEAREST_MODELS: readonly [RegExp, ModelClass][] = [
  [/xgboost|lightgbm|catboost|gradient.?boost/, tabular(0.6, 0.05)],
  [/linear|logistic|random.?forest|scikit|sklearn|k-?means|knn|svm/, tabular(0.4, 0.03)],
  [/llama|mistral|falcon|gpt-?j|gpt-?neo|bloom|opt-\d|qwen|gemma/, deep(4000, 14)],
  [/distil/, deep(70, 0.27)],
  [/bert|roberta|electra|deberta/, deep(150, 0.45)],
  [/gpt-?2/, deep(300, 0.6)],
  [/\bt5|bart|marian|pegasus/, deep(400, 0.9)],
  [/mask.?r-?cnn|u-?net|deeplab|segformer|segment/, deep(250, 0.3)],
  [/yolo|ssd|faster.?r-?cnn|retinanet|detr/, deep(180, 0.25)],
  [/vgg/, deep(160, 0.55)],
  [/vit|clip|swin/, deep(120, 0.35)],
  [/resnet-?(18|34)\b|mobilenet|squeezenet|shufflenet/, deep(12, 0.05)],
  [/resnet|densenet|inception|efficientnet|xception/, deep(45, 0.1)],
];

const TASKS: Readonly<Record<string, ModelClass>> = {
  IMAGE_CLASSIFICATION: deep(45, 0.1),
  OBJECT_DETECTION: deep(180, 0.25),
  IMAGE_SEGMENTATION: deep(250, 0.3),
  TEXT_GENERATION: deep(2500, 10),
  FILL_MASK: deep(150, 0.45),
  CLASSIFICATION: tabular(0.6, 0.05),
  REGRESSION: tabular(0.5, 0.05),
};

const DOMAINS: Readonly<Record<string, ModelClass>> = {
  COMPUTER_VISION: deep(60, 0.15),
  NATURAL_LANGUAGE_PROCESSING: deep(150, 0.45),
  MACHINE_LEARNING: tabular(0.8, 0.05),
};

const FRAMEWORK_MODELS: Readonly<Record<string, ModelClass>> = {
  XGBOOST: tabular(0.6, 0.05),
  "SAGEMAKER-SCIKIT-LEARN": tabular(0.4, 0.03),
  TENSORFLOW: deep(25, 0.12),
  PYTORCH: deep(25, 0.12),
};

/** A small generic network, for a profile that says nothing about the model. */
const UNKNOWN_MODEL = deep(20, 0.1);

// The serving stack dominates light models: Flask/Gunicorn containers of the tabular frameworks
// cost more per request than TensorFlow Serving or TorchServe.
const SERVING_OVERHEAD_MS: Readonly<Record<string, number>> = {
  XGBOOST: 18,
  "SAGEMAKER-SCIKIT-LEARN": 22,
  TENSORFLOW: 5,
  PYTORCH: 8,
};
const DEFAULT_SERVING_OVERHEAD_MS = 10;

function normalized(value: string | undefined): string {
  return (value ?? "").trim().toUpperCase();
}

function nearestModelClass(name: string | undefined): ModelClass | undefined {
  const lower = (name ?? "").toLowerCase();
  if (lower === "") return undefined;
  return NEAREST_MODELS.find(([pattern]) => pattern.test(lower))?.[1];
}

/** The most specific description wins: nearest model, then task, then domain, then framework. */
function modelClass(profile: ModelProfile): ModelClass {
  const frameworkClass = FRAMEWORK_MODELS[normalized(profile.framework)];
  const described =
    nearestModelClass(profile.nearestModelName) ??
    TASKS[normalized(profile.task)] ??
    DOMAINS[normalized(profile.domain)];
  // A tabular framework's container cannot serve a deep network, whatever else the profile says.
  if (frameworkClass?.kind === "tabular" && described?.kind !== "tabular") return frameworkClass;
  return described ?? frameworkClass ?? UNKNOWN_MODEL;
}

export function workloadFor(profile: ModelProfile): Workload {
  const base = modelClass(profile);
  const overhead =
    SERVING_OVERHEAD_MS[normalized(profile.framework)] ?? DEFAULT_SERVING_OVERHEAD_MS;
  return {
    kind: base.kind,
    computeMs: base.computeMs * seededFactor(0.9, profile.seed, "compute"),
    overheadMs: overhead * seededFactor(0.4, profile.seed, "overhead"),
    modelMemoryGiB: base.modelMemoryGiB * seededFactor(0.3, profile.seed, "model-memory"),
  };
}
