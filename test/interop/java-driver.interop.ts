/**
 * Suite B, "Apache's client against us": `rocketnest standalone` (run from source, on free ports) driven by
 * Apache's own Java client through interop/java-driver (15 checks: producer sync/async/one-way/batch/ordered/
 * transactional, push consumer concurrent/orderly/clustering/broadcasting/tags/retry, lookups by id and by key
 * through DefaultMQAdminExt, mqadmin-style admin calls). Every check line must be PASS. Skips, with the
 * reason printed, without java, mvn or Maven Central.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { spawnTs, stopChild, waitForLine } from '../support/spawn-ts.js';
import { DRIVER_CHECKS, DriverClient, javaDriverUnavailable, runJavaDriver } from './support/java-driver-runner.js';
import { tempDir } from './support/interop-support.js';

/** Short enough for the retry check (levels 1..3 are what a third delivery needs), as in the Apache run. */
const DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

let skipReason: string | undefined;

beforeAll(async () => {
  skipReason = await javaDriverUnavailable();
  if (skipReason !== undefined) console.log(`SKIP java-driver: ${skipReason}`);
});

interface RunningStandalone {
  namesrvAddr: string;
  brokerAddr: string;
}

let child: ChildProcess | undefined;
let dataDir: { dir: string; remove(): Promise<void> } | undefined;

async function startOurBroker(): Promise<RunningStandalone> {
  dataDir = await tempDir('rocketnest-interop-broker-');
  child = spawnTs('apps/broker/src/main.ts', [
    'standalone',
    '--data-dir',
    dataDir.dir,
    '--namesrv-port',
    '0',
    '--broker-port',
    '0',
    '--message-delay-level',
    DELAY_LEVELS,
    '--transaction-check-interval-ms',
    '1000',
    '--transaction-timeout-ms',
    '2000',
    '--log-level',
    'warn',
  ]);
  const pid = child.pid;
  // If this worker dies before afterEach, the broker goes with it.
  process.once('exit', () => {
    if (pid !== undefined && child?.pid === pid && child.exitCode === null) child.kill('SIGKILL');
  });
  // Drained, so a chatty broker never blocks on a full pipe.
  child.stderr?.resume();
  const match = await waitForLine(child, /^ready namesrv=(\S+) broker=(\S+)/, 60_000);
  child.stdout?.resume();
  return { namesrvAddr: match[1]!, brokerAddr: match[2]! };
}

afterEach(async () => {
  if (child !== undefined) {
    const stopped = child;
    child = undefined;
    await stopChild(stopped, 'SIGTERM', 10_000);
  }
  await dataDir?.remove();
  dataDir = undefined;
});

const RUNS: ReadonlyArray<{ client: DriverClient; serializeType: 'JSON' | 'ROCKETMQ'; label: string }> = [
  { client: '5', serializeType: 'JSON', label: 'rocketmq-client 5.5.0, JSON headers' },
  { client: '4', serializeType: 'JSON', label: 'rocketmq-client 4.9.8, JSON headers' },
  { client: '5', serializeType: 'ROCKETMQ', label: 'rocketmq-client 5.5.0, ROCKETMQ headers' },
  { client: '4', serializeType: 'ROCKETMQ', label: 'rocketmq-client 4.9.8, ROCKETMQ headers' },
];

describe("Apache's Java client against rocketnest standalone", () => {
  it.for(RUNS)(
    '$label: every driver check passes',
    { timeout: 6 * 60_000 },
    async ({ client, serializeType, label }, ctx: TestContext) => {
      if (skipReason !== undefined) ctx.skip(skipReason);
      const broker = await startOurBroker();
      const started = Date.now();
      const run = await runJavaDriver({
        client,
        serializeType,
        namesrvAddr: broker.namesrvAddr,
        checkTimeoutMs: 30_000,
        timeoutMs: 5 * 60_000,
      });
      console.log(
        [
          `# ${label} against ${broker.namesrvAddr} (${Date.now() - started} ms)`,
          ...run.stdout.trim().split('\n'),
        ].join('\n'),
      );
      expect(run.failed, run.stderr.slice(-3000)).toEqual([]);
      expect(run.passed).toEqual(DRIVER_CHECKS);
      expect(run.notes[0]).toContain(`serialize ${serializeType}`);
      expect(run.summary).toBe(`driver: ${DRIVER_CHECKS.length} passed, 0 failed`);
      expect(run.exitCode).toBe(0);
    },
  );
});
