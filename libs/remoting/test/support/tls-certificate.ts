import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCertificate {
  key: Buffer;
  cert: Buffer;
}

/** Path of `openssl`, or null when it is not installed (the TLS test is then skipped with a reason). */
export async function findOpenssl(): Promise<string | null> {
  try {
    const { stdout } = await run('which', ['openssl']);
    const path = stdout.trim();
    return path.length > 0 ? path : null;
  } catch {
    return null;
  }
}

/** A throwaway P-256 certificate for CN=localhost and IP 127.0.0.1, made with openssl in a temp folder. */
export async function createSelfSignedCertificate(openssl: string): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'rocketnest-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run(openssl, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
