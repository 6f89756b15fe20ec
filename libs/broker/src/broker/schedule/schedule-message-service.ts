/**
 * Delivery of delayed messages (broker-semantics.md 5.3). Each level L has its own timer and reads
 * SCHEDULE_TOPIC_XXXX queue L-1 in order; a message due now is written again to its real topic and queue as
 * a new record (same UNIQ_KEY, DELAY removed); the first one not yet due makes the level sleep until its due
 * time (a level's messages are due in queue order: its delay is constant). A failed put is retried after
 * 100 ms at the same offset, an exception after 10 s. An idle level wakes when a message arrives in its
 * queue, and polls every `idlePollMs` besides.
 *
 * Progress per level (next offset to deliver) lives in `config/delayOffset.json` ({"offsetTable":{L:o}}),
 * written every `flushIntervalMs` (10 s) and at shutdown, clamped into the queue's range when used. So a
 * clean restart neither loses nor repeats a delivery; a crash may repeat up to one flush interval's worth.
 */
import {
  Logger,
  MessageConst,
  MessageExt,
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
import { BrokerService, PeriodicTask } from '../broker-service.js';
import { PersistedJson } from '../metadata/persisted-json.js';

export interface ScheduleMessageOptions {
  /** delayOffset.json is written this often when it changed (10 s). */
  flushIntervalMs: number;
  /** Safety poll of an idle level; arrivals wake it sooner. */
  idlePollMs?: number;
}

/** Retry pause after a failed put (Java: 100 ms), and after an exception (10 s). */
const PUT_RETRY_MS = 100;
const ERROR_RETRY_MS = 10_000;
/** Records read per store lookup. */
const BATCH = 32;

interface LevelState {
  readonly level: number;
  timer: NodeJS.Timeout | null;
  round: Promise<void> | null;
  /** Waiting for arrivals (caught up), not for a due time or a retry. */
  idle: boolean;
  /** A message arrived while a round ran. */
  arrived: boolean;
}

export class ScheduleMessageService implements BrokerService {
  readonly name = 'schedule-message';
  private readonly offsets = new Map<number, number>();
  private readonly levels: LevelState[] = [];
  private readonly file: PersistedJson;
  private readonly flusher: PeriodicTask;
  private readonly idlePollMs: number;
  private dirty = false;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: BrokerContext,
    path: string,
    options: ScheduleMessageOptions,
    private readonly logger: Logger,
  ) {
    this.file = new PersistedJson(
      path,
      () => JSON.stringify({ offsetTable: Object.fromEntries(this.offsets) }, null, 2),
      logger,
    );
    this.flusher = new PeriodicTask('delay-offset-flush', options.flushIntervalMs, () => this.flush(), logger);
    this.idlePollMs = options.idlePollMs ?? 1000;
  }

  async start(): Promise<void> {
    const text = await this.file.read();
    const parsed = text === undefined ? undefined : parseTolerantJson(text);
    const table = isJsonObject(parsed) ? parsed['offsetTable'] : undefined;
    if (isJsonObject(table)) {
      for (const [level, offset] of Object.entries(table)) {
        const value = Number(offset);
        if (Number.isSafeInteger(Number(level)) && Number.isSafeInteger(value)) this.offsets.set(Number(level), value);
      }
    }
    // Delayed messages are delivered by the master only (5.3).
    if (this.ctx.options.store.brokerRole === 'SLAVE') return;
    this.stopped = false;
    this.unsubscribe = this.ctx.store.onMessageArriving((event) => {
      if (event.topic === SCHEDULE_TOPIC) this.onArrival(event.queueId + 1);
    });
    for (let level = 1; level <= this.ctx.options.delayLevelsMs.length; level++) {
      const state: LevelState = { level, timer: null, round: null, idle: false, arrived: false };
      this.levels.push(state);
      this.schedule(state, 0);
    }
    this.flusher.start();
  }

  /** Next offset to deliver of a level (tests, admin). */
  offsetOf(level: number): number {
    return this.offsets.get(level) ?? 0;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const state of this.levels) {
      if (state.timer !== null) clearTimeout(state.timer);
      state.timer = null;
    }
    await Promise.allSettled(this.levels.map((state) => state.round));
    await this.flusher.shutdown();
    await this.file.persist();
  }

  private async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.file.persist();
  }

  private onArrival(level: number): void {
    const state = this.levels[level - 1];
    if (state === undefined) return;
    if (state.round !== null) state.arrived = true;
    else if (state.idle) this.schedule(state, 0);
  }

  private schedule(state: LevelState, delayMs: number): void {
    if (this.stopped) return;
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = null;
      state.idle = false;
      state.arrived = false;
      state.round = this.deliver(state.level).then(
        (next) => {
          state.round = null;
          if (next === 'idle') {
            state.idle = true;
            this.schedule(state, state.arrived ? 0 : this.idlePollMs);
          } else {
            this.schedule(state, next);
          }
        },
        (error: unknown) => {
          state.round = null;
          this.logger.error('delay delivery failed; retrying', { level: state.level, error: String(error) });
          this.schedule(state, ERROR_RETRY_MS);
        },
      );
    }, delayMs);
    state.timer.unref();
  }

  private advance(level: number, offset: number): void {
    if (this.offsets.get(level) === offset) return;
    this.offsets.set(level, offset);
    this.dirty = true;
  }

  /** Delivers every due message of a level; returns how long to wait, or 'idle' once caught up. */
  private async deliver(level: number): Promise<number | 'idle'> {
    const { store } = this.ctx;
    const queueId = level - 1;
    const delayMs = this.ctx.options.delayLevelsMs[level - 1]!;
    const min = store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId);
    const max = store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId);
    let offset = Math.min(Math.max(this.offsets.get(level) ?? min, min), max);
    this.advance(level, offset);
    while (!this.stopped && offset < max) {
      const result = await store.getMessage(SCHEDULE_CONSUMER_GROUP, SCHEDULE_TOPIC, queueId, offset, BATCH);
      if (result.status === GetMessageStatus.FOUND) {
        for (let i = 0; i < result.messageBuffers.length; i++) {
          const record = decodeStoredMessage(result.messageBuffers[i]!);
          const now = Date.now();
          // The consume-queue tagsCode: store time + this level's delay; a clock gone back waits one delay.
          let dueAt = record.storeTimestamp + delayMs;
          if (dueAt > now + delayMs) dueAt = now;
          if (dueAt > now) return dueAt - now;
          if (!(await this.deliverOne(level, record, result.queueOffsets[i]!))) return PUT_RETRY_MS;
          offset = result.queueOffsets[i]! + 1;
          this.advance(level, offset);
          if (this.stopped) return 'idle';
        }
      }
      // The consume queue could not be read here: try again at the same offset (as Java).
      if (result.status === GetMessageStatus.OFFSET_FOUND_NULL) return PUT_RETRY_MS;
      // Entries whose record is gone (retention) are passed over.
      if (result.nextBeginOffset <= offset) break;
      offset = result.nextBeginOffset;
      this.advance(level, offset);
    }
    return 'idle';
  }

  /** Writes a due message to its real queue; false when the store refused it (retried at once later). */
  private async deliverOne(level: number, record: MessageExt, queueOffset: number): Promise<boolean> {
    const properties: Record<string, string> = { ...record.properties };
    const realTopic = properties[MessageConst.REAL_TOPIC];
    const realQueue = Number(properties[MessageConst.REAL_QID]);
    delete properties[MessageConst.DELAY];
    if (realTopic === undefined || realTopic === TRANS_HALF_TOPIC || !Number.isInteger(realQueue)) {
      this.logger.warn('delayed message without a deliverable destination dropped', {
        level,
        queueOffset,
        realTopic,
      });
      return true;
    }
    const put = await this.ctx.puts.put({
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
    if (isPutStored(put.status)) return true;
    this.logger.warn('delayed message not delivered yet', { level, queueOffset, status: put.status });
    return false;
  }
}
