/**
 * Every bench message carries a stamp: the round's run id (so a late message from an earlier round is never
 * counted), a sequence number (duplicates, losses, order), and the scheduled send time on this process's
 * monotonic clock (latency from the schedule, not from when the sender got round to it).
 *
 * Binary layout, big-endian, at the start of a payload of any size >= 16:
 *   run:u32 | seq:u32 | scheduledMs:f64 (performance.now()) | filler
 */
export interface Stamp {
  readonly run: number;
  readonly seq: number;
  readonly scheduledMs: number;
}

export const STAMP_BYTES = 16;
export const DEFAULT_PAYLOAD_BYTES = 1024;

const fillers = new Map<number, Buffer>();

function filler(size: number): Buffer {
  let template = fillers.get(size);
  if (template === undefined) {
    template = Buffer.alloc(size, 'rocketnest-bench-');
    fillers.set(size, template);
  }
  return template;
}

/** A fresh buffer per message: transports may hold on to it until it is written. */
export function stampedPayload(stamp: Stamp, sizeBytes = DEFAULT_PAYLOAD_BYTES): Buffer {
  const buf = Buffer.allocUnsafe(Math.max(sizeBytes, STAMP_BYTES));
  filler(buf.length).copy(buf, STAMP_BYTES, STAMP_BYTES);
  buf.writeUInt32BE(stamp.run >>> 0, 0);
  buf.writeUInt32BE(stamp.seq >>> 0, 4);
  buf.writeDoubleBE(stamp.scheduledMs, 8);
  return buf;
}

export function readStamp(payload: Uint8Array): Stamp | null {
  if (payload.length < STAMP_BYTES) return null;
  const view = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  return { run: view.readUInt32BE(0), seq: view.readUInt32BE(4), scheduledMs: view.readDoubleBE(8) };
}

/** The stamp as a plain object for JSON transports (Nest's RMQ and NATS), padded to about `sizeBytes` of JSON. */
export interface StampedObject {
  readonly run: number;
  readonly seq: number;
  readonly t: number;
  readonly pad: string;
}

const pads = new Map<number, string>();

export function stampedObject(stamp: Stamp, sizeBytes = DEFAULT_PAYLOAD_BYTES): StampedObject {
  // {"run":..,"seq":..,"t":..,"pad":""} takes about 70 characters; the pad brings the JSON to sizeBytes.
  const padLength = Math.max(0, sizeBytes - 70);
  let pad = pads.get(padLength);
  if (pad === undefined) {
    pad = 'x'.repeat(padLength);
    pads.set(padLength, pad);
  }
  return { run: stamp.run, seq: stamp.seq, t: stamp.scheduledMs, pad };
}

export function readStampObject(value: unknown): Stamp | null {
  if (typeof value !== 'object' || value === null) return null;
  const { run, seq, t } = value as Record<string, unknown>;
  if (typeof run !== 'number' || typeof seq !== 'number' || typeof t !== 'number') return null;
  return { run, seq, scheduledMs: t };
}

/** A run id unlikely to repeat across rounds of one run. */
export function newRunId(): number {
  return (Math.random() * 0xffffffff) >>> 0;
}
