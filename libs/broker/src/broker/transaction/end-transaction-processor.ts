/**
 * END_TRANSACTION (37, oneway from Java clients, sync accepted too), broker-semantics.md 6.3: commit writes
 * the real message (topic and queue restored, transaction type COMMIT, preparedTransactionOffset = the half's
 * physical offset) then an op record; rollback writes the op record only; unknown (0) does nothing and
 * answers nothing. A transaction already resolved (through the original half or any check copy) is not
 * resolved again: Apache 5.5 can deliver twice when a check races a commit; we do not (transaction-ops.ts).
 */
import {
  END_TRANSACTION_REQUEST_HEADER,
  MessageConst,
  MessageSysFlag,
  RemotingCommand,
  ResponseCode,
  TRANS_HALF_TOPIC,
  encodeProperties,
  resetTransactionValue,
  MessageExt,
} from '@rocketnest/protocol';
import { isPutStored } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context.js';
import { checkRequired, reply } from '../processor/responses.js';
import { TransactionOps, originOffset } from './transaction-ops.js';

export class EndTransactionProcessor {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly ops: TransactionOps,
  ) {}

  readonly processRequest = async (request: RemotingCommand): Promise<RemotingCommand | null> => {
    const header = END_TRANSACTION_REQUEST_HEADER.decode(request.extFields);
    const missing = checkRequired(request, header, END_TRANSACTION_REQUEST_HEADER.required);
    if (missing !== undefined) return missing;
    if (this.ctx.options.store.brokerRole === 'SLAVE') {
      return reply(request, ResponseCode.SLAVE_NOT_AVAILABLE, 'Store is slave mode, so end transaction is forbidden. ');
    }
    const type = header.commitOrRollback!;
    if (type === MessageSysFlag.TRANSACTION_NOT_TYPE) return null;
    if (type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE && type !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
      return reply(request, ResponseCode.SYSTEM_ERROR, `illegal commitOrRollback ${type}`);
    }
    const half =
      header.commitLogOffset! < 0 ? undefined : await this.ctx.store.lookMessageByOffset(header.commitLogOffset!);
    if (half === undefined || half.topic !== TRANS_HALF_TOPIC) {
      return reply(request, ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    }
    if (half.properties[MessageConst.PGROUP] !== header.producerGroup)
      return reply(request, ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
    if (half.queueOffset !== header.tranStateTableOffset)
      return reply(request, ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
    if (half.commitLogOffset !== header.commitLogOffset)
      return reply(request, ResponseCode.SYSTEM_ERROR, 'The commit log offset wrong');

    await this.ops.loadNew();
    const origin = originOffset(half);
    const uniqKey = half.properties[MessageConst.UNIQ_KEY] ?? `@${origin}`;
    return this.ops.exclusive(uniqKey, async () => {
      if (this.ops.isResolved(half.queueOffset, origin)) {
        this.ctx.logger.info('END_TRANSACTION for a resolved transaction ignored', {
          halfOffset: half.queueOffset,
          origin,
          msgId: header.msgId,
          fromTransactionCheck: header.fromTransactionCheck,
        });
        return reply(request, ResponseCode.SUCCESS);
      }
      if (type === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
        const failure = await this.commit(half);
        if (failure !== undefined) return reply(request, ResponseCode.SYSTEM_ERROR, failure);
      }
      const op = await this.ops.write([half.queueOffset, origin]);
      if (!isPutStored(op.status))
        this.ctx.logger.warn('transaction op record not stored', { halfOffset: half.queueOffset, status: op.status });
      return reply(request, ResponseCode.SUCCESS);
    });
  };

  /** Writes the real message; returns a remark when it was not stored. */
  private async commit(half: MessageExt): Promise<string | undefined> {
    const properties: Record<string, string> = { ...half.properties };
    const topic = properties[MessageConst.REAL_TOPIC];
    const queueId = Number(properties[MessageConst.REAL_QID]);
    if (topic === undefined || !Number.isInteger(queueId)) return 'the half message has no real topic';
    delete properties[MessageConst.REAL_TOPIC];
    delete properties[MessageConst.REAL_QID];
    delete properties[MessageConst.TRAN_MSG];
    delete properties[MessageConst.TRANSACTION_CHECK_TIMES];
    delete properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET];
    const put = await this.ctx.puts.put({
      topic,
      queueId,
      flag: half.flag,
      sysFlag: resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
      bornTimestamp: half.bornTimestamp,
      bornHost: half.bornHost,
      storeHost: this.ctx.brokerAddr(),
      reconsumeTimes: half.reconsumeTimes,
      preparedTransactionOffset: half.commitLogOffset,
      body: half.body,
      properties: encodeProperties(properties),
      waitStoreMsgOK: true,
    });
    return isPutStored(put.status) ? undefined : `commit failed: ${put.status}`;
  }
}
