// esbuild plugins for the Lambda bundles (serverless-esbuild loads this file).
//
// zod re-exports every one of its message locales through `z.locales`, which no irflow code
// reads: left in, they are more than half of zod's weight in every bundle, compiled at every cold
// start. Only English, zod's default, is kept.
const { readFile } = require("node:fs/promises");
const { join, sep } = require("node:path");

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

// `import { z } from "zod"` binds zod's `z`, a namespace object holding every export: esbuild
// cannot tell which members a bundle reads, so it keeps all of zod (the JSON Schema converter, every
// string format, ...), some 90 KB that every function compiles and runs at cold start.
// `import * as z from "zod"` means the same to the code, and esbuild keeps only the members read.
const ZOD_NAMED_IMPORT = /^import \{ z \} from "zod";$/gm;

const zodNamespace = {
  name: "zod-namespace-import",
  setup(build) {
    // irflow's own TypeScript; dependencies ship JavaScript.
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = await readFile(args.path, "utf8");
      return {
        contents: source.replace(ZOD_NAMED_IMPORT, 'import * as z from "zod";'),
        loader: "ts",
      };
    });
  },
};

module.exports = [englishOnly, zodNamespace];
