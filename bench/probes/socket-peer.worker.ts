/**
 * The far end of the socket probes, on its own thread so the probe's two ends use both cores as two processes
 * would: `sink` counts bytes until the client ends, `echo` writes back whatever arrives.
 */
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export type SocketPeerMode = 'sink' | 'echo';

export interface SinkReport {
  readonly bytes: number;
  readonly firstByteMs: number;
  readonly lastByteMs: number;
}

const mode = (workerData as { mode: SocketPeerMode }).mode;
const port = parentPort;
if (port === null) throw new Error('socket-peer.worker must run as a worker thread');

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  if (mode === 'echo') {
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
    return;
  }
  let bytes = 0;
  let firstByteMs = 0;
  let lastByteMs = 0;
  socket.on('data', (chunk) => {
    const now = performance.now();
    if (bytes === 0) firstByteMs = now;
    lastByteMs = now;
    bytes += chunk.length;
  });
  socket.on('end', () => {
    const report: SinkReport = { bytes, firstByteMs, lastByteMs };
    port.postMessage(report);
    socket.end();
  });
  socket.on('error', () => socket.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  port.postMessage({ port: typeof address === 'object' && address !== null ? address.port : 0 });
});

port.on('message', (message: unknown) => {
  if (message === 'close') server.close(() => port.close());
});
