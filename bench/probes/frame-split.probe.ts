/**
 * Frames split and decoded per second by one Node thread, with FrameDecoder from @rocketnest/protocol fed
 * 64 KiB chunks (so some frames straddle chunks, as on a socket): the ROCKETMQ binary header with the body
 * left as a view (our zero-copy path) against a JSON header parse, plus a bare length-prefix walk as the
 * ceiling. Each frame is a SEND_MESSAGE_V2 request with Java's single-letter header fields and a 1 KiB body.
 */
import { createRequest, encodeFrame, FrameDecoder, SerializeType, type RemotingCommand } from '@rocketnest/protocol';
import type { Probe, ProbeFigure } from './probe.js';

/** SEND_MESSAGE_V2 (remoting-protocol.md request codes). */
const SEND_MESSAGE_V2 = 310;
const CHUNK_BYTES = 64 * 1024;
const STREAM_FRAMES = 4096;

function sendFrame(serializeType: SerializeType, i: number): Buffer {
  return encodeFrame(
    createRequest(SEND_MESSAGE_V2, {
      serializeType,
      body: Buffer.alloc(1024, 0x6d),
      extFields: {
        a: 'bench-producer-group',
        b: 'BenchTopic',
        c: 'TBW102',
        d: '8',
        e: String(i % 8),
        f: '0',
        g: String(1_700_000_000_000 + i),
        h: '0',
        i: 'TAGS\u0001bench\u0002KEYS\u0001order-1\u0002WAIT\u0001true\u0002',
        j: '0',
        k: 'false',
        m: 'false',
      },
    }),
  );
}

/** Many frames back to back, cut into socket-sized chunks once, outside the timed loop. */
function frameStream(serializeType: SerializeType): { chunks: Buffer[]; frames: number } {
  const stream = Buffer.concat(Array.from({ length: STREAM_FRAMES }, (_, i) => sendFrame(serializeType, i)));
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < stream.length; pos += CHUNK_BYTES) chunks.push(stream.subarray(pos, pos + CHUNK_BYTES));
  return { chunks, frames: STREAM_FRAMES };
}

function decodeRate(serializeType: SerializeType, budgetMs: number): number {
  const { chunks, frames } = frameStream(serializeType);
  let count = 0;
  let bodyBytes = 0;
  const onCommand = (command: RemotingCommand): void => {
    bodyBytes += command.body === null ? 0 : command.body.length;
  };
  const start = performance.now();
  const deadline = start + budgetMs;
  while (performance.now() < deadline) {
    const decoder = new FrameDecoder();
    for (const chunk of chunks) decoder.push(chunk, onCommand);
    count += frames;
  }
  if (bodyBytes !== count * 1024)
    throw new Error(`frame-split probe decoded ${bodyBytes} body bytes, expected ${count * 1024}`);
  return count / ((performance.now() - start) / 1000);
}

/** Only the length walk and a subarray per frame, on one contiguous buffer: what no decoder can beat. */
function bareSplitRate(budgetMs: number): number {
  const stream = Buffer.concat(Array.from({ length: STREAM_FRAMES }, (_, i) => sendFrame(SerializeType.ROCKETMQ, i)));
  let count = 0;
  let sink = 0;
  const start = performance.now();
  const deadline = start + budgetMs;
  while (performance.now() < deadline) {
    for (let pos = 0; pos < stream.length;) {
      const total = stream.readInt32BE(pos) + 4;
      sink += stream.subarray(pos + 4, pos + total).length;
      pos += total;
      count++;
    }
  }
  if (sink === 0) throw new Error('frame-split probe walked no frames');
  return count / ((performance.now() - start) / 1000);
}

export const frameSplitProbe: Probe = {
  name: '1 KiB frame split',
  async run(budgetMs: number): Promise<ProbeFigure[]> {
    const share = budgetMs / 3;
    // A short untimed pass first, so JIT warm-up does not land in whichever variant runs first.
    decodeRate(SerializeType.ROCKETMQ, 30);
    decodeRate(SerializeType.JSON, 30);
    return [
      {
        key: 'frameDecodeRocketmqPerSec',
        label: 'FrameDecoder, ROCKETMQ header, body as view',
        value: decodeRate(SerializeType.ROCKETMQ, share),
        unit: 'frames/s',
        reference: '~2.5M/s (zero-copy)',
      },
      {
        key: 'frameDecodeJsonPerSec',
        label: 'FrameDecoder, JSON header parse',
        value: decodeRate(SerializeType.JSON, share),
        unit: 'frames/s',
        reference: '~0.63M/s',
      },
      {
        key: 'frameBareSplitPerSec',
        label: 'length walk + subarray only',
        value: bareSplitRate(share),
        unit: 'frames/s',
        reference: '',
      },
    ];
  },
};
