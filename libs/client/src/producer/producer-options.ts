/** Producer settings and their Java defaults (broker-semantics.md 10.1). */
import {
  DEFAULT_COMPRESS_THRESHOLD_BYTES,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_PRODUCER_TOPIC_QUEUE_NUMS,
  validateGroupName,
} from '@rocketnest/protocol';
import type { ClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';

export interface ProducerOptions extends ClientOptions {
  /** Producer group: transaction check-backs go to a live member of it. */
  group: string;
  /** Total time budget of one send, retries included (3 s). */
  sendTimeoutMs?: number;
  /** Extra attempts on another broker after a failed send (2). */
  retryTimesWhenSendFailed?: number;
  /** Also retry elsewhere when a broker stored the message without durability (false: may duplicate). */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Single bodies at least this big are zlib-compressed (4096). */
  compressThresholdBytes?: number;
  /** Client-side limit of a body, or of a whole batch (4 MiB). */
  maxMessageSizeBytes?: number;
  /** Queues of a topic the broker auto-creates for us (4). */
  defaultTopicQueueNums?: number;
  /** Avoid brokers that were slow or failing recently (10.3; off by default as in Java 4.x). */
  sendLatencyFaultEnable?: boolean;
}

export type ResolvedProducerOptions = Readonly<Required<Omit<ProducerOptions, keyof ClientOptions>>> & ClientOptions;

export const DEFAULT_PRODUCER_OPTIONS = Object.freeze({
  sendTimeoutMs: 3000,
  retryTimesWhenSendFailed: 2,
  retryAnotherBrokerWhenNotStoreOK: false,
  compressThresholdBytes: DEFAULT_COMPRESS_THRESHOLD_BYTES,
  maxMessageSizeBytes: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  defaultTopicQueueNums: DEFAULT_PRODUCER_TOPIC_QUEUE_NUMS,
  sendLatencyFaultEnable: false,
});

export function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  if (typeof options.group !== 'string') throw new MQClientError('producer group is required');
  const group = validateGroupName(options.group);
  if (!group.valid) throw new MQClientError(`producer group: ${group.reason}`);
  const merged: Record<string, unknown> = { ...DEFAULT_PRODUCER_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const resolved = merged as unknown as ResolvedProducerOptions;
  const positive = ['sendTimeoutMs', 'maxMessageSizeBytes', 'defaultTopicQueueNums'] as const;
  for (const key of positive) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0)
      throw new MQClientError(`producer ${key} must be > 0, got ${resolved[key]}`);
  }
  for (const key of ['retryTimesWhenSendFailed', 'compressThresholdBytes'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0)
      throw new MQClientError(`producer ${key} must be an integer >= 0, got ${resolved[key]}`);
  }
  return Object.freeze(resolved);
}
