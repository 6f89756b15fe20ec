/**
 * Op records of transactions (broker-semantics.md 6.4): one message in RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0,
 * tag `d`, body = the resolved half queue offset (or, when a check copy is resolved, `copy,origin,` in the
 * 5.x comma form), written when a half message is committed or rolled back.
 *
 * Resolution is tracked by *origin*: every check copy carries TRAN_PREPARED_QUEUE_OFFSET = the queue offset
 * of the first half record of its transaction, and resolving any copy also resolves the origin. So a copy is
 * resolved when its own offset or its origin has an op record, whatever order END_TRANSACTION answers for
 * the original and its copies arrive in, also after a restart (the op queue is reloaded at start). This is
 * how we avoid Apache 5.5's duplicate when a check races a commit. END_TRANSACTION requests of one
 * transaction (same UNIQ_KEY) run one at a time, and the checker leaves a transaction alone while one runs.
 */
import {
  MessageConst,
  MessageExt,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_GROUP,
  decodeStoredMessage,
  encodeProperties,
} from '@rocketnest/protocol';
import { GetMessageStatus, PutMessageResult } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';

export const REMOVE_TAG = 'd';

/** Queue offset of the first half record of `half`'s transaction (itself unless it is a check copy). */
export function originOffset(half: MessageExt): number {
  const origin = Number(half.properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET]);
  return Number.isSafeInteger(origin) && origin >= 0 ? origin : half.queueOffset;
}

export class TransactionOps {
  /** Half queue offsets with an op record. */
  private readonly resolved = new Set<number>();
  /** UNIQ_KEY -> the END_TRANSACTION being processed for it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Next op queue offset to read. */
  private nextOpOffset = -1;
  private loading: Promise<void> | null = null;

  constructor(private readonly ctx: BrokerContext) {}

  isResolved(halfOffset: number, origin: number): boolean {
    return this.resolved.has(halfOffset) || this.resolved.has(origin);
  }

  /** An END_TRANSACTION for this transaction is being processed. */
  isBusy(uniqKey: string): boolean {
    return this.inFlight.has(uniqKey);
  }

  /** Runs `task` once no other task of the same transaction runs. */
  async exclusive<T>(uniqKey: string, task: () => Promise<T>): Promise<T> {
    for (let current = this.inFlight.get(uniqKey); current !== undefined; current = this.inFlight.get(uniqKey)) {
      await current.then(
        () => undefined,
        () => undefined,
      );
    }
    const running = task();
    this.inFlight.set(uniqKey, running);
    try {
      return await running;
    } finally {
      if (this.inFlight.get(uniqKey) === running) this.inFlight.delete(uniqKey);
    }
  }

  /** Marks the offsets resolved and writes their op record. */
  async write(halfOffsets: readonly number[]): Promise<PutMessageResult> {
    const unique = [...new Set(halfOffsets)];
    for (const offset of unique) this.resolved.add(offset);
    const addr = this.ctx.brokerAddr();
    const body = unique.length === 1 ? String(unique[0]) : `${unique.join(',')},`;
    return this.ctx.store.putMessage({
      topic: TRANS_OP_HALF_TOPIC,
      queueId: 0,
      flag: 0,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: addr,
      storeHost: addr,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      body: Buffer.from(body, 'latin1'),
      properties: encodeProperties({ [MessageConst.TAGS]: REMOVE_TAG }),
      waitStoreMsgOK: true,
    });
  }

  /** Reads op records not seen yet (all of them after a restart) into the resolved set; serialized. */
  loadNew(): Promise<void> {
    this.loading ??= this.readOps().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Forgets resolved offsets below the half queue's first offset (their records are gone). */
  prune(halfMinOffset: number): void {
    for (const offset of this.resolved) if (offset < halfMinOffset) this.resolved.delete(offset);
  }

  private async readOps(): Promise<void> {
    const { store, consumerOffsets } = this.ctx;
    const min = store.getMinOffsetInQueue(TRANS_OP_HALF_TOPIC, 0);
    const max = store.getMaxOffsetInQueue(TRANS_OP_HALF_TOPIC, 0);
    let offset = Math.max(this.nextOpOffset, min);
    while (offset < max) {
      const result = await store.getMessage(TRANS_CHECK_GROUP, TRANS_OP_HALF_TOPIC, 0, offset, 256);
      if (result.status === GetMessageStatus.FOUND) {
        for (const record of result.messageBuffers) {
          const op = decodeStoredMessage(record);
          if (op.properties[MessageConst.TAGS] !== REMOVE_TAG) continue;
          // One offset, or a comma-terminated list (5.x batches op records).
          for (const piece of op.body.toString('latin1').split(',')) {
            const half = Number(piece);
            if (piece !== '' && Number.isSafeInteger(half)) this.resolved.add(half);
          }
        }
      }
      if (result.status === GetMessageStatus.OFFSET_FOUND_NULL || result.nextBeginOffset <= offset) break;
      offset = result.nextBeginOffset;
    }
    this.nextOpOffset = offset;
    consumerOffsets.commitOffset(TRANS_CHECK_GROUP, TRANS_OP_HALF_TOPIC, 0, offset);
  }
}
