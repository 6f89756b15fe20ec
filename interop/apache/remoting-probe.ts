/*
 * Minimal RocketMQ remoting request over TCP, used only to tell when an Apache peer answers.
 * Frame (remoting-protocol.md §1.2): int32 length (= 4 + headerLen + bodyLen) | int32 (serType << 24 | headerLen)
 * | JSON header | body. Self-contained on purpose: the reference peer must not depend on the code under test.
 */
import net from 'node:net';

export interface ProbeResponse {
  readonly code: number;
  readonly remark: string | null;
  readonly body: Buffer;
}

export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

const JAVA_VERSION_V5_0_0 = 413;

/** Encode a JSON-header request frame. */
export function encodeJsonRequest(code: number, opaque: number, extFields: Readonly<Record<string, string>>): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      code,
      extFields,
      flag: 0,
      language: 'JAVA',
      opaque,
      serializeTypeCurrentRPC: 'JSON',
      version: JAVA_VERSION_V5_0_0,
    }),
    'utf8',
  );
  const frame = Buffer.alloc(8 + header.length);
  frame.writeInt32BE(4 + header.length, 0);
  frame.writeInt32BE(header.length & 0xffffff, 4);
  header.copy(frame, 8);
  return frame;
}

function decodeResponse(frame: Buffer): ProbeResponse {
  const headerField = frame.readInt32BE(4);
  const serType = (headerField >>> 24) & 0xff;
  const headerLength = headerField & 0xffffff;
  if (serType !== 0) throw new ProbeError(`unexpected serialize type ${serType} in probe response`);
  const parsed: unknown = JSON.parse(frame.subarray(8, 8 + headerLength).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('code' in parsed) || typeof parsed.code !== 'number') {
    throw new ProbeError('probe response header has no numeric code');
  }
  const remark = 'remark' in parsed && typeof parsed.remark === 'string' ? parsed.remark : null;
  return { code: parsed.code, remark, body: frame.subarray(8 + headerLength) };
}

/** Send one JSON request and wait for its response, bounded by timeoutMs. */
export function probeRequest(
  host: string,
  port: number,
  code: number,
  extFields: Readonly<Record<string, string>>,
  timeoutMs: number,
): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(
      () => finish(new ProbeError(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (error: Error | null, response?: ProbeResponse): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error !== null) reject(error);
      else if (response !== undefined) resolve(response);
    };
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new ProbeError(`${host}:${port} closed the connection`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const length = received.readInt32BE(0);
      if (received.length < 4 + length) return;
      try {
        finish(null, decodeResponse(received.subarray(0, 4 + length)));
      } catch (error: unknown) {
        finish(error instanceof Error ? error : new ProbeError(String(error)));
      }
    });
    socket.once('connect', () => socket.write(encodeJsonRequest(code, 1, extFields)));
  });
}
