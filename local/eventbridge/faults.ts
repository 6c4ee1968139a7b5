/**
 * Deterministic fault injection: the same seed and the same sequence of accepted entries fail
 * the same entries, so a test of retry logic reproduces exactly.
 */
import { createHash } from "node:crypto";

export interface FaultOptions {
  /** Fraction of otherwise valid PutEvents entries answered with InternalFailure, 0..1. */
  failEntryRate?: number;
  seed?: string;
}

export const DEFAULT_FAULT_SEED = "irflow";

/** Decides, entry by entry, whether to fail it. */
export type FaultPlan = () => boolean;

export const NO_FAULTS: FaultPlan = () => false;

export function faultPlan(options: FaultOptions): FaultPlan {
  const rate = options.failEntryRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`failEntryRate must be between 0 and 1, got ${rate}`);
  }
  if (rate === 0) return NO_FAULTS;
  const next = seededUniform(options.seed ?? DEFAULT_FAULT_SEED);
  return () => next() < rate;
}

/** Uniform numbers in [0, 1) from a string seed (mulberry32 over a sha256-derived state). */
export function seededUniform(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
