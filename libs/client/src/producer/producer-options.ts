import {
  DEFAULT_COMPRESS_THRESHOLD_BYTES,
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_PRODUCER_TOPIC_QUEUE_NUMS,
} from '@rocketnest/protocol';
import type { ClientOptions } from '../client-options.js';
import { MQClientError } from '../errors.js';

/** Producer settings (broker-semantics.md 10.1). */
export interface ProducerOptions extends ClientOptions {
  /** Producer group: transaction check-backs go to a live member of it. */
  group: string;
  /** Total time budget of one send, retries included (3 s). */
  sendTimeoutMs?: number;
  /** Extra attempts on another broker after a failed send (2). */
  retryTimesWhenSendFailed?: number;
  /** Single bodies at least this big are zlib-compressed (4096). */
  compressThresholdBytes?: number;
  maxMessageSizeBytes?: number;
  /** Queues of a topic the broker auto-creates for us (4). */
  defaultTopicQueueNums?: number;
  /** Avoid brokers that were slow or failing recently (10.3). */
  sendLatencyFaultEnable?: boolean;
}

export type ResolvedProducerOptions = Readonly<Required<Omit<ProducerOptions, keyof ClientOptions>>> & ClientOptions;

export const DEFAULT_PRODUCER_OPTIONS = Object.freeze({
  sendTimeoutMs: 3000,
  retryTimesWhenSendFailed: 2,
  compressThresholdBytes: DEFAULT_COMPRESS_THRESHOLD_BYTES,
  maxMessageSizeBytes: DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  defaultTopicQueueNums: DEFAULT_PRODUCER_TOPIC_QUEUE_NUMS,
  sendLatencyFaultEnable: true,
});

export function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  if (typeof options.group !== 'string' || options.group.trim() === '')
    throw new MQClientError('producer group is required');
  const merged: Record<string, unknown> = { ...DEFAULT_PRODUCER_OPTIONS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  return Object.freeze(merged as unknown as ResolvedProducerOptions);
}
