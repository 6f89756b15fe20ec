import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const live = new Set<string>();
let exitHookInstalled = false;

/** A fresh folder under the OS temp dir, named so a leftover one is recognisable; removed at exit if still there. */
export async function makeTempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `rocketnest-bench-${label}-`));
  live.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Only synchronous calls run in an 'exit' handler; it fires after a crash too.
    process.on('exit', () => {
      for (const leftover of live) rmSync(leftover, { recursive: true, force: true });
    });
  }
  return dir;
}

export async function removeTempDir(dir: string | null): Promise<void> {
  if (dir === null) return;
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  live.delete(dir);
}
