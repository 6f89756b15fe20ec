/**
 * From Nest's handler table to consumer groups (NESTJS.md "Consumer"): every handler, including the ones
 * Nest chained behind another of the same pattern (`.next`), is placed in the group its extras name (or
 * the server's), under its topic with its tag list. A message is routed to the handlers whose tags list
 * its tag, else to the ones that take every tag.
 */
import type { MessageHandler } from '@nestjs/microservices';
import type { MessageExt } from '@rocketnest/client';
import type { RocketMQHandlerOptions } from '../decorators/topic.decorator.js';
import { RocketMQConfigurationError } from '../exceptions.js';
import { PatternToTopic, routeToDestination, tagsOf } from '../pattern.js';
import { assertGroupName } from './server-rocketmq-options.js';

export interface RouteEntry {
  readonly route: string;
  readonly topic: string;
  /** [] = every tag. */
  readonly tags: readonly string[];
  readonly handler: MessageHandler;
  /** `@EventPattern` / `@Topic` (true) or `@MessagePattern` (false). */
  readonly isEvent: boolean;
}

export type GroupSettings = Omit<RocketMQHandlerOptions, 'group'>;

export interface GroupPlan {
  readonly name: string;
  readonly settings: GroupSettings;
  /** topic -> routes */
  readonly routes: Map<string, RouteEntry[]>;
}

const SETTING_KEYS = ['consumeMode', 'messageModel', 'maxReconsumeTimes', 'concurrency', 'consumeFromWhere'] as const;

/**
 * Detaches Nest's `.next` chains: each handler of a shared pattern runs on its own, in its own group, and
 * its outcome alone decides its message's ack.
 */
export function unchainHandlers(handlers: Map<string, MessageHandler>): Array<[string, MessageHandler]> {
  const out: Array<[string, MessageHandler]> = [];
  for (const [route, head] of handlers) {
    let handler: MessageHandler | undefined = head;
    while (handler !== undefined) {
      const next: MessageHandler | undefined = handler.next;
      handler.next = undefined;
      out.push([route, handler]);
      handler = next;
    }
  }
  return out;
}

/** Groups handlers by consumer group and topic; fails on contradictory settings within a group. */
export function planConsumerGroups(
  handlers: ReadonlyArray<[string, MessageHandler]>,
  defaultGroup: string,
  patternToTopic: PatternToTopic,
  onIgnored: (route: string) => void,
): Map<string, GroupPlan> {
  const plans = new Map<string, GroupPlan>();
  for (const [route, handler] of handlers) {
    const destination = routeToDestination(route, patternToTopic);
    if (destination === undefined) {
      onIgnored(route);
      continue;
    }
    const extras = (handler.extras ?? {}) as RocketMQHandlerOptions;
    const name = extras.group ?? defaultGroup;
    assertGroupName(name);
    let plan = plans.get(name);
    if (plan === undefined) {
      plan = { name, settings: {}, routes: new Map() };
      plans.set(name, plan);
    }
    for (const key of SETTING_KEYS) {
      const value = extras[key];
      if (value === undefined) continue;
      const previous = plan.settings[key];
      if (previous !== undefined && previous !== value) {
        throw new RocketMQConfigurationError(
          `handlers of consumer group ${name} disagree on ${key} (${String(previous)} vs ${String(value)})`,
        );
      }
      (plan.settings as Record<string, unknown>)[key] = value;
    }
    const entries = plan.routes.get(destination.topic) ?? [];
    entries.push({
      route,
      topic: destination.topic,
      tags: tagsOf(destination.tag),
      handler,
      isEvent: handler.isEventHandler === true,
    });
    plan.routes.set(destination.topic, entries);
  }
  return plans;
}

/** The subscription expression of one topic in a group: `*` if any handler takes every tag. */
export function subscriptionExpression(entries: readonly RouteEntry[]): string {
  if (entries.some((entry) => entry.tags.length === 0)) return '*';
  return [...new Set(entries.flatMap((entry) => entry.tags))].join(' || ');
}

/** Handlers for a message: exact tag matches first, else those taking every tag. */
export function selectRoutes(plan: GroupPlan, message: MessageExt): RouteEntry[] {
  const entries = plan.routes.get(message.topic) ?? [];
  const tag = message.tags;
  if (tag !== undefined) {
    const exact = entries.filter((entry) => entry.tags.includes(tag));
    if (exact.length > 0) return exact;
  }
  return entries.filter((entry) => entry.tags.length === 0);
}
