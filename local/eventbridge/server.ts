/**
 * HTTP front of the local EventBridge: the AWS JSON 1.1 server of local/aws-json.ts with the
 * EventBridge operations, so the AWS SDK and CLI work against it unchanged.
 *
 * Also serves `GET /_irflow/events` and `GET /_irflow/deliveries` for a person with curl.
 */
import type { ServerResponse } from "node:http";
import { AwsServiceError, sendJson, startAwsJsonServer } from "../aws-json.ts";
import { LocalEventBus, type LocalEventBusOptions } from "./bus.ts";
import { eventBridgeOperations, TARGET_PREFIX } from "./protocol.ts";

export interface EventBridgeServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  bus?: LocalEventBus;
  /** Used only when no bus is given. */
  region?: string;
  /** Used only when no bus is given. */
  accountId?: string;
  /** Used only when no bus is given. */
  faults?: LocalEventBusOptions["faults"];
  /** Used only when no bus is given. */
  limits?: LocalEventBusOptions["limits"];
  /** Used only when no bus is given: the clock events are stamped with. */
  now?: LocalEventBusOptions["now"];
  /** Hears of every API call and its input, faulted ones included. */
  onOperation?: (operation: string, input: Record<string, unknown>) => void;
}

export interface EventBridgeServer {
  endpoint: string;
  port: number;
  bus: LocalEventBus;
  close(): Promise<void>;
}

export async function startEventBridgeServer(
  options: EventBridgeServerOptions = {},
): Promise<EventBridgeServer> {
  const bus =
    options.bus ??
    new LocalEventBus({
      region: options.region,
      accountId: options.accountId,
      faults: options.faults,
      limits: options.limits,
      now: options.now,
    });
  const server = await startAwsJsonServer({
    targetPrefix: TARGET_PREFIX,
    jsonVersion: "1.1",
    operations: eventBridgeOperations(bus),
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    ...(options.onOperation ? { onOperation: options.onOperation } : {}),
    extraRoutes: (request, response, _body, url) =>
      request.method === "GET" && url.pathname.startsWith("/_irflow/")
        ? debugRoute(bus, response, url)
        : false,
  });
  return { ...server, bus };
}

/** Read-only views of what the bus recorded, filtered by query parameters. */
function debugRoute(bus: LocalEventBus, response: ServerResponse, url: URL): true {
  const query = url.searchParams;
  if (url.pathname === "/_irflow/events") {
    const events = bus.received({
      busName: query.get("busName") ?? undefined,
      detailType: query.get("detailType") ?? undefined,
      source: query.get("source") ?? undefined,
    });
    sendJson(response, 200, "application/json", { events });
    return true;
  }
  if (url.pathname === "/_irflow/deliveries") {
    sendJson(response, 200, "application/json", { deliveries: bus.deliveries() });
    return true;
  }
  throw new AwsServiceError("ResourceNotFoundException", `No debug view at ${url.pathname}.`, 404);
}
