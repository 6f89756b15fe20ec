import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameServer } from '@rocketnest/broker';
import { RemotingTimeoutError } from '@rocketnest/protocol';
import { Producer, SendTimeoutError } from '@rocketnest/client';
import { spawnTs, stopChild, waitForLine } from './support/spawn-ts.js';

/**
 * A broker that stops answering: the broker program runs in a child process that is frozen with SIGSTOP
 * after the producer cached its route, so the socket stays open and requests just go unanswered.
 */
describe('Producer send timeout', () => {
  let dir: string;
  let namesrv: NameServer;
  let child: ChildProcess | undefined;
  let producer: Producer;
  const topic = `timeout_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-client-timeout-'));
    namesrv = new NameServer({ host: '127.0.0.1', port: 0, kvConfigPath: null });
    await namesrv.start();
    child = spawnTs('apps/broker/src/main.ts', [
      'broker',
      '--data-dir',
      dir,
      '--broker-port',
      '0',
      '--namesrv-addr',
      namesrv.addr,
    ]);
    await waitForLine(child, /^ready broker=(\S+)$/);
    producer = new Producer({ group: `pg_timeout_${process.pid}`, namesrvAddr: namesrv.addr, sendTimeoutMs: 800 });
    await producer.start();
  }, 60_000);
  afterAll(async () => {
    if (child !== undefined) await stopChild(child, 'SIGKILL');
    await producer?.shutdown();
    await namesrv?.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects with SendTimeoutError once the send budget is spent on an unresponsive broker', async () => {
    const first = await producer.send({ topic, body: Buffer.from('before') });
    expect(first.sendStatus).toBe('SEND_OK');
    child!.kill('SIGSTOP');
    const startedAt = Date.now();
    const error = await producer.send({ topic, body: Buffer.from('frozen') }).catch((e: unknown) => e);
    const elapsedMs = Date.now() - startedAt;
    expect(error).toBeInstanceOf(SendTimeoutError);
    expect(error).toBeInstanceOf(RemotingTimeoutError);
    expect((error as SendTimeoutError).cause).toBeInstanceOf(RemotingTimeoutError);
    // Retries share the one budget (800 ms) instead of each taking its own (a loose bound, not a speed check).
    expect(elapsedMs).toBeLessThan(2400);
  });
});
