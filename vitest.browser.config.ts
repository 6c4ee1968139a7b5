import { defineConfig } from "vitest/config";

/**
 * The browser suite (npm run test:browser): the HTML report in headless Chromium. Kept apart from
 * `npm test`, which runs without a browser.
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
