/**
 * Runs the dispatchers for one record (1.4): ConsumeQueue entry for NOT/COMMIT transaction types, index keys
 * (all but rollback), then arrival listeners for new entries.
 */
import { type Logger, MessageSysFlag, getTransactionValue } from '@rocketnest/protocol';
import type { ConsumeQueueTable } from '../consume-queue/consume-queue-table.js';
import type { IndexService } from '../index/index-service.js';
import type { DispatchRequest } from './dispatch-request.js';
import type { MessageArrivingListener } from './message-arriving-listener.js';

export class CommitLogDispatcher {
  private readonly listeners: MessageArrivingListener[] = [];
  /** Store time of the last dispatched record (checkpoint logicsMsgTimestamp once durable). */
  lastStoreTimestamp = 0;

  constructor(
    private readonly consumeQueues: ConsumeQueueTable,
    private readonly indexService: IndexService | null,
    private readonly logger: Logger,
  ) {}

  addListener(listener: MessageArrivingListener): void {
    this.listeners.push(listener);
  }

  removeListener(listener: MessageArrivingListener): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  dispatch(request: DispatchRequest, notify: boolean): void {
    const type = getTransactionValue(request.sysFlag);
    let appended = false;
    if (type === MessageSysFlag.TRANSACTION_NOT_TYPE || type === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
      appended = this.consumeQueues
        .findOrCreate(request.topic, request.queueId)
        .putMessagePositionInfo(request.commitLogOffset, request.msgSize, request.tagsCode, request.consumeQueueOffset);
    }
    this.indexService?.buildIndex(request);
    this.lastStoreTimestamp = request.storeTimestamp;
    if (!notify || !appended || this.listeners.length === 0) return;
    const event = {
      topic: request.topic,
      queueId: request.queueId,
      logicOffset: request.consumeQueueOffset + 1,
      tagsCode: request.tagsCode,
      storeTimestamp: request.storeTimestamp,
      commitLogOffset: request.commitLogOffset,
      msgSize: request.msgSize,
      properties: request.properties,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('message arriving listener threw', { topic: request.topic, error: String(error) });
      }
    }
  }
}
