import { defineConfig } from "vitest/config";

/** `npm run test:faults`: the fault-injection suite and the fuzz, run after `npm test` in CI. */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    environment: "node",
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
