/**
 * Installs a missing peer server from Debian's packages (root only). Installs are serialised (one dpkg lock),
 * and a temporary policy-rc.d keeps the package from starting its system service: the bench starts its own
 * instance on free ports and must leave nothing running.
 */
import { spawn } from 'node:child_process';
import { access, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
let queue: Promise<unknown> = Promise.resolve();

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

function runCommand(command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export type InstallResult =
  { readonly ok: true; readonly binary: string } | { readonly ok: false; readonly reason: string };

async function firstExisting(candidates: readonly string[]): Promise<string | null> {
  for (const path of candidates) if (await fileExists(path)) return path;
  return null;
}

/** apt and dpkg output is many lines: one line of its end is enough for a skip reason. */
function oneLine(text: string, chars: number): string {
  return text.replace(/\s+/g, ' ').trim().slice(-chars);
}

/**
 * Makes sure one of `candidates` (the binary's possible paths) exists, installing `debianPackage` when allowed.
 * Never throws: the reason for a failure is returned for the skip line.
 */
export function ensureDebianPackage(
  candidates: readonly string[],
  debianPackage: string,
  allowInstall: boolean,
  log: (line: string) => void,
): Promise<InstallResult> {
  const job = queue.then(() => install(candidates, debianPackage, allowInstall, log));
  queue = job;
  return job;
}

async function install(
  candidates: readonly string[],
  debianPackage: string,
  allowInstall: boolean,
  log: (line: string) => void,
): Promise<InstallResult> {
  const binary = candidates[0] ?? debianPackage;
  const found = await firstExisting(candidates);
  if (found !== null) return { ok: true, binary: found };
  if (!allowInstall) return { ok: false, reason: `${binary} not installed and --no-install given` };
  if (process.getuid?.() !== 0) return { ok: false, reason: `${binary} not installed and not root to apt-get it` };
  if (!(await fileExists('/usr/bin/apt-get'))) return { ok: false, reason: `${binary} not installed, no apt-get` };
  const policy = await runCommand('apt-cache', ['policy', debianPackage], 60_000);
  if (!/Candidate: (?!\(none\))/.test(policy.output)) {
    log(`  ${debianPackage}: no install candidate, running apt-get update`);
    await runCommand('apt-get', ['update'], 300_000);
  }
  const ownPolicy = !(await fileExists(POLICY_RC_D));
  if (ownPolicy)
    await writeFile(POLICY_RC_D, '#!/bin/sh\n# rocketnest bench: no service starts during install\nexit 101\n', {
      mode: 0o755,
    });
  try {
    log(`  installing ${debianPackage} from Debian packages...`);
    const result = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], 600_000);
    const installed = await firstExisting(candidates);
    if (result.code !== 0 || installed === null) {
      return {
        ok: false,
        reason: `apt-get install ${debianPackage} gave no ${binary}: ${oneLine(result.output, 200)}`,
      };
    }
    return { ok: true, binary: installed };
  } finally {
    if (ownPolicy) await rm(POLICY_RC_D, { force: true });
  }
}
