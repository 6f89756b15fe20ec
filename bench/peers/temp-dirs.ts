import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder under the OS temp dir, named so a leftover one is recognisable. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `rocketnest-bench-${label}-`));
}

export async function removeTempDir(dir: string | null): Promise<void> {
  if (dir !== null) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
