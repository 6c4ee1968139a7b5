declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  /** An in-memory DynamoDB implementation; returns an unstarted HTTP server. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
