/**
 * Harness of the kill -9 suites (crash-sync.spec.ts, crash-async.spec.ts): kill -9 under load (broker-semantics.md 12.3 item 1). A child process (fixtures/crash-writer.ts, run from
 * source through test/support/ts-register.mjs) appends from 16 concurrent producers over 64 KiB segments and
 * prints every acknowledged message; the test SIGKILLs it at a random moment (sometimes during its own
 * recovery), reopens the store in this process and checks: every acknowledged message is there and intact,
 * the CommitLog scans cleanly to its end (no partial record survived), queues and index agree with the log.
 * Every fourth SYNC_FLUSH round also simulates power loss: everything after the last acknowledged byte is
 * zeroed (only fdatasynced data survives a machine crash).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { maskedCrc32 } from '@rocketnest/protocol';
import { type FlushDiskType, MessageStore } from '@rocketnest/store';
import { CRASH_STORE_OPTIONS, crashBody } from '../fixtures/crash-shared.js';
import { makeTempDir, removeDir } from './store-fixtures.js';
import { type ScannedRecord, verifyStoreConsistency } from './verify-store.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const TS_REGISTER = fileURLToPath(new URL('../../../../test/support/ts-register.mjs', import.meta.url));
const ROUNDS = 20;

interface Ack {
  key: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  offset: number;
  end: number;
}

let dir: string | undefined;
let child: ChildProcess | undefined;
let store: MessageStore | undefined;

/** afterEach of the crash suites: kills a child still running (by PID), closes the store, removes the dir. */
export async function cleanUpCrashRun(): Promise<void> {
  if (child !== undefined && child.exitCode === null && child.signalCode === null && child.pid !== undefined)
    process.kill(child.pid, 'SIGKILL');
  child = undefined;
  await store?.shutdown();
  store = undefined;
  await removeDir(dir);
  dir = undefined;
}

let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

/** Runs one child until a random moment, kills it, returns its acknowledgements. */
async function runAndKill(
  storeDir: string,
  mode: FlushDiskType,
  round: number,
): Promise<{ acks: Ack[]; started: boolean }> {
  const acks: Ack[] = [];
  let started = false;
  const proc = spawn(
    process.execPath,
    ['--import', TS_REGISTER, path.join(fixtures, 'crash-writer.ts'), storeDir, mode, String(round)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve) => {
    let pending = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parts = line.split(' ');
        if (parts[0] === 'ready') {
          started = true;
          resolve();
        }
        if (parts[0] === 'ack')
          acks.push({
            key: parts[1],
            topic: parts[2],
            queueId: Number(parts[3]),
            queueOffset: Number(parts[4]),
            offset: Number(parts[5]),
            end: Number(parts[6]),
          });
      }
    });
  });
  // Some rounds die while the child is still recovering; the others after 10-130 ms of traffic.
  const duringStartup = round % 7 === 3;
  const waitMs = duringStartup ? Math.floor(random() * 300) : 10 + Math.floor(random() * 120);
  if (!duringStartup) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 15_000)));
    const outcome = await Promise.race([ready, exited, deadline]);
    clearTimeout(timer);
    if (outcome === 'late') throw new Error(`crash writer not ready after 15 s: ${stderr}`);
  }
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  if (proc.exitCode !== null) throw new Error(`crash writer exited early (${proc.exitCode}): ${stderr}`);
  process.kill(proc.pid as number, 'SIGKILL');
  await exited;
  child = undefined;
  return { acks, started };
}

/** Zeroes every CommitLog byte from `from` on: what a power cut leaves of data that was never fdatasynced. */
function zeroCommitLogFrom(storeDir: string, from: number): void {
  const segmentSize = CRASH_STORE_OPTIONS.mappedFileSizeCommitLog as number;
  const commitlog = path.join(storeDir, 'commitlog');
  for (const name of fs.readdirSync(commitlog)) {
    const start = Number(name);
    if (start + segmentSize <= from) continue;
    const file = path.join(commitlog, name);
    fs.truncateSync(file, Math.max(0, from - start));
    fs.truncateSync(file, segmentSize);
  }
}

/** Every acknowledged message is in the scanned log, at its offset, with its queue offset and exact body. */
function checkAcks(records: readonly ScannedRecord[], acks: readonly Ack[]): void {
  const byOffset = new Map(records.map((record) => [record.offset, record]));
  for (const ack of acks) {
    const record = byOffset.get(ack.offset);
    expect(record, `acknowledged ${ack.key} at ${ack.offset}`).toBeDefined();
    const body = crashBody(ack.key);
    expect(record).toMatchObject({
      uniqKey: ack.key,
      topic: ack.topic,
      queueId: ack.queueId,
      queueOffset: ack.queueOffset,
      bodyLength: body.length,
      bodyCRC: maskedCrc32(body),
    });
  }
}

export async function crashRounds(mode: FlushDiskType): Promise<void> {
  dir = await makeTempDir('rocketnest-crash-');
  const allAcks: Ack[] = [];
  let recoveredRecords = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { acks, started } = await runAndKill(dir, mode, round);
    allAcks.push(...acks);
    if (mode === 'SYNC_FLUSH' && round % 4 === 1 && acks.length > 0)
      zeroCommitLogFrom(dir, Math.max(...acks.map((ack) => ack.end)));
    store = await MessageStore.open({ ...CRASH_STORE_OPTIONS, storePathRootDir: dir, flushDiskType: mode });
    // A child killed before it created the abort file leaves a cleanly stopped store.
    if (started) expect(store.recovery.abnormal).toBe(true);
    // The index is checked for a sample of this round's keys (each lookup walks the index files).
    const step = Math.max(1, Math.floor(acks.length / 64));
    const sample = new Set(acks.filter((_, i) => i % step === 0).map((ack) => ack.key));
    const records = await verifyStoreConsistency(store, { indexKeys: sample });
    checkAcks(records, allAcks);
    expect(records.length).toBeGreaterThanOrEqual(recoveredRecords);
    recoveredRecords = records.length;
    // Half the rounds leave the store as a crash would, so the next child recovers a twice-crashed store.
    if (round % 2 === 0) await store.shutdown();
    else await store.crashForTesting();
    store = undefined;
  }
  expect(allAcks.length).toBeGreaterThan(ROUNDS);
}
