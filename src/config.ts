/**
 * Configuration, read once per function instance from its environment and validated all at once,
 * so a bad setting fails the cold start with every problem named instead of a later call.
 */
import * as z from "zod";
import { ConfigError } from "./errors.ts";
import { TIME_BUDGET } from "./time-budget.ts";

const QUEUE_DEADLINE = TIME_BUDGET.queueDeadlineSeconds;

/** The workflow steps' settings. */
export const workflowConfigSchema = z.object({
  TABLE_NAME: z.string().min(3, "TABLE_NAME must name the jobs table"),
  EVENT_BUS_NAME: z.string().min(1, "EVENT_BUS_NAME must name the outcome event bus"),
  EVENT_SOURCE: z.string().min(1).default("irflow"),
  /** The stack's name: tagged (irflow:stack) on every job it creates, so it stops only its own. */
  STACK_NAME: z
    .string()
    .min(1, "STACK_NAME must name the irflow stack")
    .max(256, "STACK_NAME must be at most 256 characters (a tag value)")
    .default("irflow"),
  /** Days a finished job record is kept before DynamoDB's TTL removes it. */
  RECORD_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /**
   * Inference Recommender jobs irflow runs at once, over every execution: at or below the
   * account's quota for concurrent jobs.
   */
  JOB_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  /**
   * AI recommendation jobs irflow runs at once. AWS publishes no quota for them; SageMaker
   * answers ResourceLimitExceeded above it, which returns the execution to the queue.
   */
  AI_JOB_LIMIT: z.coerce.number().int().min(1).max(1000).default(2),
  /** Seconds an execution may wait for a slot before it gives up with a queue-timed-out outcome. */
  QUEUE_DEADLINE_SECONDS: z.coerce
    .number()
    .int()
    .min(QUEUE_DEADLINE.min, `QUEUE_DEADLINE_SECONDS must be at least ${QUEUE_DEADLINE.min}`)
    // The state machine's timeout leaves room for the longest queue wait and the longest job.
    .max(
      QUEUE_DEADLINE.max,
      `QUEUE_DEADLINE_SECONDS must be at most ${QUEUE_DEADLINE.max} (${QUEUE_DEADLINE.max / 86400} days)`,
    )
    .default(QUEUE_DEADLINE.default),
});

export type Config = z.output<typeof workflowConfigSchema>;

export type Environment = Readonly<Record<string, string | undefined>>;

/** The settings `schema` describes, read from `env`; ConfigError names every problem. */
export function loadSettings<Schema extends z.ZodType>(
  schema: Schema,
  env: Environment,
): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid irflow configuration: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export function loadConfig(env: Environment = process.env): Config {
  return loadSettings(workflowConfigSchema, env);
}
