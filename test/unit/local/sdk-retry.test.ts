import { describe, expect, it } from "vitest";
import { immediateRetries } from "../../../local/sdk-retry.ts";

describe("immediateRetries", () => {
  it("allows three attempts for a throttled or transient call, none of them delayed", async () => {
    for (const errorType of ["THROTTLING", "TRANSIENT"] as const) {
      // Prepare
      const first = await immediateRetries.acquireInitialRetryToken("scope");

      // Act
      const second = await immediateRetries.refreshRetryTokenForRetry(first, { errorType });
      const third = await immediateRetries.refreshRetryTokenForRetry(second, { errorType });
      const fourth = immediateRetries.refreshRetryTokenForRetry(third, { errorType });

      // Assess
      expect([first, second, third].map((token) => token.getRetryCount())).toEqual([0, 1, 2]);
      expect([first, second, third].map((token) => token.getRetryDelay())).toEqual([0, 0, 0]);
      await expect(fourth).rejects.toThrow();
    }
  });

  it("never retries a client error or another server error, as the SDK does not", async () => {
    for (const errorType of ["CLIENT_ERROR", "SERVER_ERROR"] as const) {
      const first = await immediateRetries.acquireInitialRetryToken("scope");
      await expect(
        immediateRetries.refreshRetryTokenForRetry(first, { errorType }),
      ).rejects.toThrow();
    }
  });
});
