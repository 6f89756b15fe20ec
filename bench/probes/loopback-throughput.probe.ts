/** Loopback bulk throughput: one connection, 256 KiB writes as fast as back-pressure allows, counted at the sink. */
import { once } from 'node:events';
import net from 'node:net';
import type { Probe, ProbeFigure } from './probe.js';
import { startSocketPeer } from './socket-peer.js';

const CHUNK = Buffer.alloc(256 * 1024, 0x5a);

export const loopbackThroughputProbe: Probe = {
  name: 'loopback bulk throughput',
  async run(budgetMs: number): Promise<ProbeFigure[]> {
    const sink = await startSocketPeer('sink');
    try {
      const socket = net.connect({ port: sink.port, host: '127.0.0.1' });
      await once(socket, 'connect');
      const report = sink.nextReport();
      const deadline = performance.now() + budgetMs;
      while (performance.now() < deadline) {
        if (!socket.write(CHUNK)) await once(socket, 'drain');
      }
      socket.end();
      const { bytes, firstByteMs, lastByteMs } = await report;
      socket.destroy();
      const gbPerSec = bytes / 1e9 / ((lastByteMs - firstByteMs) / 1000);
      return [
        {
          key: 'loopbackGBps',
          label: 'loopback bulk, 1 connection',
          value: gbPerSec,
          unit: 'GB/s',
          reference: '~3 GB/s',
        },
      ];
    } finally {
      await sink.close();
    }
  },
};
