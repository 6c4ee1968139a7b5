/**
 * What the job record stores of a kind: its spec, read as data so that a release that tightens a
 * spec rule still reads every record written before it, and the one field its decision is kept
 * in. Each kind declares its own in `src/kinds/<kind>/stored.ts`; `src/kinds/stored.ts` merges
 * them for src/workflow/record.ts.
 */
import type * as z from "zod";

export interface KindStored {
  spec: z.ZodType;
  /** The record field the kind's decision is kept in, by name: one entry. */
  decisionField: Record<string, z.ZodOptional>;
}
