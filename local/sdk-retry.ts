/**
 * How the local stack's handlers retry AWS calls: as often as the SDK's standard strategy (three
 * attempts), for the same errors (throttling and transient ones: timeouts, HTTP 500, 502, 503 and
 * 504), but at once. A handler holds the stack's clock while it runs (local/clock.ts), so a retry takes
 * no simulated time either way; waiting in real time would only stall every other execution.
 */
import type { AwsOptions } from "../src/runtime.ts";

type RetryStrategy = Extract<
  NonNullable<AwsOptions["retryStrategy"]>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategy["acquireInitialRetryToken"]>>;
type RetryErrorInfo = Parameters<RetryStrategy["refreshRetryTokenForRetry"]>[1];

const MAX_ATTEMPTS = 3;

function token(retryCount: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => 0 };
}

export const immediateRetries: RetryStrategy = {
  acquireInitialRetryToken: async () => token(0),
  refreshRetryTokenForRetry: async (previous: RetryToken, error: RetryErrorInfo) => {
    const retries = previous.getRetryCount() + 1;
    const retryable = error.errorType === "THROTTLING" || error.errorType === "TRANSIENT";
    if (!retryable || retries >= MAX_ATTEMPTS) {
      throw new Error("No retry left");
    }
    return token(retries);
  },
  recordSuccess: () => undefined,
};
