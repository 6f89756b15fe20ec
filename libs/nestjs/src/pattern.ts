/**
 * Patterns <-> RocketMQ destinations. An object pattern `{ topic, tag }` names a topic and a tag
 * expression; a string pattern (`'order.created'`, as on Kafka) names a topic, with characters RocketMQ
 * does not allow in topic names (`[%|a-zA-Z0-9_-]`, max 127) replaced by `_` unless `patternToTopic` says
 * otherwise. Nest hands servers each handler's pattern as a route string (transformPatternToRoute: objects
 * become JSON with sorted keys), which `routeToDestination` reads back.
 */
import { RocketMQConfigurationError } from './exceptions.js';

export interface RocketMQPattern {
  topic: string;
  /** A tag or `a || b`; `*` (default) = every tag. */
  tag?: string;
}

/** What `ClientRocketMQ.emit/send` accept as a pattern (besides a string). */
export interface RocketMQEmitPattern extends RocketMQPattern {
  /** Business keys (the broker indexes them: query by key). */
  keys?: string | readonly string[];
  /** Ordered messages: the same key always lands on the same queue. */
  shardingKey?: string;
  /** Delay level 1..18 (1s 5s 10s 30s 1m ... 2h); 0 = none. */
  delayLevel?: number;
  /** User properties. */
  properties?: Readonly<Record<string, string>>;
  /** `send()` only: how long to wait for the reply (default: the client's `replyTimeoutMs`). */
  timeoutMs?: number;
}

export type PatternToTopic = (pattern: string) => string;

export const defaultPatternToTopic: PatternToTopic = (pattern) =>
  pattern.replace(/[^%|a-zA-Z0-9_-]/g, '_').slice(0, 127);

/** A client-side pattern (string or object) to its destination. */
export function toEmitDestination(pattern: unknown, patternToTopic: PatternToTopic): RocketMQEmitPattern {
  if (typeof pattern === 'string') return { topic: patternToTopic(pattern) };
  if (typeof pattern === 'object' && pattern !== null && typeof (pattern as { topic?: unknown }).topic === 'string')
    return pattern as RocketMQEmitPattern;
  throw new RocketMQConfigurationError(
    'a RocketMQ pattern is a topic string or { topic, tag?, keys?, shardingKey?, delayLevel?, properties? }',
  );
}

/** A handler route (Nest's normalized pattern string) back to a topic and tag expression. */
export function routeToDestination(
  route: string,
  patternToTopic: PatternToTopic,
): { topic: string; tag: string } | undefined {
  if (!route.startsWith('{')) return { topic: patternToTopic(route), tag: '*' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(route);
  } catch {
    // A string pattern that merely starts with '{'.
    return { topic: patternToTopic(route), tag: '*' };
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { topic?: unknown }).topic !== 'string')
    return undefined;
  const { topic, tag } = parsed as { topic: string; tag?: unknown };
  return { topic, tag: typeof tag === 'string' && tag.trim() !== '' ? tag : '*' };
}

/** Tags of an expression (`*` -> [], meaning every tag). */
export function tagsOf(expression: string): string[] {
  if (expression.trim() === '*') return [];
  return expression
    .split('||')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}
