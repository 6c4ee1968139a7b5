/**
 * Configuration, read once per process from the environment and validated, so a bad setting
 * fails the cold start with a clear message instead of a later call.
 */
import { z } from "zod";
import { ConfigError } from "./errors.ts";

const configSchema = z.object({
  TABLE_NAME: z.string().min(3, "TABLE_NAME must name the jobs table"),
  EVENT_BUS_NAME: z.string().min(1, "EVENT_BUS_NAME must name the outcome event bus"),
  EVENT_SOURCE: z.string().min(1).default("irflow"),
  /** Days a finished job record is kept before DynamoDB's TTL removes it. */
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
});

export type Config = z.output<typeof configSchema>;

let cached: Config | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new ConfigError(`invalid irflow configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** The process's configuration, read on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
