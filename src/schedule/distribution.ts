/**
 * The predicted end of a job: a part of its completion time that is certain (the load tests' own
 * traffic, when the spec fixes it) plus a log-normal rest (seconds since CreateJob), truncated to
 * what is physically possible and to what has been seen so far.
 */

/** Standard normal CDF; absolute error below 1.5e-7 (Abramowitz and Stegun 7.1.26). */
export function normalCdf(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 1;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
] as const;
const D = [
  7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416,
] as const;
const P_LOW = 0.02425;

/** Inverse of the standard normal CDF; relative error below 1.2e-9 (Acklam's approximation). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - P_LOW) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

export interface EndDistribution {
  /**
   * Seconds of the completion time that are certain; the log-normal describes the rest. Without
   * it (0), a job whose length is mostly a known load test would get the rest's uncertainty
   * spread over the whole, and too early a window.
   */
  certain?: number;
  /** Mean and standard deviation of the log of the completion time beyond `certain`. */
  mu: number;
  sigma: number;
  /** The job cannot end before this (seconds since CreateJob). */
  lower: number;
  /** Nor after this; Infinity when nothing bounds it. */
  upper: number;
}

function cdfAt(distribution: EndDistribution, seconds: number): number {
  const rest = seconds - (distribution.certain ?? 0);
  if (rest <= 0) return 0;
  if (rest === Number.POSITIVE_INFINITY) return 1;
  return normalCdf((Math.log(rest) - distribution.mu) / distribution.sigma);
}

/**
 * The completion time below which a fraction `p` of the jobs like this one end, counting only
 * ends within [from, upper] (from defaults to the distribution's lower bound). When the model
 * leaves no probability there (the job has overrun every expectation), the answer grows from
 * `from` in proportion to the spread, so a caller still gets a finite, increasing time.
 */
export function endQuantile(distribution: EndDistribution, p: number, from?: number): number {
  const lower = Math.max(distribution.lower, from ?? distribution.lower, 0);
  const upper = distribution.upper;
  const low = cdfAt(distribution, lower);
  const high = cdfAt(distribution, upper);
  if (!(high - low > 1e-12)) {
    const scale = Math.max(60, lower * distribution.sigma);
    return Number.isFinite(upper) && upper > lower
      ? lower + p * (upper - lower)
      : lower + p * scale;
  }
  const target = low + p * (high - low);
  const seconds =
    (distribution.certain ?? 0) +
    Math.exp(distribution.mu + distribution.sigma * normalQuantile(target));
  return Math.min(Math.max(seconds, lower), upper);
}
