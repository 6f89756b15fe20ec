/**
 * The steps every single message goes through between a processor and the store (broker-semantics.md 5.2,
 * 6.2, Appendix A 10-11): each step may rewrite the message in place (delay levels park it in
 * SCHEDULE_TOPIC_XXXX, half messages in RMQ_SYS_TRANS_HALF_TOPIC) or refuse it. Features add steps by name;
 * processors call `put`.
 */
import {
  MessageConst,
  MessageSysFlag,
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  appendProperty,
  getTransactionValue,
  readProperty,
  removeProperty,
  resetTransactionValue,
} from '@rocketnest/protocol';
import { MessageStore, PutMessageResult, failedPut, PutMessageStatus } from '@rocketnest/store';
import type { MessageToPut } from './message-to-put.js';

/** A step returns a result to stop the put (refusal), or undefined to go on. */
export type PutStep = (message: MessageToPut) => PutMessageResult | undefined;

export interface NamedPutStep {
  readonly name: string;
  readonly step: PutStep;
}

export class PutPipeline {
  private readonly steps: NamedPutStep[] = [];

  constructor(private readonly store: MessageStore) {}

  /** Appends a step; steps run in the order they were added. */
  addStep(name: string, step: PutStep): void {
    this.steps.push({ name, step });
  }

  stepNames(): string[] {
    return this.steps.map((s) => s.name);
  }

  async put(message: MessageToPut): Promise<PutMessageResult> {
    for (const { step } of this.steps) {
      const refused = step(message);
      if (refused !== undefined) return refused;
    }
    return this.store.putMessage(message);
  }
}

/**
 * Half messages (6.2): remember the real topic and queue, clear the transaction type (so the half record
 * gets a consume-queue entry in the half topic and stays invisible to business consumers).
 */
export function halfMessageStep(rejectTransactionMessage: () => boolean): PutStep {
  return (message) => {
    if (getTransactionValue(message.sysFlag) !== MessageSysFlag.TRANSACTION_PREPARED_TYPE) return undefined;
    if (rejectTransactionMessage())
      return failedPut(PutMessageStatus.MESSAGE_ILLEGAL, 'transaction messages are rejected');
    let properties = removeProperty(message.properties, MessageConst.REAL_TOPIC);
    properties = removeProperty(properties, MessageConst.REAL_QID);
    properties = appendProperty(properties, MessageConst.REAL_TOPIC, message.topic);
    properties = appendProperty(properties, MessageConst.REAL_QID, String(message.queueId));
    message.properties = properties;
    message.sysFlag = resetTransactionValue(message.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
    message.topic = TRANS_HALF_TOPIC;
    message.queueId = 0;
    return undefined;
  };
}

/**
 * Delay levels (5.2): a message with DELAY > 0 (not a half or rollback record) is parked in
 * SCHEDULE_TOPIC_XXXX queue level-1, the level clamped to the table's maximum.
 */
export function delayLevelStep(maxLevel: number): PutStep {
  return (message) => {
    const type = getTransactionValue(message.sysFlag);
    if (type !== MessageSysFlag.TRANSACTION_NOT_TYPE && type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE)
      return undefined;
    if (message.topic === SCHEDULE_TOPIC) return undefined;
    const raw = readProperty(message.properties, MessageConst.DELAY);
    if (raw === undefined) return undefined;
    const requested = Number.parseInt(raw, 10);
    if (!(requested > 0)) return undefined;
    const level = Math.min(requested, maxLevel);
    let properties = removeProperty(message.properties, MessageConst.REAL_TOPIC);
    properties = removeProperty(properties, MessageConst.REAL_QID);
    if (level !== requested)
      properties = appendProperty(removeProperty(properties, MessageConst.DELAY), MessageConst.DELAY, String(level));
    properties = appendProperty(properties, MessageConst.REAL_TOPIC, message.topic);
    properties = appendProperty(properties, MessageConst.REAL_QID, String(message.queueId));
    message.properties = properties;
    message.topic = SCHEDULE_TOPIC;
    message.queueId = level - 1;
    return undefined;
  };
}

/** SCHEDULE_TOPIC_XXXX consume-queue tagsCode = delivery time (5.2 step 4), for the store's dispatch. */
export function scheduleTagsCodeResolver(delayLevelsMs: readonly number[]) {
  return (topic: string, properties: string, storeTimestamp: number): number | undefined => {
    if (topic !== SCHEDULE_TOPIC) return undefined;
    const level = Number.parseInt(readProperty(properties, MessageConst.DELAY) ?? '', 10);
    if (!(level > 0)) return storeTimestamp;
    return storeTimestamp + delayLevelsMs[Math.min(level, delayLevelsMs.length) - 1]!;
  };
}
