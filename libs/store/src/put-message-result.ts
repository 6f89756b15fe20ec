/**
 * Put outcomes (broker-semantics.md 1.11). Statuses other than PUT_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT
 * and SLAVE_NOT_AVAILABLE mean "not stored".
 */
export const PutMessageStatus = Object.freeze({
  PUT_OK: 'PUT_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
  SERVICE_NOT_AVAILABLE: 'SERVICE_NOT_AVAILABLE',
  CREATE_MAPPED_FILE_FAILED: 'CREATE_MAPPED_FILE_FAILED',
  MESSAGE_ILLEGAL: 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  OS_PAGECACHE_BUSY: 'OS_PAGECACHE_BUSY',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const);

export type PutMessageStatus = (typeof PutMessageStatus)[keyof typeof PutMessageStatus];

/** Whether the message is in the CommitLog (possibly without the durability the mode promises). */
export function isPutStored(status: PutMessageStatus): boolean {
  return (
    status === PutMessageStatus.PUT_OK ||
    status === PutMessageStatus.FLUSH_DISK_TIMEOUT ||
    status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT ||
    status === PutMessageStatus.SLAVE_NOT_AVAILABLE
  );
}

export interface PutMessageResult {
  status: PutMessageStatus;
  /** Physical offset of the (first) record; -1 when not stored. */
  wroteOffset: number;
  /** Bytes appended (all records of a batch); 0 when not stored. */
  wroteBytes: number;
  /** Offset message id (remoting-protocol.md 6.1); comma-joined per record for a batch; '' when not stored. */
  msgId: string;
  /** Queue offset of the (first) record; 0 for prepared/rollback records, -1 when not stored. */
  queueOffset: number;
  /** Records appended (1, or the batch size). */
  msgNum: number;
  storeTimestamp: number;
  /** Why the put failed, for logs (`ENOSPC: write failed`...). Never part of the wire answer. */
  remark?: string;
}

export function failedPut(status: PutMessageStatus, remark?: string): PutMessageResult {
  return { status, wroteOffset: -1, wroteBytes: 0, msgId: '', queueOffset: -1, msgNum: 0, storeTimestamp: 0, remark };
}
