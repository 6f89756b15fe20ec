/**
 * The transaction check-back (broker-semantics.md 6.5). Every interval, half messages still unresolved
 * after their immunity time (transactionTimeout, or the producer's CHECK_IMMUNITY_TIME_IN_SECONDS) are
 * re-appended with TRANSACTION_CHECK_TIMES + 1 and the copy is offered to a live producer of the group with
 * CHECK_TRANSACTION_STATE (oneway); after `transactionCheckMax` checks, or past the file reserve time, the
 * half message is moved to TRANS_CHECK_MAX_TIME_TOPIC. Progress (first unresolved half offset) is kept in
 * the consumer offsets under CID_RMQ_SYS_TRANS, so half messages are checked after a restart too.
 */
import {
  CHECK_TRANSACTION_STATE_REQUEST_HEADER,
  DEFAULT_SERVER_VERSION,
  Logger,
  MessageConst,
  MessageExt,
  RequestCode,
  TRANS_CHECK_GROUP,
  TRANS_CHECK_MAX_TIME_TOPIC,
  TRANS_HALF_TOPIC,
  createRequest,
  decodeStoredMessage,
  encodeProperties,
  encodeStoredMessage,
} from '@rocketnest/protocol';
import { GetMessageStatus, isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerService } from '../broker-service.js';
import type { TransactionOps } from './transaction-ops.js';

export interface TransactionCheckOptions {
  intervalMs: number;
  timeoutMs: number;
  checkMax: number;
  /** Half messages older than this are discarded unchecked (72 h). */
  reserveMs: number;
}

export class TransactionCheckService implements BrokerService {
  readonly name = 'transaction-check';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly ops: TransactionOps,
    private readonly options: TransactionCheckOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
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

  /** One pass over the half queue (exported for tests). */
  async checkOnce(): Promise<void> {
    const { store, consumerOffsets } = this.ctx;
    await this.ops.loadNew();
    const startedAt = Date.now();
    const min = store.getMinOffsetInQueue(TRANS_HALF_TOPIC, 0);
    const max = store.getMaxOffsetInQueue(TRANS_HALF_TOPIC, 0);
    const committed = consumerOffsets.queryOffset(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0);
    let progress = Math.max(committed < 0 ? min : committed, min);
    let offset = progress;
    let contiguous = true;
    scan: while (offset < max) {
      const result = await store.getMessage(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0, offset, 32);
      if (result.status !== GetMessageStatus.FOUND) {
        if (result.nextBeginOffset <= offset) break;
        offset = result.nextBeginOffset;
        continue;
      }
      for (let i = 0; i < result.messageBuffers.length; i++) {
        const half = decodeStoredMessage(result.messageBuffers[i]!);
        const halfOffset = result.queueOffsets[i]!;
        const uniqKey = half.properties[MessageConst.UNIQ_KEY];
        if (this.ops.isResolved(halfOffset, uniqKey)) {
          offset = halfOffset + 1;
          if (contiguous) progress = offset;
          continue;
        }
        if (half.storeTimestamp > startedAt) break scan;
        const checks = Number(half.properties[MessageConst.TRANSACTION_CHECK_TIMES] ?? 0);
        if (checks >= this.options.checkMax || startedAt - half.storeTimestamp > this.options.reserveMs) {
          await this.discard(half);
          this.ops.markResolved(halfOffset);
          offset = halfOffset + 1;
          if (contiguous) progress = offset;
          continue;
        }
        const immunityMs = this.immunityOf(half);
        const age = startedAt - half.bornTimestamp;
        if (age >= 0 && age < immunityMs) {
          // Younger ones follow; but a producer-chosen immunity can be longer than the next one's: go on.
          if (half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS] === undefined) break scan;
          contiguous = false;
          offset = halfOffset + 1;
          continue;
        }
        await this.check(half, checks + 1);
        this.ops.markResolved(halfOffset);
        offset = halfOffset + 1;
        if (contiguous) progress = offset;
      }
    }
    consumerOffsets.commitOffset(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0, progress);
  }

  private immunityOf(half: MessageExt): number {
    const seconds = Number(half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS]);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : this.options.timeoutMs;
  }

  /** Re-appends the half with one more check counted, then asks a producer of its group about the copy. */
  private async check(half: MessageExt, checkTimes: number): Promise<void> {
    const properties: Record<string, string> = {
      ...half.properties,
      [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes),
    };
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
      properties: encodeProperties(properties),
      waitStoreMsgOK: true,
    });
    if (!isPutStored(copy.status)) {
      this.logger.warn('half message copy not stored; checked next round', { status: copy.status });
      return;
    }
    const group = half.properties[MessageConst.PGROUP];
    const channel = group === undefined ? undefined : this.ctx.producers.availableChannel(group);
    if (channel === undefined) {
      this.logger.info('no live producer to check a transaction', {
        group,
        msgId: half.properties[MessageConst.UNIQ_KEY],
      });
      return;
    }
    const realTopic = properties[MessageConst.REAL_TOPIC] ?? half.topic;
    const body = encodeStoredMessage({
      queueId: Number(properties[MessageConst.REAL_QID] ?? 0),
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
      topic: realTopic,
      properties: encodeProperties(properties),
    });
    const uniqKey = half.properties[MessageConst.UNIQ_KEY];
    const request = createRequest(RequestCode.CHECK_TRANSACTION_STATE, {
      extFields: CHECK_TRANSACTION_STATE_REQUEST_HEADER.encode({
        topic: TRANS_HALF_TOPIC,
        tranStateTableOffset: copy.queueOffset,
        commitLogOffset: copy.wroteOffset,
        msgId: uniqKey,
        transactionId: uniqKey,
        offsetMsgId: copy.msgId,
        bname: this.ctx.options.brokerName,
      }),
      body,
      oneway: true,
      version: DEFAULT_SERVER_VERSION,
    });
    channel.invokeOneway(request).catch((error: unknown) => {
      this.logger.warn('CHECK_TRANSACTION_STATE not sent', { group, error: String(error) });
    });
  }

  private async discard(half: MessageExt): Promise<void> {
    this.ctx.topicConfigs.createTopicIfAbsent(TRANS_CHECK_MAX_TIME_TOPIC, 1, 4);
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
    this.logger.warn('half message discarded after its last check', {
      msgId: half.properties[MessageConst.UNIQ_KEY],
      status: result.status,
    });
  }
}
