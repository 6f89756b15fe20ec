import { describe, expect, it } from 'vitest';
import {
  clearCompressed,
  compressionTypeFlag,
  getCompressionType,
  getTransactionValue,
  isCompressed,
  MessageSysFlag,
  resetTransactionValue,
  setCompressed,
} from '@rocketnest/protocol';

describe('MessageSysFlag', () => {
  it('has the TV9 values for half and compressed messages', () => {
    expect(MessageSysFlag.TRANSACTION_PREPARED_TYPE).toBe(4);
    expect(setCompressed(0, 'ZLIB')).toBe(0x301);
    expect(setCompressed(MessageSysFlag.TRANSACTION_PREPARED_TYPE, 'ZLIB')).toBe(0x305);
    expect(MessageSysFlag.TRANSACTION_COMMIT_TYPE).toBe(8);
    expect(MessageSysFlag.TRANSACTION_ROLLBACK_TYPE).toBe(12);
  });
});

describe('transaction value helpers', () => {
  it('reads and replaces bits 2-3 only', () => {
    expect(getTransactionValue(0x305)).toBe(4);
    expect(resetTransactionValue(0x305, 8)).toBe(0x309);
    expect(resetTransactionValue(0x30d, 0)).toBe(0x301);
  });
});

describe('compression type helpers', () => {
  it('treats type 0 as zlib for old clients and maps the assigned types', () => {
    expect(getCompressionType(0x1)).toBe('ZLIB');
    expect(getCompressionType(0x301)).toBe('ZLIB');
    expect(getCompressionType(0x101)).toBe('LZ4');
    expect(getCompressionType(0x201)).toBe('ZSTD');
    expect(getCompressionType(0x401)).toBeNull();
    expect(compressionTypeFlag('LZ4')).toBe(0x100);
  });

  it('sets and clears the compressed bit with its type', () => {
    expect(isCompressed(0x301)).toBe(true);
    expect(clearCompressed(0x335)).toBe(0x34);
    expect(isCompressed(clearCompressed(0x301))).toBe(false);
    expect(setCompressed(0x101, 'ZSTD')).toBe(0x201);
  });
});
