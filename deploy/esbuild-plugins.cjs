// esbuild plugins for the Lambda bundles (serverless-esbuild loads this file).
//
// zod re-exports every one of its message locales through `z.locales`, which no irflow code
// reads: left in, they are more than half of zod's weight in every bundle, compiled at every cold
// start. Only English, zod's default, is kept.
const { join } = require("node:path");

const englishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join("node_modules", "zod")}`)
        ? { path: join(__dirname, "zod-locales.mjs") }
        : undefined,
    );
  },
};

module.exports = [englishOnly];
