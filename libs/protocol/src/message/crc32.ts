/**
 * CRC-32 (IEEE 802.3, reflected 0xEDB88320; Java `java.util.zip.CRC32`) and RocketMQ's masked form
 * `crc & 0x7FFFFFFF` (remoting-protocol.md 4.2) used for stored bodies and REGISTER_BROKER `bodyCrc32`.
 * node:zlib `crc32` (Node >= 20.15) does it natively; the table version covers older runtimes.
 */
import * as zlib from 'node:zlib';

let table: Int32Array | null = null;

function crcTable(): Int32Array {
  if (table !== null) return table;
  table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** Table-driven CRC-32 of bytes [start, end), unsigned. Exported for tests; prefer `crc32`. */
export function crc32Table(data: Uint8Array, start = 0, end = data.length): number {
  const t = crcTable();
  let c = -1;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const native: ((data: Uint8Array) => number) | null =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => zlib.crc32(data) : null;

/** CRC-32 of bytes [start, end) of `data`, unsigned 32-bit. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  if (native === null) return crc32Table(data, start, end);
  return native(start === 0 && end === data.length ? data : data.subarray(start, end));
}

/** `CRC32 & 0x7FFFFFFF`: always a non-negative int, as Java stores it. */
export function maskedCrc32(data: Uint8Array, start = 0, end = data.length): number {
  return crc32(data, start, end) & 0x7fffffff;
}
