/**
 * A plain node:net request/response rate: 1 KiB frames, 64 in flight, echoed by another thread. What any
 * Node broker pays per request before doing any work: the ceiling for our remoting layer.
 */
import { once } from 'node:events';
import net from 'node:net';
import type { Probe, ProbeFigure } from './probe.js';
import { startSocketPeer } from './socket-peer.js';

const FRAME = Buffer.alloc(1024, 0x63);
const IN_FLIGHT = 64;

export const echoPipelineProbe: Probe = {
  name: 'node:net echo, 1 KiB pipelined',
  async run(budgetMs: number): Promise<ProbeFigure[]> {
    const echo = await startSocketPeer('echo');
    const socket = net.connect({ port: echo.port, host: '127.0.0.1' });
    try {
      await once(socket, 'connect');
      socket.setNoDelay(true);
      const { frames, ms } = await new Promise<{ frames: number; ms: number }>((resolve, reject) => {
        let pendingBytes = 0;
        let completed = 0;
        let stopping = false;
        let outstanding = 0;
        const start = performance.now();
        const deadline = start + budgetMs;
        socket.on('error', reject);
        socket.on('data', (chunk) => {
          pendingBytes += chunk.length;
          const done = Math.floor(pendingBytes / FRAME.length);
          pendingBytes -= done * FRAME.length;
          completed += done;
          outstanding -= done;
          if (!stopping && performance.now() >= deadline) stopping = true;
          if (stopping) {
            if (outstanding === 0) resolve({ frames: completed, ms: performance.now() - start });
            return;
          }
          // One write per request, as a client with no batching does; corked so one tick makes one syscall.
          socket.cork();
          for (let i = 0; i < done; i++) socket.write(FRAME);
          outstanding += done;
          process.nextTick(() => socket.uncork());
        });
        socket.cork();
        for (let i = 0; i < IN_FLIGHT; i++) socket.write(FRAME);
        outstanding = IN_FLIGHT;
        process.nextTick(() => socket.uncork());
      });
      return [
        {
          key: 'echo1kPerSec',
          label: 'node:net echo, 1 KiB, 64 in flight',
          value: (frames * 1000) / ms,
          unit: 'req/s',
          reference: '',
        },
      ];
    } finally {
      socket.destroy();
      await echo.close();
    }
  },
};
