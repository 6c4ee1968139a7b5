// The one zod locale the Lambda bundles keep (see esbuild-plugins.cjs).
export { default as en } from "zod/v4/locales/en.js";
