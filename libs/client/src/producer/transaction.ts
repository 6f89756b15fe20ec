/**
 * Transactional messages, producer side (broker-semantics.md 6.1, 6.5; remoting-protocol.md 2.6): the
 * outcome types, and the END_TRANSACTION headers after local execution and after a broker's check-back.
 */
import {
  CheckTransactionStateRequestHeader,
  EndTransactionRequestHeader,
  MessageSysFlag,
  decodeOffsetMsgId,
} from '@rocketnest/protocol';
import type { SendResult } from '../api/mq-client-api.js';
import { MQClientError } from '../errors.js';
import type { Message, MessageExt } from '../message/message.js';

/** Java LocalTransactionState: COMMIT_MESSAGE / ROLLBACK_MESSAGE / UNKNOW. */
export type TransactionState = 'commit' | 'rollback' | 'unknown';

export const TRANSACTION_STATES: readonly TransactionState[] = Object.freeze(['commit', 'rollback', 'unknown']);

/**
 * Java `executeLocalTransaction`: runs after the half message is stored and says what to do with it.
 * A throw, or anything but a TransactionState, counts as 'unknown' (the broker checks back later).
 */
export type LocalTransactionExecutor = (
  message: Message,
  sendResult: SendResult,
) => Promise<TransactionState> | TransactionState;

/**
 * A local transaction whose outcome follows its result: a value commits, a throw rolls back, and a
 * TransactionUnknownError leaves the decision to the broker's check-back (the NestJS decorators' model).
 */
export type LocalTransaction<T> = (message: Message, sendResult: SendResult) => Promise<T> | T;

/** Java `checkLocalTransaction`: answers a check-back for a half message left 'unknown'. */
export type TransactionChecker = (message: MessageExt) => Promise<TransactionState> | TransactionState;

export interface TransactionResult {
  sendResult: SendResult;
  /** What END_TRANSACTION told the broker. */
  state: TransactionState;
  /** Why the local transaction failed (a throw), when it did. */
  error: unknown;
}

export interface TransactionSendResult<T> extends TransactionResult {
  /** What the local transaction returned (undefined when it threw or did not run). */
  value: T | undefined;
}

/** Thrown by a LocalTransaction to leave the outcome to the broker's check-back. */
export class TransactionUnknownError extends MQClientError {
  override name = 'TransactionUnknownError';
}

export const END_TRANSACTION_TYPE: Readonly<Record<TransactionState, number>> = Object.freeze({
  commit: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  rollback: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  unknown: MessageSysFlag.TRANSACTION_NOT_TYPE,
});

export function isTransactionState(value: unknown): value is TransactionState {
  return value === 'commit' || value === 'rollback' || value === 'unknown';
}

/** END_TRANSACTION after local execution: offsets of the stored half message (6.1 step 3). */
export function endTransactionHeader(
  producerGroup: string,
  sendResult: SendResult,
  state: TransactionState,
): EndTransactionRequestHeader {
  return {
    topic: sendResult.messageQueue.topic,
    producerGroup,
    tranStateTableOffset: sendResult.queueOffset,
    commitLogOffset: decodeOffsetMsgId(sendResult.offsetMsgId).physicalOffset,
    commitOrRollback: END_TRANSACTION_TYPE[state],
    fromTransactionCheck: false,
    msgId: sendResult.msgId,
    transactionId: sendResult.transactionId ?? sendResult.msgId,
    bname: sendResult.messageQueue.brokerName,
  };
}

/** END_TRANSACTION answering CHECK_TRANSACTION_STATE: offsets copied from the check (2.6.2). */
export function checkAnswerHeader(
  producerGroup: string,
  check: Partial<CheckTransactionStateRequestHeader>,
  message: MessageExt,
  state: TransactionState,
): EndTransactionRequestHeader {
  return {
    topic: message.topic,
    producerGroup,
    tranStateTableOffset: check.tranStateTableOffset ?? message.queueOffset,
    commitLogOffset: check.commitLogOffset ?? message.commitLogOffset,
    commitOrRollback: END_TRANSACTION_TYPE[state],
    fromTransactionCheck: true,
    msgId: message.msgId,
    transactionId: check.transactionId ?? message.msgId,
    ...(check.bname === undefined ? {} : { bname: check.bname }),
  };
}
