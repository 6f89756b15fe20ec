/**
 * Sanity check of interop/fixtures/*.json without Java: every hex frame is whole and its recorded summary
 * (code, flag, opaque, serialization, lengths) matches the bytes. Exit 1 on the first mismatch.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { findInteropDir } from '../apache/distribution-cache.js';
import { inspectFrame } from './frame-inspector.js';

interface FixtureFile {
  readonly name: string;
  readonly code: number;
  readonly flag: number;
  readonly opaque: number;
  readonly serializeType: string;
  readonly headerLength: number;
  readonly bodyLength: number;
  readonly hex: string;
}

async function main(): Promise<number> {
  const dir = path.join(findInteropDir(), 'fixtures');
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const fixture = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as FixtureFile;
    try {
      const summary = inspectFrame(Buffer.from(fixture.hex, 'hex'));
      const same =
        summary.code === fixture.code &&
        summary.flag === fixture.flag &&
        summary.opaque === fixture.opaque &&
        summary.serializeType === fixture.serializeType &&
        summary.headerLength === fixture.headerLength &&
        summary.bodyLength === fixture.bodyLength;
      if (!same) throw new Error('summary does not match the frame bytes');
      passed += 1;
    } catch (error: unknown) {
      failed += 1;
      console.log(`FAIL fixture ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`fixtures: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
