/**
 * Issue 3's pipelined request/response over loopback: our RemotingClient invoking a RemotingServer on another
 * thread (1 KiB SEND_MESSAGE_V2 requests, the body echoed back, 64 in flight), against a plain node:net echo
 * of frames of the same length on another thread, 64 in flight: what any Node peer pays before doing work.
 */
import { once } from 'node:events';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  createRequest,
  encodeFrame,
  encodeSendMessageRequestHeaderV2,
  RequestCode,
  type RemotingCommand,
} from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { benchSendHeader } from './codec-workloads.js';
import type { RoundContext, RoundMeasurement, Workload } from '../../harness/workload.js';
import { startSocketPeer, type SocketPeer } from '../../probes/socket-peer.js';

export const PIPELINE_IN_FLIGHT = 64;
const BODY = Buffer.alloc(1024, 0x6d);

function request(i: number): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    extFields: encodeSendMessageRequestHeaderV2(benchSendHeader(i)),
    body: BODY,
  });
}

function measureWindow(context: RoundContext, sendOne: (i: number) => Promise<void>): Promise<RoundMeasurement> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + Math.min(context.plan.measureMs, 3000);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    let open = 0;
    let failed = false;
    const pump = (): void => {
      while (open < PIPELINE_IN_FLIGHT && performance.now() < deadline && !context.signal.aborted) {
        open++;
        sendOne(next++).then(
          () => {
            open--;
            done++;
            pump();
          },
          (error: unknown) => {
            if (!failed) reject(error);
            failed = true;
          },
        );
      }
      if (open === 0 && !failed) {
        const usage = process.cpuUsage(cpuBefore);
        resolve({
          messages: done,
          durationMs: performance.now() - start,
          clientCpuUs: usage.user + usage.system,
          serverCpuUs: null,
        });
      }
    };
    pump();
  });
}

export function remotingPipelineWorkload(): Workload {
  let worker: Worker | null = null;
  let client: RemotingClient | null = null;
  let addr = '';
  return {
    key: 'rocketnest-remoting/pipeline-64',
    label: 'Rocketnest RemotingClient -> RemotingServer',
    owner: 'rocketnest',
    durability: 'none',
    requires: [],
    settings: {
      inFlight: PIPELINE_IN_FLIGHT,
      request: 'SEND_MESSAGE_V2, JSON header, 1 KiB body',
      response: 'body echoed',
      server: 'worker thread',
    },
    async setup() {
      worker = new Worker(new URL('./remoting-echo.worker.js', import.meta.url));
      const [first] = (await once(worker, 'message')) as [{ port: number }];
      addr = `127.0.0.1:${first.port}`;
      client = new RemotingClient();
    },
    async run(context) {
      const c = client!;
      return measureWindow(context, async (i) => {
        const response = await c.invoke(addr, request(i), 5000);
        if (response.code !== 0 || response.body?.length !== BODY.length) throw new Error('bad echo response');
      });
    },
    async teardown() {
      await client?.shutdown();
      client = null;
      if (worker !== null) {
        worker.postMessage('close');
        const timer = setTimeout(() => void worker?.terminate(), 2000);
        await once(worker, 'exit');
        clearTimeout(timer);
        worker = null;
      }
    },
  };
}

/** node:net echo: frames of our request's length, one write each (corked per tick), matched by byte count. */
export function netEchoPipelineWorkload(): Workload {
  let peer: SocketPeer | null = null;
  let socket: net.Socket | null = null;
  const frame = encodeFrame(request(0));
  return {
    key: 'node-net-echo/pipeline-64',
    label: 'node:net echo, same frame length',
    owner: 'peer',
    durability: 'none',
    requires: [],
    settings: { inFlight: PIPELINE_IN_FLIGHT, frameBytes: frame.length, server: 'worker thread' },
    async setup() {
      peer = await startSocketPeer('echo');
      socket = net.connect({ port: peer.port, host: '127.0.0.1', noDelay: true });
      await once(socket, 'connect');
    },
    async run(context) {
      const s = socket!;
      const waiters: Array<() => void> = [];
      let pendingBytes = 0;
      const onData = (chunk: Buffer): void => {
        pendingBytes += chunk.length;
        while (pendingBytes >= frame.length && waiters.length > 0) {
          pendingBytes -= frame.length;
          waiters.shift()!();
        }
      };
      s.on('data', onData);
      let corked = false;
      try {
        return await measureWindow(
          context,
          () =>
            new Promise<void>((resolve) => {
              waiters.push(resolve);
              if (!corked) {
                corked = true;
                s.cork();
                process.nextTick(() => {
                  corked = false;
                  s.uncork();
                });
              }
              s.write(frame);
            }),
        );
      } finally {
        s.off('data', onData);
      }
    },
    async teardown() {
      socket?.destroy();
      socket = null;
      await peer?.close();
      peer = null;
    },
  };
}
