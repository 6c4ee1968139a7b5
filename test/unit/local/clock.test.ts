import { describe, expect, it } from "vitest";
import { ScaledClock } from "../../../local/clock.ts";

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

  it("lets a holder sleep in simulated time and hold again when it wakes", async () => {
    // Prepare: a handler holds the clock, as its execution does.
    const clock = new ScaledClock(1000, START);
    const release = clock.hold();
    const before = clock.now();

    // Act
    await clock.sleepHeld(5_000);
    const after = clock.now();
    work(20);
    const heldAgain = clock.now() === after && clock.held;
    release();
    // The wake-up itself holds the clock until the woken have run.
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(after - before).toBe(5_000);
    expect(heldAgain).toBe(true);
    expect(clock.held).toBe(false);
  });

  it("keeps a holder's sleep from ending while another holder works", async () => {
    // Prepare
    const clock = new ScaledClock(1000, START);
    const sleeper = clock.hold();
    const worker = clock.hold();
    let woke = false;
    const sleeping = clock.sleepHeld(1_000).then(() => {
      woke = true;
    });

    // Act: 30 ms real would be 30 simulated seconds if the clock ran.
    await realDelay(30);
    const wokeWhileWorking = woke;
    worker();
    await sleeping;
    sleeper();

    // Assess
    expect(wokeWhileWorking).toBe(false);
    expect(woke).toBe(true);
  });

  it("rejects a time scale that is not a positive number", () => {
    expect(() => new ScaledClock(0)).toThrow(/timeScale must be a positive number/);
    expect(() => new ScaledClock(Number.NaN)).toThrow(/timeScale must be a positive number/);
  });
});
