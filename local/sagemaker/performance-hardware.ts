/**
 * How fast an instance runs a workload: per-vCPU speed by family generation, and how much one
 * accelerator device outruns a reference core on deep-learning compute.
 */
import type { InstanceSpec } from "./catalog.ts";
import type { WorkloadKind } from "./performance-workload.ts";

// Speed of one vCPU relative to an ml.c5 vCPU. Newer generations are faster; Graviton vCPUs are
// whole cores, so they hold up well per vCPU. t2 is burstable and runs out of credits under load.
const FAMILY_CPU_SPEED: Readonly<Record<string, number>> = {
  t2: 0.55,
  m4: 0.75,
  c4: 0.8,
  p2: 0.7,
  p3: 0.9,
  c5: 1,
  c5d: 1,
  m5: 0.97,
  m5d: 0.97,
  r5: 0.95,
  r5d: 0.95,
  g4dn: 0.95,
  inf1: 0.95,
  dl1: 1,
  c6i: 1.15,
  c6in: 1.15,
  m6i: 1.12,
  r6i: 1.1,
  g5: 1.1,
  g6: 1.15,
  g6e: 1.2,
  p4d: 1.05,
  p4de: 1.05,
  c7i: 1.3,
  m7i: 1.27,
  r7i: 1.25,
  inf2: 1.15,
  trn1: 1.1,
  trn1n: 1.1,
  trn2: 1.3,
  p5: 1.3,
  p5e: 1.35,
  p5en: 1.35,
  "p6-b200": 1.45,
  "p6e-gb200": 1.4,
  c6g: 0.95,
  c6gd: 0.95,
  c6gn: 0.95,
  m6g: 0.93,
  m6gd: 0.93,
  r6g: 0.92,
  r6gd: 0.92,
  c7g: 1.2,
  r7gd: 1.17,
  c8g: 1.4,
  m8g: 1.37,
  r8g: 1.35,
};

// Deep-learning throughput of one device, in reference cores. Tabular models gain nothing.
const ACCELERATOR_SPEEDUP: Readonly<Record<string, number>> = {
  "NVIDIA K80": 8,
  "NVIDIA T4": 25,
  "NVIDIA V100": 50,
  "NVIDIA A10G": 45,
  "NVIDIA L4": 40,
  "NVIDIA L40S": 85,
  "NVIDIA A100": 110,
  "NVIDIA H100": 200,
  "NVIDIA H200": 230,
  "NVIDIA B200": 340,
  "NVIDIA GB200": 360,
  "AWS Inferentia": 18,
  "AWS Inferentia2": 55,
  "AWS Trainium": 50,
  "AWS Trainium2": 110,
  "Habana Gaudi": 55,
};
const UNKNOWN_ACCELERATOR_SPEEDUP = 20;

/** Tabular libraries are tuned for arm64; deep-learning kernels less so. */
const ARM64_SPEED: Readonly<Record<WorkloadKind, number>> = { tabular: 1.1, deep: 0.85 };

/** Many workers on one host contend for caches and memory bandwidth. */
const CORE_SCALING_EXPONENT = 0.92;

export function cpuSpeed(spec: InstanceSpec, kind: WorkloadKind): number {
  const family = FAMILY_CPU_SPEED[spec.family] ?? 1;
  return spec.arch === "arm64" ? family * ARM64_SPEED[kind] : family;
}

/** vCPUs as worth in parallel throughput. */
export function effectiveCores(spec: InstanceSpec): number {
  return spec.vcpu ** CORE_SCALING_EXPONENT;
}

export function acceleratorSpeedup(spec: InstanceSpec): number {
  if (!spec.accelerator) return 0;
  return ACCELERATOR_SPEEDUP[spec.accelerator.name] ?? UNKNOWN_ACCELERATOR_SPEEDUP;
}
