/**
 * Deterministic pseudo-random numbers for the performance model. The same key always gives the
 * same number, so an emulated job reports the same figures on every run and every machine.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a hash of the UTF-16 code units of `text`. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform number in [0, 1) for a key made of parts. Each purpose gets its own key, so adding a
 * new draw never shifts the values of the existing ones.
 */
export function seededUnit(...parts: string[]): number {
  return mulberry32(fnv1a32(parts.join("\u001f")))();
}

/** A factor spread evenly in log space around 1: exp(±spread/2). */
export function seededFactor(spread: number, ...parts: string[]): number {
  return Math.exp((seededUnit(...parts) - 0.5) * spread);
}
