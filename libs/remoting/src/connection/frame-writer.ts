import type { Socket } from 'node:net';
import { encodeFrameHead, RemotingCommand, RemotingSendError } from '@rocketnest/protocol';

/** Told when a frame that had to wait for capacity finally goes to the socket, or never will. */
export interface WriteOwner {
  onWritten(): void;
  onWriteFailed(error: Error): void;
}

/** A frame waiting for the socket to drain; cancel it with FrameWriter.cancel. */
export class WaitingFrame {
  next: WaitingFrame | null = null;
  cancelled = false;

  constructor(
    readonly head: Buffer,
    readonly body: Buffer | null,
    readonly bytes: number,
    public owner: WriteOwner | null,
  ) {}
}

/**
 * Outbound side of one connection. Frames written in the same tick are coalesced: the socket is corked on the
 * first write and uncorked on the next tick, so head and body of every frame leave in one writev and a body is
 * never copied. Past `highWaterMarkBytes` of unsent data, frames wait in FIFO order for 'drain'; past
 * `maxQueueBytes` (sent-but-unflushed plus waiting) writes fail at once, so memory stays bounded.
 */
export class FrameWriter {
  private corked = false;
  private blocked = false;
  private closedError: Error | null = null;
  private first: WaitingFrame | null = null;
  private last: WaitingFrame | null = null;
  private waitingBytes = 0;
  private readonly highWaterMarkBytes: number;

  constructor(
    private readonly socket: Socket,
    highWaterMarkBytes: number,
    private readonly maxQueueBytes: number,
    /** Called with true when writes start waiting for 'drain', false when they flow again. */
    private readonly onBlockedChange: (blocked: boolean) => void,
  ) {
    // Below the socket's own mark, 'drain' would never fire for us.
    this.highWaterMarkBytes = Math.max(highWaterMarkBytes, socket.writableHighWaterMark);
    socket.on('drain', this.onDrain);
  }

  /** Bytes handed to the socket but not yet flushed to the kernel, plus bytes waiting for capacity. */
  get bufferedBytes(): number {
    return this.socket.writableLength + this.waitingBytes;
  }

  get isBlocked(): boolean {
    return this.blocked;
  }

  /**
   * Queues `command`. Returns null when the frame went to the socket, or the WaitingFrame when it waits for
   * capacity (`owner` hears how that ends). Throws RemotingSendError when closed or full, ProtocolError when
   * the command cannot be encoded.
   */
  write(command: RemotingCommand, owner: WriteOwner | null): WaitingFrame | null {
    if (this.closedError !== null) {
      throw new RemotingSendError(`connection closed: ${this.closedError.message}`, { cause: this.closedError });
    }
    const head = encodeFrameHead(command);
    const body = command.body !== null && command.body.length > 0 ? command.body : null;
    const bytes = head.length + (body === null ? 0 : body.length);
    if (!this.blocked) {
      if (this.push(head, body)) this.onBlockedChange(true);
      return null;
    }
    const buffered = this.bufferedBytes;
    if (buffered + bytes > this.maxQueueBytes) {
      throw new RemotingSendError(
        `write queue full: ${buffered} bytes buffered, a ${bytes}-byte frame would pass the ${this.maxQueueBytes}-byte limit`,
      );
    }
    const frame = new WaitingFrame(head, body, bytes, owner);
    if (this.last === null) this.first = frame;
    else this.last.next = frame;
    this.last = frame;
    this.waitingBytes += bytes;
    return frame;
  }

  /** Drops a waiting frame (its caller gave up); its owner is not called. */
  cancel(frame: WaitingFrame): void {
    if (frame.cancelled) return;
    frame.cancelled = true;
    frame.owner = null;
    this.waitingBytes -= frame.bytes;
  }

  /** No more writes; every waiting frame's owner gets `error`. */
  close(error: Error): void {
    if (this.closedError !== null) return;
    this.closedError = error;
    this.socket.off('drain', this.onDrain);
    let frame = this.first;
    this.first = this.last = null;
    this.waitingBytes = 0;
    while (frame !== null) {
      const owner = frame.owner;
      frame.cancelled = true;
      frame.owner = null;
      owner?.onWriteFailed(error);
      frame = frame.next;
    }
  }

  /** Hands a frame to the socket; true when that crossed the high-water mark (now blocked). */
  private push(head: Buffer, body: Buffer | null): boolean {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(head);
    if (body !== null) this.socket.write(body);
    if (this.socket.writableLength < this.highWaterMarkBytes) return false;
    this.blocked = true;
    return true;
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  private readonly onDrain = (): void => {
    if (!this.blocked) return;
    this.blocked = false;
    while (this.first !== null) {
      const frame = this.first;
      this.first = frame.next;
      if (this.first === null) this.last = null;
      frame.next = null;
      if (frame.cancelled) continue;
      this.waitingBytes -= frame.bytes;
      const owner = frame.owner;
      frame.owner = null;
      const reblocked = this.push(frame.head, frame.body);
      owner?.onWritten();
      // Still blocked as far as the listener knows: the rest waits for the next 'drain'.
      if (reblocked) return;
    }
    this.onBlockedChange(false);
  };
}
