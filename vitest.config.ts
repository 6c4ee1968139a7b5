import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite runs on its own (npm run test:faults).
    exclude: ["test/faults/**", "**/node_modules/**"],
    environment: "node",
    globalSetup: ["test/support/build-cli.ts"],
    testTimeout: 20_000,
    // Hooks start local stacks and run whole jobs; a loaded machine makes them slow, not wrong.
    hookTimeout: 60_000,
  },
});
