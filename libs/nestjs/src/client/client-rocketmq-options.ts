import type { ProducerOptions } from '@rocketnest/client';
import type { PatternToTopic } from '../pattern.js';
import type { BodyDeserializer, SerializerOption } from '../serialization/body-codec.js';

/** `ClientsModule.register([{ name, customClass: ClientRocketMQ, options }])` or RocketMQModule. */
export interface ClientRocketMQOptions extends Omit<ProducerOptions, 'group'> {
  /** Producer group (transaction check-backs go to a live member of it). */
  producerGroup: string;
  /** msgpack (default), json, or a custom BodySerializer. */
  serializer?: SerializerOption;
  deserializer?: BodyDeserializer;
  /** Request-reply timeout of `send()` (3 s). */
  requestTimeoutMs?: number;
  patternToTopic?: PatternToTopic;
}
