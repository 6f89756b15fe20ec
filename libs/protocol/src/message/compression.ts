/**
 * Message body compression by sysFlag (remoting-protocol.md 4.4): bit 0 says compressed, bits 8-10 the
 * algorithm (0 = ZLIB for old clients). ZLIB is deflate with the RFC 1950 wrapper at level 5, what Java
 * producers send for bodies >= 4096 bytes; TV9 checks it. LZ4 and ZSTD are not built in (no dependency): they
 * raise UnsupportedCompressionError so the caller can surface the message as undecodable. Inflation is capped
 * by `maxOutputBytes` so a small hostile body cannot expand without bound.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { RemotingError, type RemotingErrorOptions } from '../errors.js';
import { getCompressionType, isCompressed, type CompressionType } from './sys-flag.js';

// Java `rocketmq.message.compressLevel` default (also DEFAULT_COMPRESS_LEVEL in codes/defaults).
const ZLIB_LEVEL = 5;

export interface DecompressOptions {
  /** Largest inflated body accepted; beyond it decompression fails with CompressionError. */
  maxOutputBytes?: number;
}

export const DEFAULT_DECOMPRESS_OPTIONS: Readonly<Required<DecompressOptions>> = Object.freeze({
  maxOutputBytes: 64 * 1024 * 1024,
});

export function resolveDecompressOptions(options: DecompressOptions = {}): Readonly<Required<DecompressOptions>> {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_DECOMPRESS_OPTIONS.maxOutputBytes;
  if (!(Number.isInteger(maxOutputBytes) && maxOutputBytes >= 1))
    throw new RangeError(`maxOutputBytes must be a positive integer, got ${maxOutputBytes}`);
  return Object.freeze({ maxOutputBytes });
}

/** A body could not be compressed or decompressed (corrupt data, over the size cap). */
export class CompressionError extends RemotingError {
  override name = 'CompressionError';
  override readonly code: string = 'ERR_COMPRESSION';
}

/** The sysFlag names an algorithm we do not implement (LZ4, ZSTD, or an unassigned type value). */
export class UnsupportedCompressionError extends CompressionError {
  override name = 'UnsupportedCompressionError';
  override readonly code: string = 'ERR_UNSUPPORTED_COMPRESSION';
  /** The algorithm, or the raw bits 8-10 value when unassigned. */
  readonly compressionType: CompressionType | number;

  constructor(compressionType: CompressionType | number, options: RemotingErrorOptions = {}) {
    super(
      `${typeof compressionType === 'number' ? `compression type 0x${compressionType.toString(16)}` : compressionType} is not supported`,
      options,
    );
    this.compressionType = compressionType;
  }
}

const deflateAsync = promisify(zlib.deflate);
const inflateAsync = promisify(zlib.inflate);

function requireZlib(type: CompressionType | null, sysFlag: number): void {
  if (type === 'ZLIB') return;
  throw new UnsupportedCompressionError(type ?? sysFlag & 0x700);
}

function convert(error: unknown, action: string, maxOutputBytes?: number): CompressionError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_BUFFER_TOO_LARGE')
    return new CompressionError(`${action}: output exceeds maxOutputBytes ${maxOutputBytes}`, { cause: error });
  return new CompressionError(`${action}: ${(error as Error).message}`, { cause: error });
}

/** Compresses a body with `type` (only ZLIB is available). Set the flag with `setCompressed(sysFlag, type)`. */
export function compressBody(body: Buffer, type: CompressionType = 'ZLIB', level = ZLIB_LEVEL): Buffer {
  if (type !== 'ZLIB') throw new UnsupportedCompressionError(type);
  try {
    return zlib.deflateSync(body, { level });
  } catch (error) {
    throw convert(error, 'zlib compression failed');
  }
}

/** `compressBody` on the libuv thread pool, for large bodies. */
export async function compressBodyAsync(
  body: Buffer,
  type: CompressionType = 'ZLIB',
  level = ZLIB_LEVEL,
): Promise<Buffer> {
  if (type !== 'ZLIB') throw new UnsupportedCompressionError(type);
  try {
    return await deflateAsync(body, { level });
  } catch (error) {
    throw convert(error, 'zlib compression failed');
  }
}

/**
 * The plain body of a message with this sysFlag: `body` itself when not compressed, else the inflated copy.
 * Throws UnsupportedCompressionError for LZ4/ZSTD/unknown types and CompressionError for corrupt data or an
 * output over `maxOutputBytes`. Clear the flag afterwards with `clearCompressed`.
 */
export function decompressBody(body: Buffer, sysFlag: number, options?: DecompressOptions): Buffer {
  if (!isCompressed(sysFlag)) return body;
  requireZlib(getCompressionType(sysFlag), sysFlag);
  const { maxOutputBytes } = resolveDecompressOptions(options);
  try {
    return zlib.inflateSync(body, { maxOutputLength: maxOutputBytes });
  } catch (error) {
    throw convert(error, 'zlib decompression failed', maxOutputBytes);
  }
}

/** `decompressBody` on the libuv thread pool, for large bodies. */
export async function decompressBodyAsync(body: Buffer, sysFlag: number, options?: DecompressOptions): Promise<Buffer> {
  if (!isCompressed(sysFlag)) return body;
  requireZlib(getCompressionType(sysFlag), sysFlag);
  const { maxOutputBytes } = resolveDecompressOptions(options);
  try {
    return await inflateAsync(body, { maxOutputLength: maxOutputBytes });
  } catch (error) {
    throw convert(error, 'zlib decompression failed', maxOutputBytes);
  }
}
