/**
 * The unit of ModelLatency, decided here and nowhere else.
 *
 * The results page of the AWS guide says milliseconds, but AWS's own example responses only make
 * sense in microseconds (a P95 threshold of 100 ms next to ModelLatency 100000; 263596 at 648
 * requests a minute, which would need about 2,850 requests in flight if it were milliseconds).
 * So microseconds is the reading unless the job's own numbers contradict it.
 *
 * The check is Little's law: at MaxInvocations, requests in flight = requests per second x
 * latency in seconds. A load test keeps at least about one request in flight, and never more than
 * its users. When microseconds gives an implausible figure and milliseconds a plausible one, the
 * job is read in milliseconds. The two readings differ by a factor of 1,000, and the plausible band
 * is at most that wide for an ordinary job, so at most one reading fits.
 *
 * ModelSetupTime and EndpointPerformances latencies are read in the same unit: one job, one unit.
 */
import * as z from "zod";
import type { NormalizedJob } from "./describe.ts";
import { formatCount } from "./format.ts";

export const LATENCY_UNIT_CHOICES = ["us", "ms"] as const;
export type LatencyUnit = (typeof LATENCY_UNIT_CHOICES)[number];

/** "About one" request in flight: half a request, to allow for time spent outside the model. */
export const MIN_IN_FLIGHT = 0.5;
/**
 * How far above the load test's peak users the estimate may go: ModelLatency may be a high
 * percentile while MaxInvocations is an average, which overstates the requests in flight.
 */
export const PEAK_USERS_SLACK = 2;
/**
 * The bound for a job without a traffic pattern (a Default job), whose load the service chooses:
 * far more concurrent requests than one instance or serverless endpoint serves, yet a thousand
 * times the floor, so the two readings cannot both fit.
 */
export const DEFAULT_MAX_IN_FLIGHT = 500;

export const latencyUnitDecisionSchema = z.object({
  unit: z.enum(LATENCY_UNIT_CHOICES),
  /** `policy` when the policy named the unit, `auto` when the job's numbers decided it. */
  source: z.enum(["policy", "auto"]),
  reason: z.string(),
  evidence: z
    .object({
      /** Entries and endpoint performances with both MaxInvocations and ModelLatency. */
      samples: z.number(),
      /** Median requests in flight at MaxInvocations, reading latencies as microseconds. */
      medianInFlightAsMicroseconds: z.number(),
      medianInFlightAsMilliseconds: z.number(),
      minInFlight: z.number(),
      maxInFlight: z.number(),
    })
    .optional(),
});

export type LatencyUnitDecision = z.output<typeof latencyUnitDecisionSchema>;

type UnitInputs = Pick<
  NormalizedJob,
  "jobType" | "trafficPeakUsers" | "recommendations" | "endpointPerformances"
>;

export function decideLatencyUnit(
  job: UnitInputs,
  requested: "auto" | LatencyUnit = "auto",
): LatencyUnitDecision {
  if (requested !== "auto") {
    return {
      unit: requested,
      source: "policy",
      reason: `the policy sets latencyUnit ${requested}`,
    };
  }
  const inFlight = [
    ...job.recommendations.map((entry) => entry.metrics),
    ...job.endpointPerformances,
  ]
    .filter(
      (metrics) =>
        metrics.maxInvocations !== undefined &&
        metrics.maxInvocations > 0 &&
        metrics.modelLatency !== undefined &&
        metrics.modelLatency > 0,
    )
    .map((metrics) => ((metrics.maxInvocations ?? 0) / 60) * ((metrics.modelLatency ?? 0) / 1e6));
  if (inFlight.length === 0) {
    return {
      unit: "us",
      source: "auto",
      reason:
        "read as microseconds, as AWS's example responses are: no entry reports both MaxInvocations and ModelLatency to check it against",
    };
  }
  const asMicroseconds = median(inFlight);
  const asMilliseconds = asMicroseconds * 1000;
  const { max, basis } = inFlightCeiling(job);
  const fits = (value: number) => value >= MIN_IN_FLIGHT && value <= max;
  const evidence = {
    samples: inFlight.length,
    medianInFlightAsMicroseconds: asMicroseconds,
    medianInFlightAsMilliseconds: asMilliseconds,
    minInFlight: MIN_IN_FLIGHT,
    maxInFlight: max,
  };
  const band = `${MIN_IN_FLIGHT} to ${formatCount(max)} (${basis})`;
  const sample = inFlight.length === 1 ? "the entry" : `the median of ${inFlight.length} entries`;
  const figures = `${sample} keeps ${shown(asMicroseconds)} requests in flight at MaxInvocations read as microseconds, ${shown(asMilliseconds)} read as milliseconds`;
  if (fits(asMicroseconds)) {
    return {
      unit: "us",
      source: "auto",
      reason: `read as microseconds: ${figures}; the plausible range is ${band}`,
      evidence,
    };
  }
  if (fits(asMilliseconds)) {
    return {
      unit: "ms",
      source: "auto",
      reason: `read as milliseconds: ${figures}; only milliseconds is within the plausible range ${band}`,
      evidence,
    };
  }
  return {
    unit: "us",
    source: "auto",
    reason: `read as microseconds, as AWS's example responses are: ${figures}; neither is within the plausible range ${band}`,
    evidence,
  };
}

/** A reported latency or setup time, in milliseconds. */
export function toMilliseconds(value: number, unit: LatencyUnit): number {
  return unit === "us" ? value / 1000 : value;
}

function inFlightCeiling(job: UnitInputs): { max: number; basis: string } {
  if (job.jobType === "Advanced" && job.trafficPeakUsers !== undefined) {
    return {
      max: job.trafficPeakUsers * PEAK_USERS_SLACK,
      basis: `${PEAK_USERS_SLACK} x the load test's peak of ${formatCount(job.trafficPeakUsers)} users`,
    };
  }
  return { max: DEFAULT_MAX_IN_FLIGHT, basis: "the bound for a job without a traffic pattern" };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function shown(value: number): string {
  return value >= 100 ? formatCount(Math.round(value)) : String(Number(value.toPrecision(3)));
}
