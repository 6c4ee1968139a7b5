/** Writes the JSON Schemas generated from the code into events/schemas/. */
import { writeFile } from "node:fs/promises";
import { SCHEMA_FILES } from "../src/schemas.ts";

for (const [path, build] of Object.entries(SCHEMA_FILES)) {
  await writeFile(new URL(`../${path}`, import.meta.url), `${JSON.stringify(build(), null, 2)}\n`);
  console.log(`wrote ${path}`);
}
