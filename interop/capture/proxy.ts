/**
 * Capturing TCP proxy for RocketMQ remoting traffic, 127.0.0.1 only. Splits each direction into whole frames
 * (int32 length prefix, remoting-protocol.md §1.2), records every frame as Apache sent it, and forwards it,
 * optionally after a same-length byte substitution (used to point route data at the broker-side proxy).
 */
import net from 'node:net';

export type FrameDirection = 'client-to-server' | 'server-to-client';

export interface CapturedFrame {
  /** Proxy label, e.g. 'namesrv' or 'broker'. */
  readonly label: string;
  /** Connection number within this proxy. */
  readonly connection: number;
  readonly direction: FrameDirection;
  readonly atMs: number;
  /** Free-form tag of what was running (e.g. 'rocketmq-client 5.5.0 JSON'). */
  readonly phase: string;
  /** The frame exactly as received, before any substitution. */
  readonly frame: Buffer;
}

export interface Substitution {
  readonly from: string;
  readonly to: string;
}

export interface CaptureProxyOptions {
  readonly label: string;
  readonly targetPort: number;
  readonly onFrame: (frame: CapturedFrame) => void;
  /** Current phase tag; read for every frame. */
  readonly phase: () => string;
  /** Same-length ASCII substitutions applied to server-to-client frames before forwarding. */
  readonly substitutions?: () => readonly Substitution[];
  /** Frames larger than this close the connection (Apache's own limit is 16 MiB). */
  readonly maxFrameBytes?: number;
}

export interface CaptureProxy {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

export class CaptureProxyError extends Error {
  override readonly name = 'CaptureProxyError';
}

const LOOPBACK = '127.0.0.1';
const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Accumulates bytes and yields whole frames. */
class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readInt32BE(0);
      if (length < 4 || length + 4 > this.maxFrameBytes) {
        throw new CaptureProxyError(`bad frame length ${length}`);
      }
      if (this.pending.length < length + 4) break;
      frames.push(Buffer.from(this.pending.subarray(0, length + 4)));
      this.pending = this.pending.subarray(length + 4);
    }
    return frames;
  }
}

function substitute(frame: Buffer, substitutions: readonly Substitution[]): Buffer {
  let out = frame;
  for (const { from, to } of substitutions) {
    if (from.length !== to.length) throw new CaptureProxyError(`substitution ${from} -> ${to} changes the length`);
    const needle = Buffer.from(from, 'latin1');
    let at = out.indexOf(needle);
    if (at < 0) continue;
    if (out === frame) out = Buffer.from(frame);
    while (at >= 0) {
      out.write(to, at, 'latin1');
      at = out.indexOf(needle, at + needle.length);
    }
  }
  return out;
}

export function startCaptureProxy(options: CaptureProxyOptions): Promise<CaptureProxy> {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    const connection = (connections += 1);
    const upstream = net.connect({ host: LOOPBACK, port: options.targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const fromClient = new FrameSplitter(maxFrameBytes);
    const fromServer = new FrameSplitter(maxFrameBytes);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    const relay = (
      splitter: FrameSplitter,
      direction: FrameDirection,
      destination: net.Socket,
    ): ((chunk: Buffer) => void) => {
      return (chunk: Buffer): void => {
        let frames: Buffer[];
        try {
          frames = splitter.push(chunk);
        } catch (error: unknown) {
          process.emitWarning(`capture proxy ${options.label}: ${String(error)}; closing connection ${connection}`);
          closeBoth();
          return;
        }
        for (const frame of frames) {
          options.onFrame({
            label: options.label,
            connection,
            direction,
            atMs: Date.now(),
            phase: options.phase(),
            frame,
          });
          const forwarded =
            direction === 'server-to-client' && options.substitutions !== undefined
              ? substitute(frame, options.substitutions())
              : frame;
          destination.write(forwarded);
        }
      };
    };
    client.on('data', relay(fromClient, 'client-to-server', upstream));
    upstream.on('data', relay(fromServer, 'server-to-client', client));
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0 }, () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) {
        reject(new CaptureProxyError('proxy has no address'));
        return;
      }
      resolve({
        port: address.port,
        address: `${LOOPBACK}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
