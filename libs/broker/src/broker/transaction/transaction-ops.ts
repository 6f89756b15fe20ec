/**
 * Op records of transactions (broker-semantics.md 6.4): one message in RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0,
 * tag `d`, body = the half message's queue offset, written when a half message is committed or rolled back.
 * Resolved half offsets are also kept in memory so a late duplicate END_TRANSACTION (or a check racing a
 * commit) never produces a second real message.
 */
import {
  MessageConst,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_GROUP,
  decodeStoredMessage,
  encodeProperties,
} from '@rocketnest/protocol';
import { GetMessageStatus, PutMessageResult } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';

export const REMOVE_TAG = 'd';

export class TransactionOps {
  /** Half queue offsets with an op record (committed or rolled back). */
  private readonly resolved = new Set<number>();
  /** UNIQ_KEYs resolved since start: a check copy and its original share one (6.5 re-appends copies). */
  private readonly resolvedKeys = new Set<string>();
  private loadedUpTo = -1;

  constructor(private readonly ctx: BrokerContext) {}

  isResolved(halfOffset: number, uniqKey?: string): boolean {
    return this.resolved.has(halfOffset) || (uniqKey !== undefined && this.resolvedKeys.has(uniqKey));
  }

  markResolved(halfOffset: number): void {
    this.resolved.add(halfOffset);
  }

  async write(halfOffset: number, uniqKey?: string): Promise<PutMessageResult> {
    this.resolved.add(halfOffset);
    if (uniqKey !== undefined) this.resolvedKeys.add(uniqKey);
    const addr = this.ctx.brokerAddr();
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
      body: Buffer.from(String(halfOffset)),
      properties: encodeProperties({ [MessageConst.TAGS]: REMOVE_TAG }),
      waitStoreMsgOK: true,
    });
  }

  /** Reads op records not seen yet (also after a restart) into the resolved set. */
  async loadNew(): Promise<void> {
    const { store, consumerOffsets } = this.ctx;
    const min = store.getMinOffsetInQueue(TRANS_OP_HALF_TOPIC, 0);
    const max = store.getMaxOffsetInQueue(TRANS_OP_HALF_TOPIC, 0);
    let offset = Math.max(this.loadedUpTo + 1, min);
    while (offset < max) {
      const result = await store.getMessage(TRANS_CHECK_GROUP, TRANS_OP_HALF_TOPIC, 0, offset, 256);
      if (result.status !== GetMessageStatus.FOUND) {
        if (result.nextBeginOffset <= offset) break;
        offset = result.nextBeginOffset;
        continue;
      }
      for (const record of result.messageBuffers) {
        // One offset, or a comma-terminated list (5.x brokers batch op records).
        for (const piece of decodeStoredMessage(record).body.toString('latin1').split(',')) {
          const half = Number(piece);
          if (piece !== '' && Number.isSafeInteger(half)) this.resolved.add(half);
        }
      }
      offset = result.nextBeginOffset;
    }
    this.loadedUpTo = offset - 1;
    consumerOffsets.commitOffset(TRANS_CHECK_GROUP, TRANS_OP_HALF_TOPIC, 0, offset);
  }
}
