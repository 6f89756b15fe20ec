import type { ProducerOptions } from '@rocketnest/client';
import { RocketMQConfigurationError } from '../exceptions.js';
import { PatternToTopic, defaultPatternToTopic } from '../pattern.js';
import {
  BodyDeserializer,
  BodySerializer,
  SerializerOption,
  defaultDeserializer,
  resolveSerializer,
} from '../serialization/body-codec.js';

/**
 * `ClientsModule.register([{ name, customClass: ClientRocketMQ, options }])` or RocketMQModule. Everything
 * a Producer takes (namesrvAddr, credentials, sendTimeoutMs, retries...) plus the Nest-side settings.
 */
export interface ClientRocketMQOptions extends Omit<ProducerOptions, 'group'> {
  /** Producer group (transaction check-backs go to a live member of it). */
  producerGroup: string;
  /** msgpack (default), json, or a custom BodySerializer. */
  serializer?: SerializerOption;
  /** Decodes replies (default: by content-type, then sniffing). */
  deserializer?: BodyDeserializer;
  /** How long `send()` waits for a reply (3 s); a pattern's `timeoutMs` overrides it. */
  replyTimeoutMs?: number;
  /** Maps string patterns to topic names (default: characters not allowed in topics become `_`). */
  patternToTopic?: PatternToTopic;
}

export interface ResolvedClientRocketMQOptions extends Readonly<
  Omit<ClientRocketMQOptions, 'serializer' | 'deserializer' | 'patternToTopic' | 'replyTimeoutMs'>
> {
  readonly serializer: BodySerializer;
  readonly deserializer: BodyDeserializer;
  readonly patternToTopic: PatternToTopic;
  readonly replyTimeoutMs: number;
}

export const DEFAULT_CLIENT_ROCKETMQ_OPTIONS = Object.freeze({
  serializer: 'msgpack' as SerializerOption,
  deserializer: defaultDeserializer,
  patternToTopic: defaultPatternToTopic,
  replyTimeoutMs: 3000,
});

export function resolveClientRocketMQOptions(options: ClientRocketMQOptions): ResolvedClientRocketMQOptions {
  if (typeof options.producerGroup !== 'string' || options.producerGroup.trim() === '')
    throw new RocketMQConfigurationError('ClientRocketMQ needs a producerGroup');
  const replyTimeoutMs = options.replyTimeoutMs ?? DEFAULT_CLIENT_ROCKETMQ_OPTIONS.replyTimeoutMs;
  if (!(replyTimeoutMs > 0)) throw new RocketMQConfigurationError('replyTimeoutMs must be positive');
  return Object.freeze({
    ...options,
    serializer: resolveSerializer(options.serializer ?? DEFAULT_CLIENT_ROCKETMQ_OPTIONS.serializer),
    deserializer: options.deserializer ?? DEFAULT_CLIENT_ROCKETMQ_OPTIONS.deserializer,
    patternToTopic: options.patternToTopic ?? DEFAULT_CLIENT_ROCKETMQ_OPTIONS.patternToTopic,
    replyTimeoutMs,
  });
}
