/**
 * Message sysFlag bits (remoting-protocol.md 4.3, broker-semantics.md 1.2.1). The same int travels in the
 * send header `sysFlag`, the stored record and END_TRANSACTION (`commitOrRollback` reuses the transaction
 * values).
 */
export const MessageSysFlag = Object.freeze({
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  TRANSACTION_TYPE_MASK: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
  COMPRESSION_TYPE_MASK: 0x700,
} as const);

/** One of the transaction values of bits 2-3. */
export type TransactionType = 0x0 | 0x4 | 0x8 | 0xc;

/** `sysFlag & 0xC`: NOT_TYPE 0, PREPARED 4, COMMIT 8, ROLLBACK 12. */
export function getTransactionValue(sysFlag: number): TransactionType {
  return (sysFlag & MessageSysFlag.TRANSACTION_TYPE_MASK) as TransactionType;
}

/** Replaces the transaction bits (Java `MessageSysFlag.resetTransactionValue`). */
export function resetTransactionValue(sysFlag: number, type: TransactionType): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_TYPE_MASK) | type;
}

export function isCompressed(sysFlag: number): boolean {
  return (sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0;
}

/** Algorithms of bits 8-10. */
export type CompressionType = 'ZLIB' | 'LZ4' | 'ZSTD';

/**
 * Algorithm named by bits 8-10; 0 means ZLIB (clients older than compression types set only bit 0).
 * `null` for the unassigned values 4-7.
 */
export function getCompressionType(sysFlag: number): CompressionType | null {
  switch (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) {
    case 0:
    case MessageSysFlag.COMPRESSION_ZLIB_TYPE:
      return 'ZLIB';
    case MessageSysFlag.COMPRESSION_LZ4_TYPE:
      return 'LZ4';
    case MessageSysFlag.COMPRESSION_ZSTD_TYPE:
      return 'ZSTD';
    default:
      return null;
  }
}

/** The bits 8-10 value of an algorithm. */
export function compressionTypeFlag(type: CompressionType): number {
  switch (type) {
    case 'ZLIB':
      return MessageSysFlag.COMPRESSION_ZLIB_TYPE;
    case 'LZ4':
      return MessageSysFlag.COMPRESSION_LZ4_TYPE;
    case 'ZSTD':
      return MessageSysFlag.COMPRESSION_ZSTD_TYPE;
  }
}

/** Sets COMPRESSED and the algorithm bits (what a producer does after compressing a body). */
export function setCompressed(sysFlag: number, type: CompressionType): number {
  return (sysFlag & ~MessageSysFlag.COMPRESSION_TYPE_MASK) | MessageSysFlag.COMPRESSED_FLAG | compressionTypeFlag(type);
}

/** Clears COMPRESSED and the algorithm bits (what a consumer does after inflating a body). */
export function clearCompressed(sysFlag: number): number {
  return sysFlag & ~(MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_TYPE_MASK);
}
