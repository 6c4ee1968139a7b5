import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EMPTY_QUEUE,
  expired,
  HEAD_POLL_SECONDS,
  type Holder,
  line,
  MAX_POLL_SECONDS,
  type QueueState,
  turnOf,
  type Waiter,
} from "../../../src/queue/queue.ts";

const NOW = new Date("2026-11-23T10:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const JOB = 2700;

function waiter(since: number, extra: Partial<Waiter> = {}): Waiter {
  return {
    executionArn: `e${since}`,
    jobName: `j${since}`,
    since: at(since),
    giveUpAt: at(86400),
    ...extra,
  };
}

function holder(endsIn: number): Holder {
  return {
    executionArn: "e",
    jobName: "j",
    since: at(-600),
    admittedAt: at(-600),
    expectedEnd: at(endsIn),
    leaseUntil: at(endsIn + 7200),
  };
}

function queue(holders: Record<string, Holder>, waiters: Record<string, Waiter>): QueueState {
  return { holders, waiters };
}

describe("the queue", () => {
  it("serves waiters oldest first, whatever order they joined the item in", () => {
    // Prepare
    const state = queue({}, { c: waiter(30), a: waiter(10), b: waiter(20) });

    // Act
    const order = line(state).map(([id]) => id);

    // Assess
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("admits only as many of the oldest waiters as there are free slots", () => {
    // Prepare
    const state = queue({ h: holder(600) }, { a: waiter(10), b: waiter(20), c: waiter(30) });

    // Act
    const turns = ["a", "b", "c"].map((id) => turnOf(state, id, 3, NOW, JOB).kind);

    // Assess
    expect(turns).toEqual(["admit", "admit", "wait"]);
  });

  it("lets the next in line poll every minute and the rest wait longer the further back they are", () => {
    // Prepare
    const holders = { h1: holder(600), h2: holder(1200) };
    const waiters = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [`w${index}`, waiter(index)]),
    );
    const state = queue(holders, waiters);

    // Act
    const waits = Array.from({ length: 12 }, (_, index) => {
      const turn = turnOf(state, `w${index}`, 2, NOW, JOB);
      return turn.kind === "wait" ? turn.waitSeconds : 0;
    });

    // Assess
    expect(waits.slice(0, 2)).toEqual([HEAD_POLL_SECONDS, HEAD_POLL_SECONDS]);
    for (let index = 3; index < waits.length; index += 1) {
      expect(waits[index]).toBeGreaterThanOrEqual(waits[index - 1] ?? 0);
    }
    expect(Math.max(...waits)).toBeLessThanOrEqual(MAX_POLL_SECONDS);
  });

  it("keeps a returned waiter's place but holds it back until it may try again", () => {
    // Prepare
    const state = queue({}, { a: waiter(10, { notBefore: at(120) }), b: waiter(20) });

    // Act
    const first = turnOf(state, "a", 2, NOW, JOB);
    const second = turnOf(state, "b", 2, NOW, JOB);

    // Assess
    expect(first).toEqual({ kind: "wait", position: 0, waitSeconds: 120 });
    expect(second.kind).toBe("admit");
  });

  it("finds holders past their lease and waiters past their queue deadline", () => {
    // Prepare
    const state = queue(
      { dead: holder(-9000), alive: holder(600) },
      { late: waiter(0, { giveUpAt: at(-1) }), fine: waiter(1) },
    );

    // Act
    const gone = expired(state, NOW);

    // Assess
    expect(gone).toEqual({ holders: ["dead"], waiters: ["late"] });
  });

  it("never admits more than the free slots, and only the oldest, for any queue", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 20 }),
        (limit, holding, ages) => {
          const holders = Object.fromEntries(
            Array.from({ length: Math.min(holding, limit) }, (_, index) => [
              `h${index}`,
              holder(60 * index),
            ]),
          );
          const waiters = Object.fromEntries(ages.map((age) => [`w${age}`, waiter(age)]));
          const state = queue(holders, waiters);
          const admitted = ages
            .filter((age) => turnOf(state, `w${age}`, limit, NOW, JOB).kind === "admit")
            .sort((a, b) => a - b);
          const free = limit - Object.keys(holders).length;
          const oldest = [...ages].sort((a, b) => a - b).slice(0, free);
          expect(admitted).toEqual(oldest);
        },
      ),
    );
  });

  it("says an execution that never joined is absent", () => {
    expect(turnOf(EMPTY_QUEUE, "x", 1, NOW, JOB)).toEqual({ kind: "absent" });
  });
});
