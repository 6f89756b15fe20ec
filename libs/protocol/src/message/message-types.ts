/**
 * Shapes of the stored message layout (remoting-protocol.md section 4, broker-semantics.md 1.2): what the
 * store appends, what PULL/QUERY/VIEW bodies carry. 64-bit offsets and timestamps are JS numbers: exact up to
 * 2^53, far beyond any real commit log.
 */

/** The fields the writer needs to lay out one record. Hosts are `ip:port` (IPv6 without brackets). */
export interface MessageRecordInput {
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  /** Already-serialized properties string (section 5), '' for none. */
  properties: string;
  /** CRC32 & 0x7FFFFFFF of body; computed by the writer when absent. */
  bodyCRC?: number;
}

/** A decoded stored record (Java MessageExt). */
export interface MessageExt {
  storeSize: number;
  magicCode: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** View into the decoded buffer (not a copy), still compressed if sysFlag says so. */
  body: Buffer;
  topic: string;
  properties: Record<string, string>;
  /** Offset message id (section 6.1) of this record: storeHost + commitLogOffset, upper-case hex. */
  offsetMsgId: string;
}

/** One entry of a SEND_BATCH_MESSAGE body (section 7). */
export interface BatchEntry {
  flag: number;
  body: Buffer;
  properties: Record<string, string>;
}
