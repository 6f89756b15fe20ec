/** What the broker hands the store for one message or one batch (Java MessageExtBrokerInner / batch). */

export interface PutMessageRequest {
  topic: string;
  queueId: number;
  flag: number;
  /** Transaction bits decide dispatch (1.3); V6 host bits are set from the hosts. */
  sysFlag: number;
  bornTimestamp: number;
  /** `ip:port` */
  bornHost: string;
  /** `ip:port` of this broker (brokerIP1 : listenPort): part of the offset message id. */
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  /** Serialized properties string (remoting-protocol.md 5.1), '' for none. */
  properties: string;
  /** Property WAIT: false = acknowledge once written, without waiting for SYNC_FLUSH durability. Default true. */
  waitStoreMsgOK?: boolean;
}

export interface PutBatchEntry {
  flag: number;
  body: Buffer;
  properties: string;
}

/** A SEND_BATCH_MESSAGE: every record shares topic, queue, hosts, born time and sysFlag (remoting-protocol.md 7). */
export interface PutBatchRequest {
  topic: string;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  messages: readonly PutBatchEntry[];
  waitStoreMsgOK?: boolean;
}
