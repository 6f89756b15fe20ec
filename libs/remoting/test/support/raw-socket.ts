import { connect, Socket } from 'node:net';
import { FrameDecoder, RemotingCommand } from '@rocketnest/protocol';

/** A plain socket speaking frames by hand: to send garbage, or to read (or not read) responses ourselves. */
export class RawPeer {
  readonly received: RemotingCommand[] = [];
  readonly closed: Promise<void>;
  /** Garbage senders see resets; tests look at 'close', and this keeps the error for diagnostics. */
  error: Error | null = null;
  private readonly decoder = new FrameDecoder();

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (error) => {
      this.error = error;
    });
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk, (command) => this.received.push(command)));
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket));
      });
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
