/** Starts socket-peer.worker on its own thread and returns its port; `close()` ends the thread. */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SinkReport, SocketPeerMode } from './socket-peer.worker.js';

export interface SocketPeer {
  readonly port: number;
  /** Resolves with the next sink report (one per client connection that ended). */
  nextReport(): Promise<SinkReport>;
  close(): Promise<void>;
}

export async function startSocketPeer(mode: SocketPeerMode): Promise<SocketPeer> {
  const worker = new Worker(new URL('./socket-peer.worker.js', import.meta.url), { workerData: { mode } });
  const [first] = (await once(worker, 'message')) as [{ port: number }];
  return {
    port: first.port,
    nextReport: async () => ((await once(worker, 'message')) as [SinkReport])[0],
    close: async () => {
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await once(worker, 'exit');
      clearTimeout(timer);
    },
  };
}
