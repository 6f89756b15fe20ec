/**
 * int64 fields as JS numbers (exact below 2^53: offsets, timestamps, sign-extended int32 tag hashes). Avoids
 * BigInt on hot paths.
 */
const TWO_POW_32 = 4294967296;

export function readLong(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_POW_32 + buf.readUInt32BE(offset + 4);
}

export function writeLong(buf: Buffer, offset: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(value - high * TWO_POW_32, offset + 4);
}
