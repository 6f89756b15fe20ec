/**
 * Patterns <-> RocketMQ destinations. An object pattern `{ topic, tag }` names a topic and a tag
 * expression; a string pattern (`'order.created'`, as on Kafka) names a topic, with characters RocketMQ
 * does not allow in topic names (`[%|a-zA-Z0-9_-]`, max 127) replaced by `_` unless `patternToTopic` says
 * otherwise.
 */
export interface RocketMQPattern {
  topic: string;
  /** A tag or `a || b`; `*` (default) = every tag. */
  tag?: string;
}

/** What `ClientRocketMQ.emit/send` accept as a pattern (besides a string). */
export interface RocketMQEmitPattern extends RocketMQPattern {
  keys?: string | readonly string[];
  /** Ordered messages: same key, same queue. */
  shardingKey?: string;
  delayLevel?: number;
  properties?: Readonly<Record<string, string>>;
}

export type PatternToTopic = (pattern: string) => string;

export const defaultPatternToTopic: PatternToTopic = (pattern) =>
  pattern.replace(/[^%|a-zA-Z0-9_-]/g, '_').slice(0, 127);

/** A handler route (Nest's normalized pattern string) back to a topic and tag expression. */
export function routeToDestination(
  route: string,
  patternToTopic: PatternToTopic,
): { topic: string; tag: string } | undefined {
  if (route.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(route);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { topic?: unknown }).topic === 'string') {
        const { topic, tag } = parsed as { topic: string; tag?: unknown };
        return { topic, tag: typeof tag === 'string' && tag.trim() !== '' ? tag : '*' };
      }
    } catch {
      // Not JSON: a string pattern that starts with '{'.
      return { topic: patternToTopic(route), tag: '*' };
    }
    return undefined;
  }
  return { topic: patternToTopic(route), tag: '*' };
}

/** Tags of an expression (`*` -> []). */
export function tagsOf(expression: string): string[] {
  if (expression.trim() === '*') return [];
  return expression
    .split('||')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}
