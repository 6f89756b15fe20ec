/**
 * Delivery of delayed messages (broker-semantics.md 5.3). Each level L reads SCHEDULE_TOPIC_XXXX queue L-1
 * in order; a message due now is written again to its real topic and queue (same UNIQ_KEY, DELAY removed),
 * one not yet due makes the level wait until its due time (messages of a level are due in queue order, the
 * delay being constant). Progress per level lives in `config/delayOffset.json`, written after each delivery
 * round and at shutdown, so a clean restart neither loses nor repeats deliveries.
 */
import {
  Logger,
  MessageConst,
  SCHEDULE_TOPIC,
  SCHEDULE_CONSUMER_GROUP,
  TRANS_HALF_TOPIC,
  decodeStoredMessage,
  encodeProperties,
  isJsonObject,
  parseTolerantJson,
} from '@rocketnest/protocol';
import { GetMessageStatus, isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerService } from '../broker-service.js';
import { PersistedJson } from '../metadata/persisted-json.js';

/** Poll period of an idle level, and retry pause after a failed put (Java: 100 ms). */
const IDLE_POLL_MS = 100;

export class ScheduleMessageService implements BrokerService {
  readonly name = 'schedule-message';
  private readonly offsets = new Map<number, number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly file: PersistedJson;
  private stopped = false;

  constructor(
    private readonly ctx: BrokerContext,
    path: string,
    private readonly logger: Logger,
  ) {
    this.file = new PersistedJson(
      path,
      () => JSON.stringify({ offsetTable: Object.fromEntries(this.offsets) }),
      logger,
    );
  }

  async start(): Promise<void> {
    const text = await this.file.read();
    const parsed = text === undefined ? undefined : parseTolerantJson(text);
    const table = isJsonObject(parsed) ? parsed['offsetTable'] : undefined;
    if (isJsonObject(table))
      for (const [level, offset] of Object.entries(table)) this.offsets.set(Number(level), Number(offset));
    for (let level = 1; level <= this.ctx.options.delayLevelsMs.length; level++) this.schedule(level, 0);
  }

  /** Delivered-up-to offset of a level (tests, admin). */
  offsetOf(level: number): number {
    return this.offsets.get(level) ?? 0;
  }

  private schedule(level: number, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(level);
      const round = this.deliver(level).then(
        (next) => this.schedule(level, next),
        (error: unknown) => {
          this.logger.error('delay delivery failed; retrying', { level, error: String(error) });
          this.schedule(level, 10_000);
        },
      );
      this.running.add(round);
      void round.finally(() => this.running.delete(round));
    }, delayMs);
    timer.unref();
    this.timers.set(level, timer);
  }

  /** Delivers every due message of a level; returns how long to wait before looking again. */
  private async deliver(level: number): Promise<number> {
    const { store, puts } = this.ctx;
    const queueId = level - 1;
    const delayMs = this.ctx.options.delayLevelsMs[level - 1]!;
    const min = store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId);
    const max = store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId);
    let offset = Math.min(Math.max(this.offsets.get(level) ?? min, min), max);
    let delivered = false;
    try {
      while (!this.stopped && offset < max) {
        const result = await store.getMessage(SCHEDULE_CONSUMER_GROUP, SCHEDULE_TOPIC, queueId, offset, 32);
        if (result.status !== GetMessageStatus.FOUND) {
          offset = result.nextBeginOffset > offset ? result.nextBeginOffset : offset;
          if (
            result.status === GetMessageStatus.OFFSET_FOUND_NULL ||
            result.status === GetMessageStatus.NO_MATCHED_MESSAGE
          )
            continue;
          break;
        }
        for (let i = 0; i < result.messageBuffers.length; i++) {
          const record = decodeStoredMessage(result.messageBuffers[i]!);
          const now = Date.now();
          let dueAt = record.storeTimestamp + delayMs;
          // The clock went back: do not wait longer than one delay.
          if (dueAt > now + delayMs) dueAt = now;
          if (dueAt > now) return Math.min(dueAt - now, delayMs);
          const properties: Record<string, string> = { ...record.properties };
          const realTopic = properties[MessageConst.REAL_TOPIC];
          const realQueue = Number(properties[MessageConst.REAL_QID]);
          delete properties[MessageConst.DELAY];
          if (realTopic !== undefined && realTopic !== TRANS_HALF_TOPIC && Number.isInteger(realQueue)) {
            const put = await puts.put({
              topic: realTopic,
              queueId: realQueue,
              flag: record.flag,
              sysFlag: record.sysFlag,
              bornTimestamp: record.bornTimestamp,
              bornHost: record.bornHost,
              storeHost: this.ctx.brokerAddr(),
              reconsumeTimes: record.reconsumeTimes,
              preparedTransactionOffset: record.preparedTransactionOffset,
              body: record.body,
              properties: encodeProperties(properties),
              waitStoreMsgOK: false,
            });
            if (!isPutStored(put.status)) {
              this.logger.warn('delayed message not delivered yet', {
                level,
                offset: result.queueOffsets[i],
                status: put.status,
              });
              return IDLE_POLL_MS;
            }
          } else {
            this.logger.warn('delayed message without a real destination dropped', {
              level,
              offset: result.queueOffsets[i],
            });
          }
          offset = result.queueOffsets[i]! + 1;
          this.offsets.set(level, offset);
          delivered = true;
        }
        offset = Math.max(offset, result.nextBeginOffset);
      }
      this.offsets.set(level, offset);
      return IDLE_POLL_MS;
    } finally {
      if (delivered) this.file.persistSoon();
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
    await this.file.persist();
  }
}
