/**
 * Deterministic fault injection for PutEvents: the same seed and the same sequence of calls fail
 * the same calls and entries, so a test of retry logic reproduces exactly.
 *
 * - `failEntryRate`: an entry is answered with InternalFailure and not accepted;
 * - `throttleRate`: the whole call is refused with ThrottlingException, nothing accepted;
 * - `lostResponseRate`: the call is carried out (its events are on the bus and delivered), then
 *   its answer is lost: the caller gets InternalException (HTTP 500). An SDK that retries sends the
 *   same entries again, so the bus ends up with a copy of each: the one duplicate no publisher
 *   can prevent.
 *
 * Each kind draws from its own stream, so turning one on does not move the others.
 */
import { createHash } from "node:crypto";
import * as z from "zod";

export const DEFAULT_FAULT_SEED = "irflow";

const rate = z.number().min(0).max(1);

export const eventBridgeFaultsSchema = z.strictObject({
  seed: z.string().default(DEFAULT_FAULT_SEED),
  /** Fraction of otherwise valid PutEvents entries answered with InternalFailure. */
  failEntryRate: rate.default(0),
  /** Fraction of PutEvents calls refused with ThrottlingException. */
  throttleRate: rate.default(0),
  /** Fraction of PutEvents calls, with an entry accepted, whose answer is lost (HTTP 500). */
  lostResponseRate: rate.default(0),
  /** Stop injecting after this many faults of any kind. */
  limit: z.number().int().positive().optional(),
});

export type FaultOptions = z.input<typeof eventBridgeFaultsSchema>;
export type EventBridgeFaultsConfig = z.output<typeof eventBridgeFaultsSchema>;

export interface EventBridgeFaultCounts {
  /** Entries answered with InternalFailure. */
  failedEntries: number;
  /** Calls refused with ThrottlingException. */
  throttledCalls: number;
  /** Calls carried out whose answer was lost. */
  lostResponses: number;
  /** Events accepted in those calls. */
  eventsInLostResponses: number;
}

/** A PutEvents call whose events were accepted and whose answer was lost. */
export interface LostPutEvents {
  at: Date;
  eventIds: string[];
}

/** The configuration is not valid: the message names each field and the rule it breaks. */
export class InvalidFaultConfig extends RangeError {
  override readonly name = "InvalidFaultConfig";
}

type Draw = () => number;

export class EventBridgeFaults {
  #config: EventBridgeFaultsConfig;
  #entryDraw: Draw;
  #throttleDraw: Draw;
  #lostDraw: Draw;
  #sinceConfigured = 0;
  #lost: LostPutEvents[] = [];
  readonly injected: EventBridgeFaultCounts = emptyCounts();

  constructor(options: FaultOptions = {}) {
    this.#config = parseFaults(options);
    [this.#entryDraw, this.#throttleDraw, this.#lostDraw] = draws(this.#config.seed);
  }

  /** Replaces the configuration and restarts its draws; the counts and the log carry on. */
  configure(options: FaultOptions): void {
    this.#config = parseFaults(options);
    [this.#entryDraw, this.#throttleDraw, this.#lostDraw] = draws(this.#config.seed);
    this.#sinceConfigured = 0;
  }

  get settings(): EventBridgeFaultsConfig {
    return { ...this.#config };
  }

  /** The calls whose answer was lost, oldest first, with the ids of the events they put. */
  lostResponses(): LostPutEvents[] {
    return this.#lost.map((lost) => ({ at: new Date(lost.at), eventIds: [...lost.eventIds] }));
  }

  /** The ids of every event accepted in a call whose answer was lost. */
  lostEventIds(): Set<string> {
    return new Set(this.#lost.flatMap((lost) => lost.eventIds));
  }

  /** Clears the counts and the log, and starts the `limit` afresh. */
  resetCounts(): void {
    Object.assign(this.injected, emptyCounts());
    this.#lost = [];
    this.#sinceConfigured = 0;
  }

  /** Whether to refuse this call with ThrottlingException; counted. */
  throttleCall(): boolean {
    if (!this.#hit(this.#config.throttleRate, this.#throttleDraw)) return false;
    this.injected.throttledCalls += 1;
    return true;
  }

  /** Whether to answer this entry with InternalFailure; counted. */
  failEntry(): boolean {
    if (!this.#hit(this.#config.failEntryRate, this.#entryDraw)) return false;
    this.injected.failedEntries += 1;
    return true;
  }

  /** Whether to lose the answer of a call that accepted `eventIds`; counted and logged. */
  loseResponse(eventIds: readonly string[]): boolean {
    if (eventIds.length === 0) return false;
    if (!this.#hit(this.#config.lostResponseRate, this.#lostDraw)) return false;
    this.injected.lostResponses += 1;
    this.injected.eventsInLostResponses += eventIds.length;
    this.#lost.push({ at: new Date(), eventIds: [...eventIds] });
    return true;
  }

  #hit(rateOfKind: number, draw: Draw): boolean {
    if (rateOfKind === 0) return false;
    const { limit } = this.#config;
    if (limit !== undefined && this.#sinceConfigured >= limit) return false;
    if (draw() >= rateOfKind) return false;
    this.#sinceConfigured += 1;
    return true;
  }
}

function parseFaults(options: unknown): EventBridgeFaultsConfig {
  const parsed = eventBridgeFaultsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`,
    );
    throw new InvalidFaultConfig(`eventbridge faults: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** The entry, throttle and lost-response streams of a seed. */
function draws(seed: string): [Draw, Draw, Draw] {
  return [seededUniform(seed), seededUniform(`${seed}|throttle`), seededUniform(`${seed}|lost`)];
}

function emptyCounts(): EventBridgeFaultCounts {
  return { failedEntries: 0, throttledCalls: 0, lostResponses: 0, eventsInLostResponses: 0 };
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
