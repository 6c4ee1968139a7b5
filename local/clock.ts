/**
 * The local stack's notion of time. Jobs, Wait states, Retry intervals and the handlers' `now`
 * all read one simulated clock, so a 45-minute job, a queue deadline and a 60 s Wait mean the
 * same whatever the time scale and however busy the machine is.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";

export interface Clock {
  /** Simulated now, in epoch milliseconds. */
  now(): number;
}

/** Releases what `hold` took; calling it again does nothing. */
export type Release = () => void;

/** The longest delay `setTimeout` holds. */
const MAX_TIMER_MS = 2_147_483_647;

interface Timer {
  at: number;
  fire: () => void;
}

/**
 * Simulated time that runs `timeScale` times faster than real time while the stack waits, and
 * stands still while it works. Anything that is working (a running execution between its Wait
 * states, a handler invoked by a rule) holds the clock; time passes only when nothing holds it,
 * as if every handler and state transition took no time at all. So the machine's speed decides
 * the wall time of a run, never what happens in simulated time: a slow, shared machine shows the
 * same queue waits and deadlines as a fast one. Without holders it is a plain scaled clock.
 */
export class ScaledClock implements Clock {
  private simulatedAtMark: number;
  private realAtMark = performance.now();
  private holders = 0;
  private readonly timers: Timer[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  /** Every `work` not finished yet. */
  private readonly working = new Set<Promise<unknown>>();
  /** The pause of the `work` running in this async context. */
  private readonly pauses = new AsyncLocalStorage<(milliseconds: number) => Promise<void>>();

  constructor(
    readonly timeScale: number,
    simulatedStart = Date.now(),
  ) {
    if (!(Number.isFinite(timeScale) && timeScale > 0)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.simulatedAtMark = simulatedStart;
  }

  now(): number {
    if (this.holders > 0) return this.simulatedAtMark;
    const running = this.simulatedAtMark + (performance.now() - this.realAtMark) * this.timeScale;
    // Time does not pass a sleeper's wake-up before it has woken: a real timer that fires late
    // must not let simulated time run on without it.
    const next = this.timers[0];
    return next === undefined ? running : Math.min(running, next.at);
  }

  /** Whether something holds the clock still. */
  get held(): boolean {
    return this.holders > 0;
  }

  /** Stops simulated time until the returned function is called. */
  hold(): Release {
    this.take();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.letGo();
    };
  }

  private take(): void {
    if (this.holders === 0) {
      this.simulatedAtMark = this.now();
      this.disarm();
    }
    this.holders += 1;
  }

  private letGo(): void {
    if (this.holders === 0) throw new Error("The clock was let go more often than held");
    this.holders -= 1;
    if (this.holders === 0) {
      this.realAtMark = performance.now();
      this.arm();
    }
  }

  /**
   * Runs a handler's `work` holding the clock, on behalf of `within` (its execution's hold, if
   * any). A `pause` inside it (the handler's runtime sleeps through it) lets go of both holds until
   * it wakes, as a Wait state would: the handler's pause passes in simulated time.
   */
  async work<T>(work: () => Promise<T>, within?: ClockHold, signal?: AbortSignal): Promise<T> {
    const running = this.run(work, within, signal);
    this.working.add(running);
    try {
      return await running;
    } finally {
      this.working.delete(running);
    }
  }

  /**
   * Resolves once no `work` runs, or after `timeoutMs` of real time: a handler of an execution
   * stopped mid-task runs on, as on AWS, and must finish before the services it calls close.
   */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.working.size > 0 && performance.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, deadline - performance.now());
      });
      await Promise.race([Promise.allSettled([...this.working]), timeout]);
      clearTimeout(timer);
    }
  }

  private async run<T>(
    work: () => Promise<T>,
    within?: ClockHold,
    signal?: AbortSignal,
  ): Promise<T> {
    const own = new ClockHold(this);
    const pause = (milliseconds: number) =>
      own.whileWaiting(() =>
        within
          ? within.whileWaiting(() => this.sleep(milliseconds, signal))
          : this.sleep(milliseconds, signal),
      );
    try {
      return await this.pauses.run(pause, work);
    } finally {
      own.release();
    }
  }

  /** Sleeps `milliseconds` of simulated time; inside `work`, letting go of its holds meanwhile. */
  pause(milliseconds: number): Promise<void> {
    const pause = this.pauses.getStore();
    return pause ? pause(milliseconds) : this.sleep(milliseconds);
  }

  /** Resolves once `milliseconds` of simulated time have passed, or at once when `signal` aborts. */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    if (!(milliseconds > 0) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer: Timer = {
        at: this.now() + milliseconds,
        fire: () => {
          signal?.removeEventListener("abort", cancel);
          resolve();
        },
      };
      const cancel = () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        timer.fire();
      };
      signal?.addEventListener("abort", cancel, { once: true });
      this.insert(timer);
      this.disarm();
      this.arm();
    });
  }

  /** After every timer due no later, so that sleepers due together wake in the order they slept. */
  private insert(timer: Timer): void {
    let index = this.timers.length;
    while (index > 0) {
      const before = this.timers[index - 1];
      if (before === undefined || before.at <= timer.at) break;
      index -= 1;
    }
    this.timers.splice(index, 0, timer);
  }

  /** Sets a real timer for the earliest sleeper, while nothing holds the clock. */
  private arm(): void {
    const next = this.timers[0];
    if (this.holders > 0 || next === undefined || this.realTimer) return;
    const realDelay = Math.max(0, (next.at - this.now()) / this.timeScale);
    // Longer delays than a timer holds are waited out in pieces.
    this.realTimer = setTimeout(
      () => {
        this.realTimer = undefined;
        this.fireDue();
      },
      Math.min(MAX_TIMER_MS, Math.ceil(realDelay)),
    );
  }

  private disarm(): void {
    if (!this.realTimer) return;
    clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  private fireDue(): void {
    if (this.holders > 0) return;
    const now = this.now();
    this.simulatedAtMark = now;
    this.realAtMark = performance.now();
    if (!(this.timers[0] && this.timers[0].at <= now)) {
      this.arm();
      return;
    }
    // The woken act at their wake-up instant: time stands still until their continuations ran.
    const release = this.hold();
    while (this.timers[0] && this.timers[0].at <= now) this.timers.shift()?.fire();
    setImmediate(release);
  }
}

/**
 * One worker's hold on the clock (an execution, a handler): taken at once, let go while at least
 * one of its waits is pending, since its branches may wait side by side (Parallel, Map), and for
 * good at `release`.
 */
export class ClockHold {
  private current: Release | undefined;
  private waits = 0;
  private ended = false;

  constructor(private readonly clock: ScaledClock) {
    this.current = clock.hold();
  }

  /** Starts `wait` (which sets its timer at once), then lets go until every wait has ended. */
  async whileWaiting<T>(wait: () => Promise<T>): Promise<T> {
    const waiting = wait();
    this.waits += 1;
    this.current?.();
    this.current = undefined;
    try {
      return await waiting;
    } finally {
      this.waits -= 1;
      if (this.waits === 0 && !this.ended) this.current = this.clock.hold();
    }
  }

  /** Lets go for good. */
  release(): void {
    this.ended = true;
    this.current?.();
    this.current = undefined;
  }
}

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
