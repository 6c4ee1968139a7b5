/**
 * The emulator's notion of time. Jobs are planned in simulated milliseconds; a scaled clock lets
 * a 45-minute job pass in seconds, and a manual clock lets a test step through a job exactly.
 */
export interface Clock {
  /** Simulated now, in epoch milliseconds. */
  now(): number;
}

export class ScaledClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    readonly timeScale: number,
    private readonly simulatedStart = Date.now(),
  ) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be positive, got ${timeScale}`);
  }

  now(): number {
    return this.simulatedStart + (Date.now() - this.realStart) * this.timeScale;
  }
}

export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
