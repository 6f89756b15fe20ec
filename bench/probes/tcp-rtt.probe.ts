/** 16-byte request/response round trips on 127.0.0.1, one at a time, against an echo on another thread. */
import { once } from 'node:events';
import net from 'node:net';
import { LatencyRecorder } from '../harness/latency-recorder.js';
import type { Probe, ProbeFigure } from './probe.js';
import { startSocketPeer } from './socket-peer.js';

const PING = Buffer.alloc(16, 0x42);
const WARM_UP_ROUND_TRIPS = 500;

export const tcpRttProbe: Probe = {
  name: '16-byte TCP round trip',
  async run(budgetMs: number): Promise<ProbeFigure[]> {
    const echo = await startSocketPeer('echo');
    const socket = net.connect({ port: echo.port, host: '127.0.0.1' });
    try {
      await once(socket, 'connect');
      socket.setNoDelay(true);
      const recorder = new LatencyRecorder();
      await new Promise<void>((resolve, reject) => {
        let received = 0;
        let sentAt = 0;
        let count = 0;
        const deadline = performance.now() + budgetMs;
        const send = (): void => {
          sentAt = performance.now();
          socket.write(PING);
        };
        socket.on('error', reject);
        socket.on('data', (chunk) => {
          received += chunk.length;
          if (received < PING.length) return;
          received -= PING.length;
          const now = performance.now();
          if (++count > WARM_UP_ROUND_TRIPS) recorder.record(now - sentAt);
          if (now < deadline) send();
          else resolve();
        });
        send();
      });
      const s = recorder.summary();
      const us = (ms: number | undefined): number => (ms ?? Number.NaN) * 1000;
      return [
        { key: 'tcpRttP50Us', label: '16 B TCP round trip p50', value: us(s?.p50Ms), unit: 'us', reference: '~57 us' },
        { key: 'tcpRttP99Us', label: '16 B TCP round trip p99', value: us(s?.p99Ms), unit: 'us', reference: '' },
      ];
    } finally {
      socket.destroy();
      await echo.close();
    }
  },
};
