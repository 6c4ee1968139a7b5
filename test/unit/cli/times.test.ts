import { describe, expect, it } from "vitest";
import { spanText, timeRows } from "../../../cli/format.ts";
import { runningRecord } from "../../support/records.ts";

describe("the times status shows", () => {
  it.each([
    [0, "0 s"],
    [59.6, "1 min"],
    [200, "3 min 20 s"],
    [1750, "29 min 10 s"],
    [7200, "2 h"],
    [7380, "2 h 3 min"],
  ])("writes %s seconds as %s", (seconds, text) => {
    expect(spanText(seconds)).toBe(text);
  });

  it("says how long the job ran against its deadline, the queue wait and the whole run, each from its own stamps", () => {
    // Prepare: a job that ran 29 min 10 s after 3 min 20 s in the queue, and polled 3 times.
    const record = runningRecord("timed", {
      createdAt: "2026-11-23T10:00:00.000Z",
      queuedAt: "2026-11-23T10:00:01.000Z",
      admittedAt: "2026-11-23T10:03:21.000Z",
      jobStartedAt: "2026-11-23T10:03:30.000Z",
      jobCompletedAt: "2026-11-23T10:32:40.000Z",
      completedAt: "2026-11-23T10:33:00.000Z",
      updatedAt: "2026-11-23T10:33:00.000Z",
      waitedSeconds: 400,
      pollCount: 3,
      deadlineSeconds: 7200,
    });

    // Act
    const rows = Object.fromEntries(timeRows(record));

    // Assess
    expect(rows).toEqual({
      created: "2026-11-23T10:00:00.000Z (finished 33 min later)",
      queue: "waited 3 min 20 s for a slot",
      "job time": "ran 29 min 10 s of a 2 h deadline",
      polls: "3",
    });
  });

  it("shows a running job's time so far, as of its record's last change, and a queue still waited on", () => {
    // Prepare
    const running = runningRecord("still-running", {
      createdAt: "2026-11-23T10:00:00.000Z",
      jobStartedAt: "2026-11-23T10:00:10.000Z",
      updatedAt: "2026-11-23T10:15:10.000Z",
    });
    const queued = {
      ...running,
      jobStartedAt: undefined,
      queuedAt: "2026-11-23T10:00:01.000Z",
    };

    // Act
    const runningRows = Object.fromEntries(timeRows(running));
    const queuedRows = Object.fromEntries(timeRows(queued));

    // Assess
    expect(runningRows["job time"]).toBe(
      "running for 15 min of a 2 h deadline (as of 2026-11-23T10:15:10.000Z)",
    );
    expect(runningRows.created).toBe("2026-11-23T10:00:00.000Z (last change 15 min 10 s later)");
    expect(queuedRows.queue).toBe("waiting for a slot since 2026-11-23T10:00:01.000Z");
    expect(queuedRows["job time"]).toBeUndefined();
  });
});
