export {
  busNameOf,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_BUS,
  DEFAULT_REGION,
  type DeliveryRecord,
  type DeliveryStatus,
  LocalEventBus,
  type LocalEventBusOptions,
  type ReceivedEvent,
  type ReceivedFilter,
  type TargetHandler,
  type TargetInvocation,
} from "./bus.ts";
export {
  type EventBridgeFaultCounts,
  EventBridgeFaults,
  type EventBridgeFaultsConfig,
  eventBridgeFaultsSchema,
  type FaultOptions,
  type LostPutEvents,
} from "./faults.ts";
export { matchesPattern, validatePattern } from "./pattern.ts";
export {
  type EventBridgeServer,
  type EventBridgeServerOptions,
  startEventBridgeServer,
} from "./server.ts";
export type * from "./types.ts";
