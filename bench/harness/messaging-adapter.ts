/**
 * What an end-to-end workload needs from a messaging system: send one stamped message and learn when the
 * server confirmed it, and consume with a per-message ack. Implement this for a client (ours, amqplib, nats,
 * a Nest ClientProxy + handler) and `e2eWorkload` does the rest: windows, fixed rates, drains, warm-up,
 * latency histograms, CPU, losses and duplicates.
 */
import type { Stamp } from './payload-stamp.js';

export interface MessagingAdapter {
  /** Server processes whose CPU is charged to this contender (empty when unknown). */
  readonly serverPids: readonly number[];
  /**
   * Sends one message carrying `stamp` (see stampedPayload / stampedObject); resolves when the server
   * confirmed it (publisher confirm, SEND_OK, PubAck), or once handed to the socket for a transport with no
   * confirm. Rejects on failure.
   */
  send(stamp: Stamp): Promise<void>;
  /** Starts consuming; `onMessage` is called once per delivery, after the adapter acked it. */
  startConsumer(onMessage: (stamp: Stamp) => void): Promise<void>;
  /** Stops consuming; deliveries after this resolves are ignored. */
  stopConsumer(): Promise<void>;
  /**
   * Optional server or client counters (`fdatasync`, `orderViolations`...), read at the start and the end of
   * the measured phase. Each counter's increase is reported as `extra.<name>`, and messages per increase as
   * `extra.messagesPer<Name>` (a `fdatasync` counter gives W3's `extra.messagesPerFdatasync`).
   */
  readCounters?(): Promise<Readonly<Record<string, number>>>;
  /** Drops whatever an earlier round left behind (queue purge, stream purge, offset reset). */
  purge(): Promise<void>;
  close(): Promise<void>;
}
