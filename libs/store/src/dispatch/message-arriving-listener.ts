/**
 * Called after dispatch added a ConsumeQueue entry (upstream `MessageArrivingListener.arriving`): long polling
 * wakes the pulls held on (topic, queueId). Not called for records re-dispatched during recovery.
 */
export interface MessageArrivedEvent {
  readonly topic: string;
  readonly queueId: number;
  /** Queue offset + 1: the queue's max offset once this message is visible. */
  readonly logicOffset: number;
  readonly tagsCode: number;
  readonly storeTimestamp: number;
  readonly commitLogOffset: number;
  readonly msgSize: number;
  /** Raw properties string (read fields with `readProperty`), for SQL92 filters. */
  readonly properties: string;
}

export type MessageArrivingListener = (event: MessageArrivedEvent) => void;
