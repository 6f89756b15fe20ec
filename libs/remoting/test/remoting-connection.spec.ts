import { createServer, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  encodeFrame,
  RemotingCommand,
  RemotingSendError,
  RemotingTimeoutError,
  RequestCode,
} from '@rocketnest/protocol';
import { RemotingConnection } from '@rocketnest/remoting';
import { Resources } from './support/fixtures.js';
import { RawPeer } from './support/raw-socket.js';
import { RecordingLogger } from './support/recording-logger.js';
import { waitFor } from './support/wait-for.js';

const ECHO = RequestCode.GET_ROUTEINFO_BY_TOPIC;
const BIG = 300;
const KiB = 1024;
const MiB = 1024 * KiB;

function int32(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32BE(value | 0, 0);
  return buf;
}

/** length | serType<<24 + headerLen | header | body, with fields chosen by the caller (not necessarily valid). */
function rawFrame(serType: number, header: Buffer, body = Buffer.alloc(0), headerLen = header.length): Buffer {
  return Buffer.concat([int32(4 + header.length + body.length), int32((serType << 24) | headerLen), header, body]);
}

/** Deterministic bytes (xorshift32), so a failure replays. */
function pseudoRandomBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const BAD_FRAMES: Record<string, (i: number) => Buffer> = {
  'length over maxFrameBytes': () => Buffer.concat([int32(0x7ffffff0), Buffer.alloc(16)]),
  'negative length': () => Buffer.concat([int32(-1), Buffer.alloc(16)]),
  'length below the type word': () => Buffer.concat([int32(2), Buffer.alloc(16)]),
  'header length past the frame': () => rawFrame(0, Buffer.from('{}'), Buffer.alloc(0), 5000),
  'unknown serialize type': () => rawFrame(7, Buffer.from('{"code":105}')),
  'undecodable JSON header': () => rawFrame(0, Buffer.from('{"code":105,')),
  'JSON header that is not an object': () => rawFrame(0, Buffer.from('[1,2,3]')),
  'truncated ROCKETMQ header': () => rawFrame(1, Buffer.from([0, 105, 0])),
  'ROCKETMQ remark length past the header': () =>
    rawFrame(1, Buffer.concat([Buffer.from([0, 105, 0, 0, 0]), int32(1), int32(0), int32(0x7fffffff)])),
  'random bytes behind a small length': (i) =>
    Buffer.concat([int32(200), Buffer.from([i % 2 === 0 ? 0 : 1, 0, 0, 196]), pseudoRandomBytes(i + 1, 196)]),
  'valid request, then garbage': () =>
    Buffer.concat([encodeFrame(createRequest(ECHO)), Buffer.concat([int32(-7), Buffer.alloc(8)])]),
};

describe('RemotingConnection', { timeout: 10_000 }, () => {
  const resources = new Resources();
  afterEach(() => resources.closeAll(), 10_000);

  it('closes connections that send malformed frames and keeps serving a valid client', async () => {
    const logger = new RecordingLogger();
    const { server, addr } = await resources.server({ logger }, (s) =>
      s.registerProcessor(ECHO, (request) => createResponse(request, 0, { extFields: request.extFields })),
    );
    const port = server.address?.port ?? 0;
    const client = resources.client();
    let answered = 0;
    let attacking = true;
    const steady = (async (): Promise<void> => {
      while (attacking) {
        const response = await client.invoke(addr, createRequest(ECHO, { extFields: { n: String(answered) } }));
        expect(response.extFields?.n).toBe(String(answered));
        answered++;
      }
    })();

    const peers: RawPeer[] = [];
    let frames = 0;
    let seed = 0;
    for (const make of Object.values(BAD_FRAMES)) {
      for (let c = 0; c < 3; c++) {
        const peer = await RawPeer.connect(port);
        peers.push(peer);
        const burst: Buffer[] = [];
        for (let f = 0; f < 300; f++) burst.push(make(seed++));
        frames += burst.length;
        peer.write(Buffer.concat(burst));
      }
    }
    resources.add(async () => peers.forEach((peer) => peer.destroy()));
    await Promise.all(peers.map((peer) => peer.closed));
    attacking = false;
    await steady;

    expect(frames).toBeGreaterThanOrEqual(9000);
    expect(answered).toBeGreaterThan(0);
    expect(logger.count('closing connection after bad input', 'warn')).toBe(peers.length);
    // The one valid request in front of the garbage was answered before its connection closed.
    const validThenGarbage = peers.slice(-3);
    for (const peer of validThenGarbage) expect(peer.received).toHaveLength(1);
    expect((await client.invoke(addr, createRequest(ECHO))).code).toBe(0);
    expect(server.connections.size).toBe(1);
  });

  it('closes an idle connection after idleTimeoutMs (server side)', async () => {
    const reasons: Array<Error | null> = [];
    const { server, addr } = await resources.server({ idleTimeoutMs: 150 }, (s) =>
      s.registerProcessor(ECHO, (request) => createResponse(request, 0)),
    );
    server.on('disconnect', (_connection, reason) => reasons.push(reason));
    const client = resources.client({ idleTimeoutMs: 0 });
    const clientSaw: string[] = [];
    client.on('disconnect', (addr) => clientSaw.push(addr));
    await client.invoke(addr, createRequest(ECHO));
    await waitFor(() => reasons.length === 1 && clientSaw.length === 1, 5000, 'the idle close');
    expect(reasons[0]?.message).toMatch(/idle for 150 ms/);
  });

  it('closes an idle connection after idleTimeoutMs (client side)', async () => {
    const { addr } = await resources.server({ idleTimeoutMs: 0 }, (s) =>
      s.registerProcessor(ECHO, (request) => createResponse(request, 0)),
    );
    const client = resources.client({ idleTimeoutMs: 150 });
    const reasons: Array<Error | null> = [];
    client.on('disconnect', (_addr, _connection, reason) => reasons.push(reason));
    await client.invoke(addr, createRequest(ECHO));
    await waitFor(() => reasons.length === 1, 5000, 'the idle close');
    expect(reasons[0]?.message).toMatch(/idle/);
    expect(client.findConnection(addr)).toBeNull();
  });

  it('stops reading a client that does not read its responses, and bounds what it buffers', async () => {
    const hwm = 1 * MiB;
    const body = Buffer.alloc(256 * KiB, 7);
    let processed = 0;
    let maxBuffered = 0;
    let serverSide: RemotingConnection | null = null;
    const { server } = await resources.server({ writeHighWaterMarkBytes: hwm, maxWriteQueueBytes: 8 * MiB }, (s) =>
      s.registerProcessor(BIG, (request, ctx) => {
        serverSide = ctx;
        processed++;
        maxBuffered = Math.max(maxBuffered, ctx.bufferedWriteBytes);
        return createResponse(request, 0, { body });
      }),
    );
    const peer = await RawPeer.connect(server.address?.port ?? 0);
    resources.add(async () => peer.destroy());
    peer.socket.pause();
    const requests = Array.from({ length: 200 }, () => createRequest(BIG));
    peer.write(Buffer.concat(requests.map(encodeFrame)));

    await waitFor(() => serverSide !== null && !serverSide.isWritable, 5000, 'the server to block');
    const connection = serverSide as unknown as RemotingConnection;
    const frameBytes = body.length + 512;
    expect(connection.bufferedWriteBytes).toBeLessThanOrEqual(hwm + frameBytes);
    expect(maxBuffered).toBeLessThanOrEqual(hwm + frameBytes);
    expect(processed).toBeLessThan(requests.length);

    peer.socket.resume();
    await waitFor(() => peer.received.length === requests.length, 10_000, 'every response');
    expect(peer.received.map((r) => r.opaque)).toEqual(requests.map((r) => r.opaque));
    expect(maxBuffered).toBeLessThanOrEqual(hwm + frameBytes);
  });

  it('makes senders wait for a slow reader and fails them past maxWriteQueueBytes', async () => {
    const sockets: Socket[] = [];
    const stalled = createServer((socket) => {
      socket.pause();
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    resources.add(async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    });
    const address = stalled.address();
    const addr = `127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const maxQueue = 4 * MiB;
    const client = resources.client({ writeHighWaterMarkBytes: 1 * MiB, maxWriteQueueBytes: maxQueue });
    const connection = await client.getConnection(addr);
    const body = Buffer.alloc(256 * KiB, 1);

    const accepted: Array<Promise<void>> = [];
    let full: unknown = null;
    let timedInvoke: Promise<unknown> | null = null;
    let sentBytes = 0;
    while (full === null) {
      if (sentBytes > 512 * MiB) throw new Error('the writer never filled up');
      const sending = connection.invokeOneway(createRequest(BIG, { body }));
      sentBytes += body.length;
      const outcome = await Promise.race([
        sending.then(
          () => 'sent',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setImmediate(resolve, 'waiting')),
      ]);
      if (outcome === 'sent' || outcome === 'waiting') accepted.push(sending);
      else full = outcome;
      if (outcome === 'waiting' && timedInvoke === null) {
        timedInvoke = client.invoke(addr, createRequest(ECHO), 200).catch((error: unknown) => error);
      }
      expect(connection.bufferedWriteBytes).toBeLessThanOrEqual(maxQueue + body.length + 512);
    }
    expect(full).toBeInstanceOf(RemotingSendError);
    expect((full as Error).message).toMatch(/write queue full/);
    await expect(connection.invoke(createRequest(BIG, { body }))).rejects.toBeInstanceOf(RemotingSendError);
    expect(await timedInvoke).toBeInstanceOf(RemotingTimeoutError);

    // The reader catches up: every sender that was waiting gets through.
    for (const socket of sockets) socket.on('data', () => undefined).resume();
    await Promise.all(accepted);
    expect(connection.isWritable).toBe(true);
  });

  it('hands processors the peer address and a unique id', async () => {
    const seen: Array<{ id: number; remote: string }> = [];
    const { addr } = await resources.server({}, (s) =>
      s.registerProcessor(ECHO, (request: RemotingCommand, ctx) => {
        seen.push({ id: ctx.id, remote: ctx.remoteAddress });
        return createResponse(request, 0);
      }),
    );
    const a = resources.client();
    const b = resources.client();
    await a.invoke(addr, createRequest(ECHO));
    await b.invoke(addr, createRequest(ECHO));
    expect(seen[0].id).not.toBe(seen[1].id);
    for (const { remote } of seen) expect(remote).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(a.findConnection(addr)?.remoteAddress).toBe(addr);
  });
});
