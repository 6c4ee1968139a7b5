/**
 * The ops topic, locally: the deployed notification rules (src/notification-rules.json) on the
 * stack's bus, each delivering its transformed message to a topic the stack keeps, so a user or a
 * test reads exactly what the on-call team would receive.
 */
import { NOTIFICATION_RULES } from "../src/infrastructure.ts";
import type { EventBridgeServer } from "./eventbridge/server.ts";

export interface DeliveredNotification {
  ruleName: string;
  /** The message as SNS would publish it: the rule's input transformer applied to the event. */
  message: string;
}

export interface LocalNotificationsTopic {
  topicArn: string;
  /** What the topic received, oldest first. */
  messages(): DeliveredNotification[];
}

/** Puts the notification rules on `busName`, targeting a local topic; returns the topic. */
export function wireNotifications(
  eventbridge: EventBridgeServer,
  busName: string,
  names: { stackName: string; region: string; accountId: string },
): LocalNotificationsTopic {
  const { bus } = eventbridge;
  const topicArn = `arn:aws:sns:${names.region}:${names.accountId}:${names.stackName}-notifications`;
  const delivered: DeliveredNotification[] = [];
  bus.registerTargetHandler(topicArn, (input, invocation) => {
    delivered.push({
      ruleName: invocation.ruleName,
      message: typeof input === "string" ? input : JSON.stringify(input),
    });
  });
  for (const rule of NOTIFICATION_RULES) {
    const Name = `${names.stackName}-${rule.name}`;
    bus.putRule({
      Name,
      EventBusName: busName,
      Description: rule.description,
      EventPattern: JSON.stringify(rule.eventPattern),
    });
    bus.putTargets({
      Rule: Name,
      EventBusName: busName,
      Targets: [{ Id: "notifications", Arn: topicArn, InputTransformer: rule.inputTransformer }],
    });
  }
  return { topicArn, messages: () => delivered.map((item) => ({ ...item })) };
}
