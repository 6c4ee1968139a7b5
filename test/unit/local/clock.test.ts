import { describe, expect, it } from "vitest";
import { ClockHold, ScaledClock } from "../../../local/clock.ts";

const START = Date.UTC(2026, 0, 1);

/** Real waiting, for a clock that runs on real time. */
const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Burns CPU for `ms`, as a handler's work does. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("ScaledClock", () => {
  it("runs timeScale times faster than real time while nothing holds it", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);

    // Act
    await realDelay(50);

    // Assess: 50 ms real is 50 s simulated, give or take the timer's slack.
    const elapsed = clock.now() - START;
    expect(elapsed).toBeGreaterThanOrEqual(45_000);
    expect(elapsed).toBeLessThan(5_000_000);
  });

  it("stands still while held, however long the work takes", () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const release = clock.hold();
    const before = clock.now();

    // Act
    work(30);
    const during = clock.now();
    release();

    // Assess
    expect(during).toBe(before);
    expect(clock.held).toBe(false);
  });

  it("stays held until every holder lets go, and ignores a second release", () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const first = clock.hold();
    const second = clock.hold();

    // Act
    first();
    first();
    const stillHeld = clock.held;
    second();

    // Assess
    expect(stillHeld).toBe(true);
    expect(clock.held).toBe(false);
  });

  it("wakes a sleeper once its simulated time has passed, not before", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const asleepAt = clock.now();

    // Act: 60 simulated seconds are 60 ms here.
    await clock.sleep(60_000);

    // Assess
    expect(clock.now() - asleepAt).toBeGreaterThanOrEqual(60_000);
  });

  it("keeps a sleeper asleep while the clock is held", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    let woke = false;
    const sleeping = clock.sleep(10_000).then(() => {
      woke = true;
    });
    const release = clock.hold();

    // Act: 50 ms real would be 50 simulated seconds if the clock ran.
    await realDelay(50);
    const wokeWhileHeld = woke;
    release();
    await sleeping;

    // Assess
    expect(wokeWhileHeld).toBe(false);
    expect(woke).toBe(true);
  });

  it("wakes sleepers in the order of their simulated times", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const woken: number[] = [];

    // Act
    await Promise.all(
      [30_000, 10_000, 20_000].map((ms) => clock.sleep(ms).then(() => woken.push(ms))),
    );

    // Assess
    expect(woken).toEqual([10_000, 20_000, 30_000]);
  });

  it("wakes a sleeper at once when its signal aborts", async () => {
    // Prepare
    const clock = new ScaledClock(1, START);
    const abort = new AbortController();
    const sleeping = clock.sleep(3_600_000, abort.signal);

    // Act
    abort.abort();
    await sleeping;

    // Assess: an hour at real speed would not have passed.
    expect(clock.now() - START).toBeLessThan(60_000);
  });

  it("lets a handler's pause pass in simulated time, its holds let go meanwhile", async () => {
    // Prepare: an execution holds the clock, and its handler runs as work within it.
    const clock = new ScaledClock(1000, START);
    const execution = new ClockHold(clock);
    let paused = 0;
    let heldAfterPause = false;

    // Act
    await clock.work(async () => {
      const before = clock.now();
      await clock.pause(5_000);
      paused = clock.now() - before;
      work(20);
      heldAfterPause = clock.held;
    }, execution);
    const heldByExecution = clock.held;
    execution.release();
    // The wake-up itself holds the clock until the woken have run.
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(paused).toBe(5_000);
    expect(heldAfterPause).toBe(true);
    expect(heldByExecution).toBe(true);
    expect(clock.held).toBe(false);
  });

  it("keeps a handler's pause from ending while another holder works", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const other = clock.hold();
    let woke = false;
    const working = clock.work(async () => {
      await clock.pause(1_000);
      woke = true;
    });

    // Act: 30 ms real would be 30 simulated seconds if the clock ran.
    await realDelay(30);
    const wokeWhileOtherWorks = woke;
    other();
    await working;

    // Assess
    expect(wokeWhileOtherWorks).toBe(false);
    expect(woke).toBe(true);
  });

  it("lets go of a hold while any of its waits runs, and takes it back when the last ends", async () => {
    // Prepare: two branches of one execution wait side by side.
    const clock = new ScaledClock(1000, START);
    const execution = new ClockHold(clock);

    // Act
    await Promise.all([
      execution.whileWaiting(() => clock.sleep(10_000)),
      execution.whileWaiting(() => clock.sleep(20_000)),
    ]);
    const heldAfterBoth = clock.held;
    execution.release();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(heldAfterBoth).toBe(true);
    expect(clock.held).toBe(false);
  });

  it("lets go of the clock once however often a hold is released", () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const execution = new ClockHold(clock);

    // Act
    execution.release();
    execution.release();

    // Assess
    expect(clock.held).toBe(false);
  });

  it("rejects a time scale that is not a positive number", () => {
    expect(() => new ScaledClock(0)).toThrow(/timeScale must be a positive number/);
    expect(() => new ScaledClock(Number.NaN)).toThrow(/timeScale must be a positive number/);
  });
});
