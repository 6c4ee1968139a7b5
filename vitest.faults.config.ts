import { defineConfig } from "vitest/config";
import FaultVerdictReporter from "./test/faults/verdict-reporter.ts";

/** `npm run test:faults`: the fault-injection suite and the fuzz, run after `npm test` in CI. */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    // The campaign's verdict in one line, after the default reporter's summary.
    reporters: ["default", new FaultVerdictReporter()],
    environment: "node",
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
