/** How to call the polling benchmark. */
export const POLLING_USAGE =
  "npm run bench -- polling [--mix FILE | --preset NAME | --all-presets] [--seed S] [--jobs N] [--save-mix FILE] [--json]";
