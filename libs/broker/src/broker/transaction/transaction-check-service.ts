/**
 * The transaction check-back (broker-semantics.md 6.5). Every interval, half messages still unresolved
 * after their immunity time (transactionTimeout, or the producer's CHECK_IMMUNITY_TIME_IN_SECONDS) are
 * re-appended with TRANSACTION_CHECK_TIMES + 1 (and TRAN_PREPARED_QUEUE_OFFSET = their transaction's first
 * half offset) and the copy is offered to a live producer of the group with CHECK_TRANSACTION_STATE
 * (oneway). A half message that was already checked `transactionCheckMax` times, or is older than the file
 * reserve time, is moved to TRANS_CHECK_MAX_TIME_TOPIC instead. Progress (first half offset not yet
 * resolved, copied or discarded) lives in the consumer offsets under CID_RMQ_SYS_TRANS, so half messages are
 * still checked after a restart.
 *
 * Unlike Apache, the op queue is fully known before a half message is looked at (op records are written at
 * once, not batched, and kept in memory), and a transaction with an END_TRANSACTION in flight is skipped:
 * a check never races a commit.
 */
import {
  CHECK_TRANSACTION_STATE_REQUEST_HEADER,
  DEFAULT_SERVER_VERSION,
  Logger,
  MessageConst,
  MessageExt,
  Perm,
  RequestCode,
  TRANS_CHECK_GROUP,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  createRequest,
  decodeStoredMessage,
  encodeProperties,
  encodeStoredMessage,
} from '@rocketnest/protocol';
import { GetMessageStatus, PutMessageResult, isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerService } from '../broker-service.js';
import { TransactionOps, originOffset } from './transaction-ops.js';

export interface TransactionCheckOptions {
  intervalMs: number;
  timeoutMs: number;
  checkMax: number;
  /** Half messages older than this are discarded unchecked (the store's file reserve time, 72 h). */
  reserveMs: number;
}

/** Half messages read per store lookup. */
const BATCH = 32;

export class TransactionCheckService implements BrokerService {
  readonly name = 'transaction-check';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Half offsets at or after the progress already copied for a check or discarded (this run only). */
  private readonly superseded = new Set<number>();
  private prunedBelow = 0;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly ops: TransactionOps,
    private readonly options: TransactionCheckOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.ctx.options.store.brokerRole === 'SLAVE') return;
    await this.ops.loadNew();
    this.timer = setInterval(() => {
      this.running ??= this.checkOnce()
        .catch((error: unknown) => this.logger.error('transaction check failed', { error: String(error) }))
        .finally(() => {
          this.running = null;
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async shutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the half queue. */
  async checkOnce(): Promise<void> {
    const { store, consumerOffsets } = this.ctx;
    await this.ops.loadNew();
    const startedAt = Date.now();
    const min = store.getMinOffsetInQueue(TRANS_HALF_TOPIC, 0);
    // Copies appended during this pass land at or after `max`: they wait for the next pass.
    const max = store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0);
    const committed = consumerOffsets.queryOffset(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0);
    let progress = Math.min(Math.max(committed, min), max);
    let offset = progress;
    let contiguous = true;
    const done = (halfOffset: number): void => {
      offset = halfOffset + 1;
      if (contiguous) progress = offset;
    };
    scan: while (offset < max) {
      const result = await store.getMessage(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0, offset, BATCH);
      if (result.status !== GetMessageStatus.FOUND) {
        // An unreadable consume queue is retried next pass; records removed by retention are passed over.
        if (result.status === GetMessageStatus.OFFSET_FOUND_NULL || result.nextBeginOffset <= offset) break;
        offset = result.nextBeginOffset;
        if (contiguous) progress = offset;
        continue;
      }
      for (let i = 0; i < result.messageBuffers.length; i++) {
        const halfOffset = result.queueOffsets[i]!;
        if (halfOffset > offset && contiguous) progress = halfOffset;
        const half = decodeStoredMessage(result.messageBuffers[i]!);
        const origin = originOffset(half);
        if (this.ops.isResolved(halfOffset, origin) || this.superseded.has(halfOffset)) {
          done(halfOffset);
          continue;
        }
        if (half.storeTimestamp > startedAt) break scan;
        const uniqKey = half.properties[MessageConst.UNIQ_KEY] ?? `@${origin}`;
        if (this.ops.isBusy(uniqKey)) {
          // Its END_TRANSACTION is being processed: look again next pass.
          contiguous = false;
          offset = halfOffset + 1;
          continue;
        }
        const checks = Number(half.properties[MessageConst.TRANSACTION_CHECK_TIMES] ?? 0);
        if (checks >= this.options.checkMax || startedAt - half.bornTimestamp > this.options.reserveMs) {
          if (!(await this.discard(half, checks))) break scan;
          this.superseded.add(halfOffset);
          done(halfOffset);
          continue;
        }
        const age = startedAt - half.bornTimestamp;
        if (age >= 0 && age < this.immunityOf(half)) {
          // Later half messages are younger, unless this one asked for a longer immunity of its own.
          if (half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS] === undefined) break scan;
          contiguous = false;
          offset = halfOffset + 1;
          continue;
        }
        if (!(await this.check(half, origin, checks + 1))) break scan;
        this.superseded.add(halfOffset);
        done(halfOffset);
      }
      if (result.nextBeginOffset > offset) {
        offset = result.nextBeginOffset;
        if (contiguous) progress = offset;
      }
    }
    for (const halfOffset of this.superseded) if (halfOffset < progress) this.superseded.delete(halfOffset);
    if (min > this.prunedBelow) {
      this.ops.prune(min);
      this.prunedBelow = min;
    }
    consumerOffsets.commitOffset(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0, progress);
  }

  private immunityOf(half: MessageExt): number {
    const seconds = Number(half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS]);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.options.timeoutMs;
  }

  /**
   * Re-appends the half with one more check counted, then asks a producer of its group about the copy;
   * false when the copy could not be stored (the store is in trouble: stop this pass).
   */
  private async check(half: MessageExt, origin: number, checkTimes: number): Promise<boolean> {
    const properties: Record<string, string> = {
      ...half.properties,
      [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes),
      [MessageConst.TRAN_PREPARED_QUEUE_OFFSET]: String(origin),
    };
    const encodedProperties = encodeProperties(properties);
    const copy = await this.ctx.store.putMessage({
      topic: TRANS_HALF_TOPIC,
      queueId: 0,
      flag: half.flag,
      sysFlag: half.sysFlag,
      bornTimestamp: half.bornTimestamp,
      bornHost: half.bornHost,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: half.reconsumeTimes,
      preparedTransactionOffset: half.preparedTransactionOffset,
      body: half.body,
      properties: encodedProperties,
      waitStoreMsgOK: true,
    });
    if (!isPutStored(copy.status)) {
      this.logger.warn('half message copy not stored; checked next pass', { status: copy.status });
      return false;
    }
    const group = half.properties[MessageConst.PGROUP];
    const channel = group === undefined ? undefined : this.ctx.producers.availableChannel(group);
    if (channel === undefined) {
      this.logger.info('no live producer to check a transaction', {
        group,
        msgId: half.properties[MessageConst.UNIQ_KEY],
      });
      return true;
    }
    const request = createRequest(RequestCode.CHECK_TRANSACTION_STATE, {
      extFields: CHECK_TRANSACTION_STATE_REQUEST_HEADER.encode({
        topic: TRANS_HALF_TOPIC,
        tranStateTableOffset: copy.queueOffset,
        commitLogOffset: copy.wroteOffset,
        msgId: half.properties[MessageConst.UNIQ_KEY],
        transactionId: half.properties[MessageConst.UNIQ_KEY],
        offsetMsgId: copy.msgId,
        bname: this.ctx.options.brokerName,
      }),
      body: this.checkBody(half, copy, encodedProperties),
      oneway: true,
      version: DEFAULT_SERVER_VERSION,
    });
    channel.invokeOneway(request).catch((error: unknown) => {
      this.logger.warn('CHECK_TRANSACTION_STATE not sent', { group, error: String(error) });
    });
    return true;
  }

  /** The copy as a stored record, with its real topic and queue (remoting-protocol.md 2.6.2). */
  private checkBody(half: MessageExt, copy: PutMessageResult, properties: string): Buffer {
    return encodeStoredMessage({
      queueId: Number(half.properties[MessageConst.REAL_QID] ?? 0),
      flag: half.flag,
      queueOffset: copy.queueOffset,
      physicalOffset: copy.wroteOffset,
      sysFlag: half.sysFlag,
      bornTimestamp: half.bornTimestamp,
      bornHost: half.bornHost,
      storeTimestamp: copy.storeTimestamp,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: half.reconsumeTimes,
      preparedTransactionOffset: half.preparedTransactionOffset,
      body: half.body,
      topic: half.properties[MessageConst.REAL_TOPIC] ?? half.topic,
      properties,
    });
  }

  /** Moves a half message out of the check loop; false when the store refused it. */
  private async discard(half: MessageExt, checks: number): Promise<boolean> {
    this.ctx.topicConfigs.createTopicIfAbsent(TRANS_CHECK_MAX_TIME_TOPIC, 1, Perm.READ);
    const result = await this.ctx.store.putMessage({
      topic: TRANS_CHECK_MAX_TIME_TOPIC,
      queueId: 0,
      flag: half.flag,
      sysFlag: half.sysFlag,
      bornTimestamp: half.bornTimestamp,
      bornHost: half.bornHost,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: half.reconsumeTimes,
      preparedTransactionOffset: half.preparedTransactionOffset,
      body: half.body,
      properties: encodeProperties(half.properties),
      waitStoreMsgOK: true,
    });
    const stored = isPutStored(result.status);
    this.logger.warn(stored ? 'half message discarded' : 'half message not discarded yet', {
      msgId: half.properties[MessageConst.UNIQ_KEY],
      checks,
      status: result.status,
    });
    return stored;
  }
}
