/** Pull lookup outcomes (broker-semantics.md 2.3). */
export const GetMessageStatus = Object.freeze({
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE: 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
} as const);

export type GetMessageStatus = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /**
   * Stored records, verbatim (remoting-protocol.md 4.1): concatenate them for a PULL body. They may be views of
   * the store's write buffer: treat them as read-only.
   */
  messageBuffers: Buffer[];
  /** Queue offset of each record in `messageBuffers`. */
  queueOffsets: number[];
  bufferTotalSize: number;
  /** The consumer reads data probably no longer in memory (2.3). */
  suggestPullingFromSlave: boolean;
}

/**
 * Broker-side tag filter on the consume-queue entry (1.10): gets the 8-byte tagsCode (a number; exact for any
 * int32 tag hash and for delivery timestamps) and answers whether the message may match.
 */
export type TagsCodeFilter = (tagsCode: number) => boolean;

/** Optional second-stage filter on the whole record (SQL92 on properties), run after the tag filter. */
export type RecordFilter = (record: Buffer) => boolean;
