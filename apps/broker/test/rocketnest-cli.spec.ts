import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestCode, ResponseCode, createRequest, decodeTopicRouteData } from '@rocketnest/protocol';
import { RemotingClient } from '@rocketnest/remoting';
import { spawnTs, stopChild, waitForLine } from '../../../test/support/spawn-ts.js';

const MAIN = 'apps/broker/src/main.ts';

describe('rocketnest program', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-cli-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await stopChild(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('standalone prints the ready line, serves routes and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawnTs(MAIN, ['standalone', '--data-dir', dir, '--namesrv-port', '0', '--broker-port', '0']);
    children.push(child);
    const [, namesrv, broker] = await waitForLine(child, /^ready namesrv=(\S+) broker=(\S+)$/);
    const client = new RemotingClient();
    try {
      const response = await client.invoke(
        namesrv!,
        createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TBW102' } }),
      );
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(decodeTopicRouteData(response.body!).brokerDatas[0]!.brokerAddrs[0]).toBe(broker);
    } finally {
      await client.shutdown();
    }
    expect(await stopChild(child)).toBe(0);
  });

  it('refuses a second start on a locked data folder with a clear message', { timeout: 60_000 }, async () => {
    const first = spawnTs(MAIN, ['standalone', '--data-dir', dir, '--namesrv-port', '0', '--broker-port', '0']);
    children.push(first);
    await waitForLine(first, /^ready /);
    const second = spawnTs(MAIN, ['standalone', '--data-dir', dir, '--namesrv-port', '0', '--broker-port', '0']);
    children.push(second);
    let stderr = '';
    second.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('is in use by another process');
  });

  it('rejects bad flags with usage and exit code 2', { timeout: 30_000 }, async () => {
    const child = spawnTs(MAIN, ['standalone', '--flush-disk-type', 'SOMETIMES']);
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--flush-disk-type must be ASYNC_FLUSH or SYNC_FLUSH');
  });
});
